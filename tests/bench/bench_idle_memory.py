"""Idle memory alone, as bench_polls measures it, repeated: Huddle (every feature, a poll
open) and the bare discord.py client, each in its own process, connected to a server of
1,000 members, VmRSS after 2 s idle. Faster than the whole of bench_polls when only the
memory is in question (a change to what loads at start).

`BENCH_SKIP=cogs.insights,...` leaves extensions out (what a feature costs); Huddle must
keep cogs.polls (the child waits for its start-up).

Run: .venv/bin/python -m tests.bench.bench_idle_memory [runs]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

from tests.bench.bench_polls import MEMBERS, OPTIONS, Child
from tests.emulator import Emulator


async def idle_mib(role: str, emu: Emulator, db: Path, before_idle=None) -> float:
    child = await Child.start(role, emu, db, {})
    if before_idle is not None:
        await before_idle()
    rss = (await child.ask("idle", "rss_kib"))["rss_kib"] / 1024
    await child.quit()
    return rss


async def main(runs: int) -> None:
    emu = Emulator(clock=None)
    await emu.start()
    handle = emu.create_guild(name="Bench")
    for i in range(MEMBERS):
        handle.add_member(f"m{i}")
    options = ";".join(f"Option {i}" for i in range(OPTIONS))

    async def open_a_poll() -> None:  # each run: a fresh database, one open poll
        made = await handle.alice.slash(
            "poll create", question="Bench?", options=options, multiple=True
        )
        assert "posted" in made.text, made.text
        await emu.settle(quiet=0.2)

    huddle, bare = [], []
    try:
        tmp = Path(tempfile.mkdtemp(prefix="bench_idle_memory_"))
        for run in range(runs):
            db = tmp / f"huddle{run}.db"
            huddle.append(await idle_mib("huddle", emu, db, open_a_poll))
            bare.append(await idle_mib("bare", emu, tmp / f"bare{run}.db"))
    finally:
        await emu.stop()
    ratio = statistics.median(huddle) / statistics.median(bare)
    print("huddle MiB:", ", ".join(f"{x:.1f}" for x in huddle))
    print("bare MiB:  ", ", ".join(f"{x:.1f}" for x in bare))
    print(f"median ratio: {ratio:.3f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))

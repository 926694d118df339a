"""The vote stream with the clean-up lagging: a single-choice poll (5 options), 10,000
reaction toggles from 1,000 members (about a quarter of them switches that leave a stale
reaction), Discord's own reaction pace on the emulator (1 request per 0.25 s per channel,
429 beyond), then a restart of `python`-process Huddle in the middle of the clean-up and
`/poll close`. Reports the counts the closed message shows against the members' last
choices (each member's latest reaction not withdrawn since), and the backlog at restart.

Part of `tests/bench/bench_polls` (`--no-lag` skips it); alone:
.venv/bin/python -m tests.bench.bench_polls_lag
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from cogs.polls import logic
from tests.emulator import Emulator
from tests.emulator.replies import flatten
from tests.emulator.rest.reactions import add_reaction, remove_reaction

MEMBERS = 1_000
EVENTS = 10_000
OPTIONS = 5


def rows(db: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchone()[0]


async def stream(emu: Emulator, handle, message: dict, rng: random.Random) -> dict[int, int]:
    """EVENTS valid toggles of the message's real reactions (the bot's removals happen
    meanwhile); → each member's last choice (latest reaction not withdrawn since)."""
    users = [int(u) for u in handle.guild.members if int(u) != handle.bot_id][:MEMBERS]
    mid = int(message["id"])
    latest: dict[int, int | None] = {}
    for n in range(EVENTS):
        user, option = rng.choice(users), rng.randrange(OPTIONS)
        emoji = logic.option_emoji(option)
        if user in emu.world.reactions.get(mid, {}).get(emoji, []):
            await remove_reaction(emu, handle.guild, message, user, emoji)
            if latest.get(user) == option:
                latest[user] = None  # the last choice withdrawn: no vote, whatever is left
        else:
            await add_reaction(emu, handle.guild, message, user, emoji)
            latest[user] = option
        if n % 200 == 0:
            await asyncio.sleep(0)
    return {u: o for u, o in latest.items() if o is not None}


def votes_of(db: Path) -> dict[int, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT user_id, option FROM poll_votes").fetchall())


def shown_counts(message: dict) -> list[int]:
    text = "\n".join(flatten(message))
    found = re.findall(r"— (\d+) votes?", text)
    return [int(c) for c in found[:OPTIONS]]


async def run(start_child: Any) -> dict[str, Any]:
    """`start_child(role, emu, db)` → a started bench child (bench_polls.Child)."""
    emu = Emulator(clock=None)
    await emu.start()
    handle = emu.create_guild(name="Lag")
    for i in range(MEMBERS):
        handle.add_member(f"m{i}")
    tmp = Path(tempfile.mkdtemp(prefix="bench_polls_lag_"))
    db = tmp / "huddle.db"
    out: dict[str, Any] = {}
    try:
        emu.pace_reactions()  # Discord's pace
        huddle = await start_child("huddle", emu, db)
        options = ";".join(f"Book {i}" for i in range(OPTIONS))
        made = await handle.alice.slash("poll create", question="Lag?", options=options)
        assert "posted" in made.text, made.text
        message = next(m for m in reversed(handle.messages(handle.general)) if m.get("embeds"))
        started = time.monotonic()
        last = await stream(emu, handle, message, random.Random(19))
        out["lag_stream_s"] = time.monotonic() - started
        expected = logic.tally({u: [o] for u, o in last.items()}, OPTIONS)
        # Every event applied (each member's stored vote is their last choice): the count
        # alone can match in passing while the backlog is still being applied.
        for _ in range(1200):  # up to 60 s: the child's database, polled
            if votes_of(db) == last:
                break
            await asyncio.sleep(0.05)
        out["lag_all_applied_before_restart"] = votes_of(db) == last
        out["lag_stale_at_restart"] = rows(db, "SELECT COUNT(*) FROM poll_stale_reactions")
        await huddle.quit()  # the restart, in the middle of the clean-up
        huddle = await start_child("huddle", emu, db)
        closed = await handle.alice.slash("poll close", poll="Lag?")
        await emu.settle(quiet=0.3)
        shown = shown_counts(handle.message(int(message["id"])))
        out["lag_closed_counts"] = shown
        out["lag_expected_counts"] = expected
        out["lag_exact"] = shown == expected and "closed" in closed.text.lower()
        out["lag_stale_after_close"] = rows(db, "SELECT COUNT(*) FROM poll_stale_reactions")
        await huddle.quit()
        out["lag_violations"] = len(emu.violations)
    finally:
        await emu.stop()
    return out


async def main() -> None:
    from tests.bench.bench_polls import Child

    async def start_child(role: str, emu: Emulator, db: Path) -> Any:
        return await Child.start(role, emu, db, {})

    o = await run(start_child)
    for key, value in o.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    asyncio.run(main())

"""Polls benchmark: 10,000 reaction events from 1,000 members fed through the emulator to
Huddle and, in the same run, to a bare discord.py client that only counts them.

Reports events/s processed by Huddle (committed to SQLite) next to the bare client's
events/s received, the p50/p99 latency from the emulator emitting a reaction to the vote
being committed, and the message edits made during the burst (default 3 s coalescing).

Run: .venv/bin/python -m tests.bench.bench_polls   (or pytest -s tests/bench/bench_polls.py)
"""

from __future__ import annotations

import asyncio
import logging
import random
import statistics
import tempfile
from collections import defaultdict, deque
from pathlib import Path

import discord

from cogs.polls import logic
from core.clock import FakeClock
from tests.emulator import Emulator
from tests.emulator.harness import start_bot, stop_bot
from tests.emulator.rest.reactions import add_reaction, remove_reaction

MEMBERS = 1_000
EVENTS = 10_000
OPTIONS = 10
FEED_CHUNK = 10  # events emitted between yields to the (shared) event loop
START = 1_796_126_400.0  # 2026-12-01 12:00 UTC


class BareCounter(discord.Client):
    """What any discord.py bot pays just to receive the events: the baseline."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default())
        self.count = 0
        self.last = 0.0
        self.sent: dict[tuple[int, str, bool], deque[float]] = defaultdict(deque)
        self.latencies: list[float] = []

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self._seen(payload, True)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self._seen(payload, False)

    def _seen(self, payload: discord.RawReactionActionEvent, added: bool) -> None:
        self.count += 1
        self.last = asyncio.get_running_loop().time()
        times = self.sent.get((payload.user_id, str(payload.emoji), added))
        if times:
            self.latencies.append(self.last - times.popleft())


def plan(members: list[int], rng: random.Random) -> list[tuple[int, str, bool]]:
    """EVENTS toggles (user, emoji, add?) that are valid reaction changes on Discord."""
    held: set[tuple[int, str]] = set()
    out = []
    emojis = [logic.option_emoji(i) for i in range(OPTIONS)]
    while len(out) < EVENTS:
        key = (rng.choice(members), rng.choice(emojis))
        added = key not in held
        (held.add if added else held.discard)(key)
        out.append((key[0], key[1], added))
    return out


async def run(multiple: bool = True, rate: float | None = None) -> dict[str, float]:
    clock = FakeClock(START)
    emu = Emulator(clock=clock)
    await emu.start()
    guild = emu.create_guild(name="Bench")
    tmp = Path(tempfile.mkdtemp())
    bot = await start_bot(emu, tmp / "huddle.db", clock, extensions=["cogs.admin", "cogs.polls"])
    bare = BareCounter()
    await bare.login(emu.token)
    bare_task = asyncio.create_task(bare.connect())
    await bare.wait_until_ready()
    try:
        return await measure(emu, guild, bot, bare, multiple, rate)
    finally:
        await bare.close()
        await asyncio.gather(bare_task, return_exceptions=True)
        await stop_bot(bot)
        await emu.stop()


async def measure(
    emu, guild, bot, bare: BareCounter, multiple: bool, rate: float | None = None
) -> dict[str, float]:
    """Feed every event as fast as one loop allows, or paced at `rate` events/s."""
    service = bot.get_cog("Polls").service
    options = ";".join(f"Option {i}" for i in range(OPTIONS))
    await guild.alice.slash("poll create", question="Bench?", options=options, multiple=multiple)
    await service.idle()
    message = next(m for m in reversed(guild.messages(guild.general)) if m.get("embeds"))
    mid = int(message["id"])
    members = [guild.add_member(f"m{i}").id for i in range(MEMBERS)]
    events = plan(members, random.Random(1))

    loop = asyncio.get_running_loop()
    sent: dict[tuple[int, str, bool], deque[float]] = defaultdict(deque)
    latencies: list[float] = []
    committed = 0
    last_commit = 0.0

    def on_commit(poll_id: int, batch, at: float) -> None:
        nonlocal committed, last_commit
        for e in batch:
            times = sent.get((e.user_id, e.emoji, e.added))
            if times:
                latencies.append(at - times.popleft())
                committed += 1
        last_commit = at

    service.engine.on_commit = on_commit
    emu.reset_requests()
    bare.count = 0
    start = loop.time()
    for n, (user, emoji, added) in enumerate(events):
        now = loop.time()
        sent[(user, emoji, added)].append(now)
        bare.sent[(user, emoji, added)].append(now)
        if added:
            await add_reaction(emu, guild.guild, message, user, emoji)
        else:
            await remove_reaction(emu, guild.guild, message, user, emoji)
        if n % FEED_CHUNK == 0:
            # one event loop serves emulator, Huddle and bare client
            await asyncio.sleep(max(0.0, start + n / rate - loop.time()) if rate else 0)
    while (committed < EVENTS or bare.count < EVENTS) and loop.time() - start < 120:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    burst = max(last_commit, bare.last) - start
    await service.idle()
    edits = emu.count_requests("PATCH", rf"/channels/\d+/messages/{mid}$")
    stored = await bot.store.fetchval("SELECT COUNT(*) FROM poll_votes")
    reacted = sum(len([u for u in us if u != guild.bot_id]) for us in guild.reactions(mid).values())
    latencies.sort()
    bare.latencies.sort()
    return {
        "events": EVENTS,
        "huddle_committed": committed,
        "huddle_eps": committed / (last_commit - start),
        "bare_received": bare.count,
        "bare_eps": bare.count / (bare.last - start),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "bare_p50_ms": 1000 * statistics.median(bare.latencies),
        "bare_p99_ms": 1000 * bare.latencies[int(0.99 * (len(bare.latencies) - 1))],
        "burst_s": burst,
        "edits": edits,
        "edits_per_2s": edits / burst * 2,
        "stored_votes": stored,
        "reactions": reacted,
    }


def report(figures: dict[str, float]) -> str:
    ratio = figures["huddle_eps"] / figures["bare_eps"]
    rows = [
        ("reaction events fed", f"{figures['events']:,}"),
        ("bare discord.py client: events/s", f"{figures['bare_eps']:,.0f}"),
        ("Huddle: events/s committed", f"{figures['huddle_eps']:,.0f}"),
        ("Huddle / bare (target ≥ 50%)", f"{ratio:.0%}"),
        ("reaction → vote committed p50 (bare: received)",
         f"{figures['p50_ms']:.1f} ms ({figures['bare_p50_ms']:.1f} ms)"),
        ("reaction → vote committed p99 (bare: received)",
         f"{figures['p99_ms']:.1f} ms ({figures['bare_p99_ms']:.1f} ms)"),
        ("burst duration", f"{figures['burst_s']:.2f} s"),
        ("message edits (target ≤ 1 per 2 s)", f"{figures['edits']} ({figures['edits_per_2s']:.2f} per 2 s)"),
        ("stored votes == reactions", f"{figures['stored_votes']} == {figures['reactions']}"),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    print("== full speed: all 10,000 events as fast as the emulator can send them")
    print(report(await run()))
    print("\n== paced: the same events at 1,000 events/s (a 10 s burst)")
    print(report(await run(rate=1000)))


def test_bench_polls() -> None:
    figures = asyncio.run(run())
    print("\n" + report(figures))
    assert figures["stored_votes"] == figures["reactions"]


if __name__ == "__main__":
    asyncio.run(main())

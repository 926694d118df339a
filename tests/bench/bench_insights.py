"""Insights through the real bot and database (figures in docs/insights.md).

A server with a group of 1,000 members, 12 weeks of daily check-ins, 50 events and 100
polls (plus 19 small groups); `/insights group` and `/insights server` asked through the
Discord emulator, alternately, `--pictures` times (default 100). Reports:
  * time per picture (interaction round trip: gather + draw + reply), p50/p99 — target p99 < 1 s;
  * event-loop stall while pictures are made (a 5 ms ticker's worst lateness) — target < 50 ms;
  * RSS before the first picture (Pillow not yet imported: the idle bot pays nothing), after
    the first, and after all — target: within 60 MB of idle.
Run: .venv/bin/python -m tests.bench.bench_insights [--pictures 100]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from core.clock import FakeClock
from tests.emulator import Emulator
from tests.emulator.harness import start_bot, stop_bot
from tests.support.insights import DAY, WEEK, add_group, decode

NOW = 1_800_000_000.0


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def populate(bot, guild) -> int:
    rng = random.Random(16)
    members = [10**15 + i for i in range(1000)]
    big = await add_group(bot, guild, "Big", [guild.alice.id, *members[1:]], NOW - 20 * WEEK)
    for i in range(19):
        await add_group(bot, guild, f"Group {i:02d}", [10**14 + i * 10 + k for k in range(8)],
                        NOW - (i + 3) * WEEK)  # fmt: skip
    periods, checkins = [], []
    for d in range(84, 0, -1):
        start = int(NOW - d * DAY)
        key = f"d{start}"
        periods.append((guild.id, big, key, start, start + DAY))
        rate = 0.6 if d > 28 else 0.25
        for u in members:
            if rng.random() < rate:
                checkins.append((guild.id, big, u, key, start, start + 3600, start + 3600))
    rsvps: list[tuple] = []
    votes: list[tuple] = []
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO checkin_periods (guild_id, group_id, period_key, period_start,"
            " period_end, prompt_posted, summary_posted) VALUES (?, ?, ?, ?, ?, 1, 1)",
            periods,
        )
        await tx.executemany(
            "INSERT INTO checkins (guild_id, group_id, user_id, period_key, period_start,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            checkins,
        )
        for e in range(50):
            start = NOW - (e + 1) * 1.6 * DAY
            eid = await tx.insert(
                "INSERT INTO events (guild_id, group_id, title, start_at, end_at, timezone,"
                " status, created_by, created_at) VALUES (?, ?, ?, ?, ?, 'UTC', 'ended', ?, ?)",
                (guild.id, big, f"Meetup {e}", start, start + 3600, guild.alice.id, start - WEEK),
            )
            for i, u in enumerate(rng.sample(members, rng.randint(40, 160))):
                rsvps.append(
                    (eid, u, rng.choice(("going", "going", "maybe", "cant")), i, start - DAY)
                )
        for p in range(100):
            created = NOW - (p + 1) * 0.8 * DAY
            pid = await tx.insert(
                "INSERT INTO polls (guild_id, channel_id, group_id, creator_id, question, options,"
                " status, created_at) VALUES (?, ?, ?, ?, ?, '[\"a\",\"b\"]', 'closed', ?)",
                (guild.id, guild.general, big, guild.alice.id, f"Question {p}?", created),
            )
            for u in rng.sample(members, rng.randint(100, 700)):
                votes.append((pid, u, rng.randint(0, 1), created + 60))
        await tx.executemany(
            "INSERT INTO event_rsvps (event_id, user_id, status, seq, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rsvps,
        )
        await tx.executemany(
            "INSERT INTO poll_votes (poll_id, user_id, option, voted_at) VALUES (?, ?, ?, ?)",
            votes,
        )
    return len(checkins)


async def run(pictures: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)
    emu = Emulator(clock=FakeClock(NOW))
    await emu.start()
    guild = emu.create_guild(name="Bench")
    tmp = Path(tempfile.mkdtemp())
    exts = ["cogs.admin", "cogs.groups", "cogs.checkins", "cogs.insights"]
    bot = await start_bot(emu, tmp / "huddle.db", FakeClock(NOW), extensions=exts)
    try:
        rows = await populate(bot, guild)
        await asyncio.sleep(0.2)
        idle = rss_mb()
        pil_idle = "PIL" in sys.modules
        stalls: list[float] = []
        running = True

        async def ticker() -> None:
            loop = asyncio.get_running_loop()
            while running:
                t = loop.time()
                await asyncio.sleep(0.005)
                stalls.append((loop.time() - t - 0.005) * 1000)

        # baseline: the same ticker with nothing drawing
        tick = asyncio.create_task(ticker())
        await asyncio.sleep(1.0)
        baseline = max(stalls)
        stalls.clear()
        times: dict[str, list[float]] = {"group": [], "server": []}
        first = after_first = 0.0
        for i in range(pictures):
            kind = "group" if i % 2 == 0 else "server"
            t = time.perf_counter()
            if kind == "group":
                r = await guild.alice.slash("insights group", group="Big")
            else:
                r = await guild.owner.slash("insights server")
            took = time.perf_counter() - t
            [att] = r.attachments
            decode(att["content"])
            if i == 0:
                first, after_first = took, rss_mb()
            else:
                times[kind].append(took)
        running = False
        await tick
        after = rss_mb()
        print(f"data: 1,000-member group + 19 small; {rows:,} check-ins over 84 daily periods;"
              " 50 events, 100 polls")  # fmt: skip
        print("picture      p50 ms   p99 ms   max ms   (interaction round trip: gather+draw+reply)")
        for kind, v in times.items():
            print(
                f"{kind:10} {pct(v, 0.5) * 1000:8.1f} {pct(v, 0.99) * 1000:8.1f} {max(v) * 1000:8.1f}"
            )
        print(f"first picture (imports Pillow, loads fonts): {first * 1000:.0f} ms")
        print(f"RSS idle before the first picture: {idle:.1f} MB (Pillow loaded: {pil_idle});"
              f" after the first: {after_first:.1f} MB; after {pictures}: {after:.1f} MB"
              f" (+{after - idle:.1f} MB)")  # fmt: skip
        print(
            f"event loop while drawing (5 ms ticker): longest stall {max(stalls):.1f} ms,"
            f" p99 {pct(stalls, 0.99):.1f} ms (idle baseline {baseline:.1f} ms)"
        )
        print(f"emulator violations: {len(emu.violations)}")
    finally:
        await stop_bot(bot)
        await emu.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pictures", type=int, default=100)
    asyncio.run(run(parser.parse_args().pictures))

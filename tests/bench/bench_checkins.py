"""Check-ins benchmark: 1,000,000 check-ins over 2,000 groups (10 members each, 100 daily
periods, each member checking in for about half of them), then the p99 latency of
`/checkin streak`, `/checkin board` and recording one check-in, through the same service
code the commands use.

Run: .venv/bin/python -m tests.bench.bench_checkins   (or pytest -s tests/bench/bench_checkins.py)
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import time as clock_time
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from cogs.checkins import logic
from cogs.checkins.logic import Rule
from cogs.checkins.service import CheckinService
from cogs.groups import api as groups
from core.clock import FakeClock
from core.config import GuildConfig
from core.store import Store

GUILD = 1
GROUPS = 2_000
MEMBERS = 10
PERIODS = 100
PER_MEMBER = 50  # 2,000 × 10 × 50 = 1,000,000 check-ins
SAMPLES = 2_000
ZONE = "Europe/Berlin"
RULE = Rule("daily", clock_time(18, 0))
NOW = 1_796_000_000.0  # 2026-11-29


def member_id(group: int, n: int) -> int:
    return 10**12 + group * 100 + n


async def populate(store: Store) -> int:
    zone = ZoneInfo(ZONE)
    last = logic.period_at(RULE, zone, NOW)
    periods = [last]
    while len(periods) < PERIODS:
        periods.append(logic.previous_period(RULE, zone, periods[-1]))
    periods.reverse()
    rng = random.Random(7)
    count = 0

    def checkin_rows():
        nonlocal count
        for g in range(1, GROUPS + 1):
            for n in range(MEMBERS):
                # The last few periods always (a live streak), the rest at random.
                chosen = periods[-5:] + rng.sample(periods[:-5], PER_MEMBER - 5)
                for p in chosen:
                    count += 1
                    yield (GUILD, g, member_id(g, n), p.key, p.start, "done", "did it", p.start,
                           p.start)  # fmt: skip

    async with store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO groups (id, guild_id, name, name_key, created_by, created_at,"
            " channel_id, timezone) VALUES (?, ?, ?, ?, 1, 0, ?, ?)",
            [(g, GUILD, f"Group {g}", f"group {g}", 5000 + g, ZONE) for g in range(1, GROUPS + 1)],
        )
        await tx.executemany(
            "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
            " VALUES (?, ?, ?, ?, 0)",
            [
                (GUILD, g, member_id(g, n), int(n == 0))
                for g in range(1, GROUPS + 1)
                for n in range(MEMBERS)
            ],
        )
        await tx.executemany(
            "INSERT INTO checkin_schedules (guild_id, group_id, cadence, hour, minute,"
            " created_by, created_at) VALUES (?, ?, 'daily', 18, 0, 1, 0)",
            [(GUILD, g) for g in range(1, GROUPS + 1)],
        )
        await tx.executemany(
            "INSERT INTO checkin_members (guild_id, group_id, user_id, since_start)"
            " VALUES (?, ?, ?, ?)",
            [
                (GUILD, g, member_id(g, n), periods[0].start)
                for g in range(1, GROUPS + 1)
                for n in range(MEMBERS)
            ],
        )
        await tx.executemany(
            "INSERT INTO checkins (guild_id, group_id, user_id, period_key, period_start,"
            " status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            checkin_rows(),
        )
    await store.execute("ANALYZE")
    return count


async def timed(samples: int, action) -> list[float]:
    figures = []
    for i in range(samples):
        started = time.perf_counter()
        await action(i)
        figures.append((time.perf_counter() - started) * 1000)
    return figures


def row(name: str, figures: list[float], target: float) -> str:
    figures = sorted(figures)
    p99 = figures[int(len(figures) * 0.99) - 1]
    verdict = "ok" if p99 < target else "SLOW"
    return (
        f"| {name:<28} | {len(figures):>6} | {statistics.median(figures):>8.2f} |"
        f" {p99:>8.2f} | {max(figures):>8.2f} | < {target:g} ms {verdict:<4} |"
    )


async def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        await store.open()
        started = time.perf_counter()
        count = await populate(store)
        generation = time.perf_counter() - started
        clock = FakeClock(NOW)
        bot = SimpleNamespace(store=store, config=GuildConfig(store), clock=clock)
        service = CheckinService(bot)  # type: ignore[arg-type]
        rng = random.Random(11)
        refs = {g: await groups.get_group(store, g) for g in range(1, GROUPS + 1)}

        async def streak(_: int) -> None:
            g = rng.randint(1, GROUPS)
            group = await groups.resolve_group(store, GUILD, str(g))
            await service.stats(group, member_id(g, rng.randrange(MEMBERS)))

        async def board(i: int) -> None:
            g = rng.randint(1, GROUPS)
            group = await groups.resolve_group(store, GUILD, str(g))
            members = await groups.member_ids(store, g)
            window = ("week", "month", "all")[i % 3]
            counts = await service.store.counts_since(g, logic.board_since(window, clock.now()))
            streaks = await service.current_streaks(group, members)
            logic.rank_board(members, counts, streaks)

        async def record(i: int) -> None:
            g = rng.randint(1, GROUPS)
            await service.record(refs[g], member_id(g, rng.randrange(MEMBERS)), "bench", "done")
            if i % 500 == 499:
                await clock.advance(86400)  # new periods: inserts, not only updates

        async def record_row(_: int) -> None:
            g = rng.randint(1, GROUPS)
            period = logic.period_at(RULE, ZoneInfo(ZONE), clock.now())
            await service.store.record(
                GUILD, g, member_id(g, rng.randrange(MEMBERS)), period, "done", "", clock.now()
            )

        results = [
            row("/checkin streak", await timed(SAMPLES, streak), 20),
            row("/checkin board", await timed(SAMPLES, board), 20),
            row("record check-in (service)", await timed(SAMPLES, record), 5),
            row("record check-in (SQL only)", await timed(SAMPLES, record_row), 5),
        ]
        total = await store.fetchval("SELECT COUNT(*) FROM checkins")
        await store.close()
    print(f"\nGenerated {count:,} check-ins in {GROUPS:,} groups in {generation:.1f} s"
          f" (table now holds {total:,})")  # fmt: skip
    print(
        "| query                        |      n |  median  |   p99    |   max    | target        |"
    )
    print(
        "|------------------------------|--------|----------|----------|----------|---------------|"
    )
    print("\n".join(results))


def test_bench_checkins() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    asyncio.run(run())

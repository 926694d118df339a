"""Club-cycles benchmark: 200 groups with cycles in one server, all changing phase in the
same minute, under the emulator's Discord-like rate limits (per-route buckets, 50 req/s
global), on the real clock.

Set-up (not measured, rate limits off): `/group create` × N (alice leads them all),
`/cycle start` in each (the real command), one nomination per group (written through the
cycles store, as `/cycle nominate` would after its checks).

Then three measured stages, each with rate limits on. In each, every group's phase change
falls due once, the due times spread evenly over `--spread` seconds (default 60: "the same
minute"; `--spread 0` makes them all due at the same instant):

1. pick: the nomination deadline with one nomination: the pick is announced, the meeting
   event is created (its message and its Discord scheduled event) and reading check-ins
   are set (the CLOSE job's due time is moved to the slot);
2. next: the meeting ended: the event's end job falls due (event and job times moved),
   events hand over to the cycle (on_end job), the period ends and the next period's
   nominations are announced;
3. poll: the nomination deadline with two nominations: the ballot poll is posted.

Lateness is measured on the real clock, per group, as (time the cycle's handler returned,
i.e. its posts were answered − the due time the phase change was scheduled for). For
`next` the due time is the event's end (the cycle's own job is scheduled by events when
the event ends, so events' end handling is counted in). No fake clock: the scheduler's
real timer wakes at the due time, the way it runs in production.

REST calls per phase change = every REST call made during the stage (bot → emulator,
counted by the limiter per route) / N; the stage's posts by route are printed too.

Run: .venv/bin/python -m tests.bench.bench_cycles [--groups 200] [--spread 60] [--runs 1]
     [--stages pick,next,poll]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from cogs.cycles import jobs as cycle_jobs
from cogs.cycles import logic
from core.clock import Clock
from tests.emulator.harness import start_bot, stop_bot
from tests.emulator.server import Emulator
from tests.support.groups import create, slash

LEAD = 2.0  # seconds between arming a stage and its first due time


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Probe:
    """Wraps a cycle job handler: notes when each period's handler returned."""

    def __init__(self, bot, kind: str) -> None:
        self.bot = bot
        self.kind = kind
        self.original = bot.scheduler._handlers[kind]
        self.finished: dict[int, float] = {}
        self.started: dict[int, float] = {}
        self.expected = 0
        self.done = asyncio.Event()
        bot.scheduler.register(kind, self.handle)

    async def handle(self, job) -> None:
        period_id = int(job.payload["period_id"])
        self.started.setdefault(period_id, time.time())
        await self.original(job)
        self.finished[period_id] = time.time()
        if self.expected and len(self.finished) >= self.expected:
            self.done.set()

    def restore(self) -> None:
        self.bot.scheduler.register(self.kind, self.original)


async def run_stage(
    bot, emu, limiter, name: str, kind: str, arm, periods: list[int], spread: float
) -> dict:
    """`arm(due_by_period)` moves the jobs; returns the stage's figures."""
    probe = Probe(bot, kind)
    probe.expected = len(periods)
    first = time.time() + LEAD
    step = spread / max(len(periods) - 1, 1)
    due = {p: first + i * step for i, p in enumerate(periods)}
    before = Counter(limiter.calls)
    limited_before = limiter.total_limited
    await arm(due)
    bot.scheduler._wake.set()
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe.done.wait(), timeout=spread + 900)
    finally:
        probe.restore()
    await emu.settle(quiet=0.5, cap=60)
    took = time.perf_counter() - started
    calls = Counter(limiter.calls)
    calls.subtract(before)
    by_route = {k: v for k, v in calls.most_common() if v > 0}
    total = sum(by_route.values())
    late = [(probe.finished[p] - due[p]) * 1000 for p in periods]
    start_late = [(probe.started[p] - due[p]) * 1000 for p in periods]
    return {
        "stage": name,
        "n": len(periods),
        "late_p50_ms": statistics.median(late),
        "late_p99_ms": pct(late, 0.99),
        "late_max_ms": max(late),
        "start_late_p99_ms": pct(start_late, 0.99),
        "rest_calls": total,
        "rest_per_change": total / len(periods),
        "rest_per_s": total / took,
        "429s": limiter.total_limited - limited_before,
        "by_route": by_route,
        "took_s": took,
    }


async def run(groups: int, spread: float, stages: list[str]) -> dict:
    emu = Emulator(clock=None)
    await emu.start()
    handle = emu.create_guild(name="Bench")
    tmp = Path(tempfile.mkdtemp())
    bot = await start_bot(emu, tmp / "huddle.db", Clock())
    out: dict = {"groups": groups, "spread": spread, "stages": []}
    try:
        await bot.config.set(handle.guild.id, "groups.max_per_member", groups + 10)
        t = time.perf_counter()
        for g in range(groups):
            r = await create(handle.alice, f"Club {g}", "A book club")
            assert r.ephemeral and not r.text.startswith("Sorry"), r.text
        made = await bot.store.fetchval("SELECT COUNT(*) FROM groups WHERE channel_id IS NOT NULL")
        assert made == groups, (made, r.text)
        for g in range(groups):
            r = await slash(
                handle.alice, "cycle start", group=f"Club {g}", name="Book of the month",
                meet="last thursday 19:00",
            )  # fmt: skip
            assert "Started" in r.text, r.text
        await emu.settle()
        out["setup_s"] = time.perf_counter() - t
        out["rss_after_setup_mb"] = rss_mb()
        engine = bot.get_cog("Cycles").engine
        store = bot.store
        periods = [
            int(r["id"]) for r in await store.fetchall("SELECT id FROM cycle_periods ORDER BY id")
        ]
        assert len(periods) == groups
        alice, bob = handle.alice.id, handle.bob.id

        async def nominate(period_ids: list[int], titles: list[tuple[int, str]]) -> None:
            now = time.time()
            for p in period_ids:
                for user, title in titles:
                    await engine.cycles.nominate(p, user, title, logic.title_key(title), "", now, 1)

        async def move_close(due: dict[int, float]) -> None:
            async with store.transaction() as tx:
                for p, at in due.items():
                    await tx.execute(
                        "UPDATE jobs SET due_at = ?, asked_for = ? WHERE kind = ?"
                        " AND json_extract(payload, '$.period_id') = ?",
                        (at, at, cycle_jobs.CLOSE, p),
                    )
                    await tx.execute(
                        "UPDATE cycle_periods SET nominate_until = ? WHERE id = ?", (at, p)
                    )

        async def move_end(due: dict[int, float]) -> None:
            async with store.transaction() as tx:
                for p, at in due.items():
                    row = await tx.fetchone("SELECT event_id FROM cycle_periods WHERE id = ?", (p,))
                    event_id = row["event_id"]
                    await tx.execute(
                        "UPDATE events SET start_at = ?, end_at = ? WHERE id = ?",
                        (at - 3600, at, event_id),
                    )
                    rows = await tx.fetchall(
                        "SELECT id, payload FROM jobs WHERE kind = 'event.rollover' AND key = ?",
                        (f"event:{event_id}",),
                    )
                    assert rows, f"no end job for event {event_id}"
                    for row in rows:
                        payload = json.loads(row["payload"])
                        payload["start_at"] = at - 3600
                        await tx.execute(
                            "UPDATE jobs SET due_at = ?, asked_for = ?, payload = ? WHERE id = ?",
                            (at, at, json.dumps(payload), row["id"]),
                        )

        limiter = emu.enable_rate_limits()
        out["rss_before_stages_mb"] = rss_mb()
        current = periods
        if "pick" in stages:
            await nominate(current, [(alice, "Dune")])
            out["stages"].append(
                await run_stage(
                    bot, emu, limiter, "pick", cycle_jobs.CLOSE, move_close, current, spread
                )
            )
            phases = await store.fetchall("SELECT DISTINCT phase FROM cycle_periods")
            assert [r["phase"] for r in phases] == ["reading"], [r["phase"] for r in phases]
            await asyncio.sleep(5.5)  # let the route windows reset between stages
        if "next" in stages and "pick" in stages:
            out["stages"].append(
                await run_stage(
                    bot, emu, limiter, "next", cycle_jobs.MET, move_end, current, spread
                )
            )
            rows = await store.fetchall(
                "SELECT id FROM cycle_periods WHERE number = 2 AND announce_msg IS NOT NULL"
                " ORDER BY id"
            )
            assert len(rows) == groups, len(rows)
            current = [int(r["id"]) for r in rows]
            await asyncio.sleep(5.5)
        if "poll" in stages:
            await nominate(current, [(alice, "Dune"), (bob, "Emma")])
            out["stages"].append(
                await run_stage(
                    bot, emu, limiter, "poll", cycle_jobs.CLOSE, move_close, current, spread
                )
            )
            polls = await store.fetchval("SELECT COUNT(*) FROM polls")
            assert polls == groups, polls
        out["peak_rss_mb"] = rss_mb()
    finally:
        await stop_bot(bot)
        await emu.stop()
    return out


def show(f: dict) -> str:
    lines = [
        f"groups {f['groups']}, due times spread over {f['spread']:.0f} s; set-up "
        f"{f['setup_s']:.1f} s; RSS after set-up {f['rss_after_setup_mb']:.0f} MB, peak "
        f"{f['peak_rss_mb']:.0f} MB (bot + emulator, one process)"
    ]
    for s in f["stages"]:
        lines.append(
            f"[{s['stage']}] lateness (handler done − due) p50 / p99 / max "
            f"{s['late_p50_ms']:.0f} / {s['late_p99_ms']:.0f} / {s['late_max_ms']:.0f} ms "
            f"(target p99 < 2000); handler start p99 {s['start_late_p99_ms']:.0f} ms"
        )
        lines.append(
            f"      REST calls {s['rest_calls']} = {s['rest_per_change']:.2f} per phase change "
            f"({s['rest_per_s']:.1f}/s over {s['took_s']:.1f} s), 429s {s['429s']}"
        )
        for route, count in s["by_route"].items():
            lines.append(f"        {route:<72} {count:>5}")
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord.http").setLevel(logging.ERROR)  # 429s are counted instead
    runs = []
    for i in range(args.runs):
        figures = await run(args.groups, args.spread, args.stages.split(","))
        print(f"== run {i + 1}\n{show(figures)}\n", flush=True)
        runs.append(figures)
    if len(runs) > 1:
        print("== median of runs")
        for n, stage in enumerate(runs[0]["stages"]):
            for key in ("late_p50_ms", "late_p99_ms", "late_max_ms", "rest_per_change"):
                value = statistics.median(r["stages"][n][key] for r in runs)
                print(f"  [{stage['stage']}] {key:<16} {value:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--stages", default="pick,next,poll")
    parser.add_argument("--runs", type=int, default=1)
    asyncio.run(main(parser.parse_args()))

"""Big-server benchmark: one 30,000-member server under Discord's rate limits.

The whole bot (all features) runs against the emulator with its Discord-like rate limits
on (per-route buckets, 50 requests/s global), on the real clock. Set-up (not measured):
30,000 members, 200 group channels, an event with 2,000 members Going and DM reminders
on (made with `/config reminders` and `/event create`, the RSVPs written to the database
as the RSVP button would). Then, at the same instant, the event's real reminder job falls
due together with 500 ordinary jobs in other groups (each posts one message in its
group's channel, like a check-in prompt or a poll close). While the fan-out runs, a
member runs a slash command every 0.5 s.

Reported: ordinary jobs' lateness (start − due) p50/p99/max (target p99 < 1 s), the
slash commands' answer times (target: every one < 3 s), how long the fan-out took, REST
calls/s, 429s (planned ones are none: target 0), and the process's peak RSS (the emulator
runs in the same process, so it is an upper bound for the bot).

Not included yet: the 1,000-member check-in nudge and 200 open polls reconciling at
start-up (their set-up needs those features' schemas, which are changing now).

Run: .venv/bin/python -m tests.bench.bench_big_server [--members 30000] [--going 2000]
     [--ordinary 500] [--groups 200] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import tempfile
import time
from pathlib import Path

from core.clock import Clock
from tests.emulator.harness import start_bot, stop_bot
from tests.emulator.server import Emulator

ORDINARY = "bench.ordinary"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def run(members: int, going: int, ordinary: int, groups: int) -> dict[str, float]:
    emu = Emulator(clock=None)
    await emu.start()
    handle = emu.create_guild(name="Big")
    guild = handle.guild
    t = time.perf_counter()
    users = [handle.add_member(f"m{i}") for i in range(members)]
    channels = [int(emu.new_channel(guild, f"group-{g}", 0)["id"]) for g in range(groups)]
    setup_members = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp())
    bot = await start_bot(emu, tmp / "huddle.db", Clock())
    try:
        r = await handle.admin.slash("config reminders", defaults="2h", dm=True)
        assert not r.text.startswith("Sorry"), r.text
        r = await handle.alice.slash("event create", title="Festival", when="in 5 hours")
        event_id = await bot.store.fetchval("SELECT MAX(id) FROM events")
        assert event_id, r.text
        now = time.time()
        async with bot.store.transaction() as tx:
            await tx.executemany(
                "INSERT INTO event_rsvps (event_id, user_id, status, display_name, seq,"
                " answered_at) VALUES (?, ?, 'going', ?, ?, ?)",
                [(event_id, u.id, u.name, n + 10, now) for n, u in enumerate(users[:going])],
            )
        reminders = await bot.store.fetchall(
            "SELECT id FROM jobs WHERE kind LIKE 'event.remind%' AND key = ?",
            (f"event:{event_id}",),
        )
        assert reminders, "the event scheduled no reminder"

        lateness: list[float] = []
        finished: list[float] = []
        all_done = asyncio.Event()

        async def ordinary_job(job) -> None:
            lateness.append(time.time() - job.due_at)
            channel = bot.get_partial_messageable(job.payload["channel"])
            await channel.send(f"Check-in time for group {job.payload['n']}!")
            finished.append(time.time() - job.due_at)
            if len(finished) == ordinary:
                all_done.set()

        bot.scheduler.register(ORDINARY, ordinary_job)
        await emu.settle()

        # -- the measured phase: rate limits on, everything falls due at once ---------------
        limiter = emu.enable_rate_limits()
        emu.reset_requests()
        due = time.time() + 1.0
        async with bot.store.transaction() as tx:
            await tx.executemany(
                "UPDATE jobs SET due_at = ?, asked_for = ? WHERE id = ?",
                [(due, due, row["id"]) for row in reminders],
            )
        await bot.scheduler.schedule_many(
            [
                (
                    ORDINARY,
                    due,
                    {"channel": channels[n % groups], "n": n},
                    guild.id,
                    f"g:{n % groups}",
                )
                for n in range(ordinary)
            ]
        )
        started = time.perf_counter()
        answers: list[float] = []
        fanout_over = asyncio.Event()

        async def ask() -> None:  # for as long as the DM fan-out runs
            while not fanout_over.is_set() or len(answers) < 3:
                t0 = time.perf_counter()
                reply = await handle.bob.slash("event list")
                answers.append(time.perf_counter() - t0)
                assert reply.text, reply
                await asyncio.sleep(0.5)

        asker = asyncio.create_task(ask())
        await asyncio.wait_for(all_done.wait(), timeout=600)
        ordinary_s = time.perf_counter() - started

        def dms() -> int:
            return sum(1 for u in users[:going] if u.dm_messages())

        deadline = time.perf_counter() + 900
        while dms() < going and time.perf_counter() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.25)
        fanout_s = time.perf_counter() - started
        delivered = dms()
        fanout_over.set()
        await asker
        elapsed = time.perf_counter() - started
        report = limiter.report()
    finally:
        await stop_bot(bot)
        await emu.stop()
    late = [x * 1000 for x in lateness]
    return {
        "members": members,
        "setup_members_s": setup_members,
        "going": going,
        "dms_delivered": delivered,
        "fanout_s": fanout_s,
        "ordinary": len(lateness),
        "ordinary_all_done_s": ordinary_s,
        "late_p50_ms": statistics.median(late),
        "late_p99_ms": pct(late, 0.99),
        "late_max_ms": max(late),
        "done_p99_ms": pct([x * 1000 for x in finished], 0.99),
        "answers": len(answers),
        "answer_p50_ms": 1000 * statistics.median(answers),
        "answer_max_ms": 1000 * max(answers),
        "answers_over_3s": sum(1 for a in answers if a >= 3),
        "rest_calls": report["calls"],
        "rest_per_s": report["calls"] / elapsed,
        "429s": report["429s"],
        "429s_global": report["429s_global"],
        "429s_route": report["429s_route"],
        "by_route": report["by_route"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def show(f: dict) -> str:
    rows = [
        ("members / Going with DM reminders", f"{f['members']:,} / {f['going']:,}"),
        ("DM reminders delivered", f"{f['dms_delivered']:,} in {f['fanout_s']:.1f} s"),
        ("ordinary jobs (other groups) run", f"{f['ordinary']:,}, all done after {f['ordinary_all_done_s']:.2f} s"),
        ("ordinary lateness p50 / p99 / max (target p99 < 1 s)",
         f"{f['late_p50_ms']:.0f} / {f['late_p99_ms']:.0f} / {f['late_max_ms']:.0f} ms"),
        ("ordinary due → message sent p99", f"{f['done_p99_ms']:.0f} ms"),
        ("slash commands during the fan-out", f"{f['answers']}"),
        ("answer time p50 / max (target every one < 3 s)",
         f"{f['answer_p50_ms']:.0f} / {f['answer_max_ms']:.0f} ms ({f['answers_over_3s']} ≥ 3 s)"),
        ("REST calls (rate/s)", f"{f['rest_calls']:,} ({f['rest_per_s']:.1f}/s)"),
        ("429s (global / route; target 0)", f"{f['429s']} ({f['429s_global']} / {f['429s_route']})"),
        ("peak RSS (bot + emulator, one process)", f"{f['peak_rss_mb']:.0f} MB"),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    out = "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
    top = list(f["by_route"].items())[:8]
    out += "\nREST calls by route (calls, 429s):\n" + "\n".join(
        f"  {route:<70} {c:>6} {n:>5}" for route, (c, n) in top
    )
    return out


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord.http").setLevel(logging.ERROR)  # 429s are counted instead
    runs = []
    for i in range(args.runs):
        figures = await run(args.members, args.going, args.ordinary, args.groups)
        print(f"== run {i + 1}\n{show(figures)}\n", flush=True)
        runs.append(figures)
    if len(runs) > 1:
        print("== median of runs")
        for key in (
            "late_p50_ms",
            "late_p99_ms",
            "answer_max_ms",
            "rest_per_s",
            "429s",
            "fanout_s",
        ):
            print(f"  {key:<16} {statistics.median(r[key] for r in runs):.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--going", type=int, default=2_000)
    parser.add_argument("--ordinary", type=int, default=500)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1)
    asyncio.run(main(parser.parse_args()))

"""Events benchmark: 10,000 upcoming events, 100,000 RSVPs and their reminder jobs pending.

Measures (1) start-up: open the database, load the events extension (register job kinds,
persistent buttons, settings) and let the scheduler make its first pass — reminders are
durable jobs, so "re-arming" is finding the next due one; (2) reminder lateness: real
`event.remind` jobs (the real handler: event, RSVP and config reads) falling due over a
short window with the real clock while everything else is pending. Only the final Discord
send is replaced by a no-op, since there is no Discord here.

(3) fan-out: a reminder to 2,000 Going with DMs on, split into small jobs and paced by
`bot.dm_pacer`; how late another group's job runs meanwhile.

Run: .venv/bin/python -m tests.bench.bench_events [--events 10000] [--rsvps 100000] [--fire 500]
     [--going 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from cogs.events import jobs as event_jobs
from core.bot import HuddleBot
from core.clock import Clock
from core.settings import Settings
from core.store import Store

GUILD = 1


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def populate(path: Path, events: int, rsvps: int, now: float) -> int:
    """Fill the database the way the bot would have: events, answers, reminder and
    end jobs (two reminders and one end job per event; weekly series for a tenth)."""
    store = Store(path)
    await store.open()
    rng = random.Random(7)
    event_rows, job_rows = [], []
    for i in range(1, events + 1):
        start = now + 3600 * 3 + i * 60
        weekly = i % 10 == 0
        event_rows.append(
            (i, GUILD, f"Event {i}", start, start + 3600, "Europe/Berlin",
             "weekly" if weekly else "none", "FREQ=WEEKLY" if weekly else None,
             "86400,3600", 10, i, 1, now)
        )  # fmt: skip
        payload = {"event_id": i, "start_at": start}
        for offset in (86400, 3600):
            due = start - offset
            if due > now:
                job_rows.append(
                    (
                        GUILD,
                        "event.remind",
                        f"event:{i}",
                        due,
                        json.dumps({**payload, "offset": offset}),
                        now,
                    )
                )
        # every occurrence has its end job (a series rolls over, a one-off is marked ended)
        job_rows.append(
            (GUILD, "event.rollover", f"event:{i}", start + 3600, json.dumps(payload), now)
        )
    per_event = max(rsvps // events, 1)
    rsvp_rows = [
        (
            e,
            10_000 + e * per_event + k,
            rng.choice(["going", "going", "maybe", "cant"]),
            f"user{k}",
            k,
            now,
        )
        for e in range(1, events + 1)
        for k in range(per_event)
    ]
    async with store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO events (id, guild_id, title, start_at, end_at, timezone, repeat, rrule, remind,"
            " channel_id, message_id, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            event_rows,
        )
        await tx.executemany(
            "INSERT INTO event_rsvps (event_id, user_id, status, display_name, seq, answered_at)"
            " VALUES (?,?,?,?,?,?)",
            rsvp_rows,
        )
        await tx.executemany(
            "INSERT INTO jobs (guild_id, kind, key, due_at, asked_for, payload, created_at)"
            " SELECT ?, ?, ?, ?, ?4, ?, ?",
            job_rows,
        )
    await store.close()
    return len(job_rows)


async def start_bot(path: Path) -> tuple[HuddleBot, float]:
    """Everything setup_hook does apart from the network: store, extension, scheduler."""
    started = time.perf_counter()
    bot = HuddleBot(
        Settings(token="bench", database_path=path), clock=Clock(), extensions=["cogs.events"]
    )
    await bot.store.open()
    await bot.load_extension("cogs.events")
    bot.scheduler.start()
    await asyncio.sleep(0)
    await bot.scheduler.run_due()  # the first pass over overdue jobs (none are)
    return bot, time.perf_counter() - started


async def measure_lateness(bot: HuddleBot, fire: int) -> list[float]:
    lateness: list[float] = []
    done = asyncio.Event()

    async def no_discord(_bot, _channel, _text, users) -> None:  # the send itself
        return None

    original = bot.scheduler._handlers["event.remind"]

    async def timed(job) -> None:
        lateness.append(bot.clock.now() - job.due_at)
        await original(job)
        if len(lateness) == fire:
            done.set()

    bot.scheduler.register("event.remind", timed)
    event_jobs.notify.send_batch = no_discord  # type: ignore[assignment]
    t0 = bot.clock.now() + 0.5
    # Events 1..fire start soon; their reminders fall due spread over ~2 s.
    starts = [(t0 + 600 + i, i + 1) for i in range(fire)]
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "UPDATE events SET start_at = ?, end_at = ? + 3600 WHERE id = ?",
            [(s, s, e) for s, e in starts],
        )
    await bot.scheduler.schedule_many(
        [
            (
                "event.remind",
                t0 + i * (2.0 / fire),
                {"event_id": e, "start_at": s, "offset": 600},
                GUILD,
                f"event:{e}",
            )
            for i, (s, e) in enumerate(starts)
        ]
    )
    await asyncio.wait_for(done.wait(), timeout=120)
    return lateness


async def measure_fan_out(path: Path, going: int) -> dict[str, float]:
    """One event with `going` Going members and reminder DMs on, its reminder due now;
    another group's job (a probe) due 0.2 s later. Discord sends are no-ops, but every DM
    still waits for `bot.dm_pacer` (5/s): how late is the probe, how long the fan-out?"""
    bot, _ = await start_bot(path)
    now = time.time()
    async with bot.store.transaction() as tx:
        await tx.execute(
            "UPDATE events SET start_at = ?, end_at = ? WHERE id = 1", (now + 1800, now + 5400)
        )
        await tx.executemany(
            "INSERT OR REPLACE INTO event_rsvps (event_id, user_id, status, display_name, seq,"
            " answered_at) VALUES (1, ?, 'going', 'x', ?, 0)",
            [(50_000_000 + k, 1000 + k) for k in range(going)],
        )
    await bot.config.set(GUILD, "reminders.dm", True)
    sent = {"mentions": 0, "messages": 0, "dms": 0}

    async def no_send(_bot, _channel, _content, ids) -> None:
        sent["messages"] += 1
        sent["mentions"] += len(ids)

    all_out = asyncio.Event()

    async def paced_dm(bot_, _user, _text) -> bool:
        async with bot_.dm_pacer:
            sent["dms"] += 1
        if sent["dms"] >= going:
            all_out.set()
        return True

    event_jobs.notify.send_batch = no_send  # type: ignore[assignment]
    event_jobs.notify.dm = paced_dm  # type: ignore[assignment]
    probe: list[float] = []
    bot.scheduler.register("bench.probe", lambda job: _note(probe, bot, job))
    began = time.perf_counter()
    await bot.scheduler.schedule(
        "event.remind", now, {"event_id": 1, "start_at": now + 1800, "offset": 1800}, GUILD,
        key="event:1",
    )  # fmt: skip
    await bot.scheduler.schedule("bench.probe", now + 0.2, {}, 2, key="group:2")
    await asyncio.wait_for(all_out.wait(), timeout=going / bot.dm_pacer.rate + 60)
    total = time.perf_counter() - began
    await bot.scheduler.stop()
    await bot.store.close()
    return {"probe": (probe[0] if probe else float("nan")) * 1000, "total": total, **sent}


async def _note(probe: list[float], bot: HuddleBot, job) -> None:
    probe.append(bot.clock.now() - job.due_at)


async def main(events: int, rsvps: int, fire: int, going: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        began = time.perf_counter()
        pending = await populate(path, events, rsvps, time.time())
        filled = time.perf_counter() - began
        starts = []
        for _ in range(3):
            bot, seconds = await start_bot(path)
            starts.append(seconds)
            armed = await bot.store.fetchval("SELECT COUNT(*) FROM jobs WHERE kind LIKE 'event.%'")
            await bot.scheduler.stop()
            await bot.store.close()
        bot, _ = await start_bot(path)
        lateness = [x * 1000 for x in await measure_lateness(bot, fire)]
        await bot.scheduler.stop()
        await bot.store.close()
        fan = await measure_fan_out(path, going) if going else None

    print(f"{'upcoming events':<44}{events:>12,}")
    print(f"{'RSVPs':<44}{rsvps:>12,}")
    print(f"{'pending event jobs (reminders + end jobs)':<44}{pending:>12,}")
    print(f"{'jobs armed after restart':<44}{armed:>12,}")
    print(f"{'fill database (setup, not measured)':<44}{filled:>10.2f} s")
    print(f"{'start + re-arm, median of 3':<44}{statistics.median(starts):>10.3f} s")
    print(f"{'start + re-arm, worst of 3':<44}{max(starts):>10.3f} s")
    print(f"{'reminders fired (real clock, ~2 s window)':<44}{len(lateness):>12,}")
    print(f"{'reminder lateness median':<44}{statistics.median(lateness):>10.2f} ms")
    print(f"{'reminder lateness p99':<44}{pct(lateness, 0.99):>10.2f} ms")
    print(f"{'reminder lateness max':<44}{max(lateness):>10.2f} ms")
    if fan:
        print(f"{'fan-out: Going members (DMs on)':<44}{going:>12,}")
        print(
            f"{'fan-out: mention messages / mentions':<44}{fan['messages']:>6,.0f} / {fan['mentions']:,.0f}"
        )
        print(f"{'fan-out: DMs sent (paced 5/s)':<44}{fan['dms']:>12,.0f}")
        print(f"{'fan-out: all DMs out after':<44}{fan['total']:>10.1f} s")
        print(f"{'other group job due 0.2 s in: lateness':<44}{fan['probe']:>10.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rsvps", type=int, default=100_000)
    parser.add_argument("--fire", type=int, default=500)
    parser.add_argument("--going", type=int, default=2000, help="fan-out size (0: skip)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rsvps, args.fire, args.going))

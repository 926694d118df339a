"""Calendar feed benchmark: a member in 200 groups of a server with 2,000 events they may
see (and as many in groups they are not in, which the privacy filter leaves out).

The events are spread from 30 days ago to a year ahead: one-offs, a tenth weekly series
with skipped and moved meetings, some cancelled in the last 30 days; the member answered
a quarter of them; twelve time zones. Measures, on a real SQLite file:
(1) building the feed (`calendar.member_feed`: the reads and the iCalendar text), p50/p99;
(2) the 304 path (`calendar.feed_tag`: what an unchanged poll costs: the link's owner,
    the fingerprint queries, no build), p50/p99; then the same through the real route
    handler and web server with a real HTTP client on 127.0.0.1 (200 built, 200 from the
    body kept for the link, 304);
(3) how late another task gets the event loop while feeds are built;
(4) memory: the peak Python allocation of one build (tracemalloc) and the process' RSS.

Run: .venv/bin/python -m tests.bench.bench_feed [--groups 200] [--events 2000] [--builds 40]
     [--polls 400]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import aiohttp

from cogs.events import calendar, store_calendar
from cogs.events.feed_web import OWNER, CalendarFeed
from cogs.events.ratelimit import AnswerLimit
from cogs.events.recurrence import rule_for
from cogs.groups.api import Viewer
from core.store import Store
from core.timeparse import to_local
from core.web import WebServer

GUILD, MEMBER, OTHER = 1, 42, 43
ZONES = (
    "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Europe/London",
    "America/Los_Angeles", "Asia/Kolkata", "America/Sao_Paulo", "Africa/Cairo", "UTC",
    "Pacific/Auckland", "Europe/Helsinki",
)  # fmt: skip


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _many(store: Store, sql: str, rows: list) -> None:
    async with store.transaction() as tx:
        await tx.executemany(sql, rows)


async def populate(store: Store, groups: int, events: int, now: float) -> None:
    rng = random.Random(23)
    group_rows, member_rows = [], []
    for g in range(1, 2 * groups + 1):  # the member is in the first half
        group_rows.append((g, GUILD, f"Group {g}", f"group {g}", 1000 + g, 1, now))
        member_rows.append((GUILD, g, MEMBER if g <= groups else OTHER, 0, now))
    await _many(
        store,
        "INSERT INTO groups (id, guild_id, name, name_key, channel_id, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        group_rows,
    )
    await _many(
        store,
        "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
        " VALUES (?, ?, ?, ?, ?)",
        member_rows,
    )
    event_rows, changes, answers = [], [], []
    for i in range(1, 2 * events + 1):
        mine = i <= events
        group = rng.randint(1, groups) if mine else rng.randint(groups + 1, 2 * groups)
        if mine and i % 20 == 0:
            group = None  # a server-wide event
        zone = ZONES[i % len(ZONES)]
        start = round(now - 30 * 86400 + rng.random() * 395 * 86400)
        weekly = i % 10 == 0
        status = "cancelled" if i % 37 == 0 else ("ended" if start + 3600 < now else "scheduled")
        if weekly:
            start = round(now + rng.random() * 7 * 86400)
            status = "scheduled"
        rule = rule_for("weekly", to_local(start, zone)) if weekly else None
        event_rows.append(
            (i, GUILD, group, f"Meetup {i}", "Bring a friend. " * 8, f"Room {i % 50}", start,
             start + 5400, zone, "weekly" if weekly else "none", rule, 1000, 5000 + i,
             status, 1, now - 40 * 86400, start - 21 * 86400 if weekly else None, i % 7,
             now - rng.random() * 86400, now - 86400 if status == "cancelled" else None)
        )  # fmt: skip
        if weekly:
            changes.append((i, start + 2 * 7 * 86400, "skipped", None, None, now))
            changes.append((i, start + 3 * 7 * 86400, "moved", start + 3 * 7 * 86400 + 3600,
                            start + 3 * 7 * 86400 + 9000, now))  # fmt: skip
        if mine and i % 4 == 0:
            answers.append((i, MEMBER, rng.choice(["going", "maybe", "cant"]), "M", i, now))
    await _many(
        store,
        "INSERT INTO events (id, guild_id, group_id, title, description, location, start_at,"
        " end_at, timezone, repeat, rrule, channel_id, message_id, status, created_by,"
        " created_at, series_start, sequence, updated_at, cancelled_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        event_rows,
    )
    await _many(
        store,
        "INSERT INTO event_occurrences (event_id, slot_at, status, start_at, end_at, changed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        changes,
    )
    await _many(
        store,
        "INSERT INTO event_rsvps (event_id, user_id, status, display_name, seq, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        answers,
    )


async def run(groups: int, events: int, builds: int, polls: int) -> None:
    now = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        await store.open()  # migrates
        try:
            await measure(store, groups, events, builds, polls, now)
        finally:
            await store.close()  # else aiosqlite's thread keeps the process alive


class _BenchBot:
    """What the feed's route handler uses of the bot: the real store and a clock; the
    member lookup answers at once (no Discord here; in the bot it is cached a minute)."""

    def __init__(self, store: Store, now: float) -> None:
        self.store = store
        self.clock = SimpleNamespace(now=lambda: now)
        member = SimpleNamespace(roles=[])
        guild = SimpleNamespace(id=GUILD, name="Bench", fetch_member=_returning(member))
        member.guild = guild
        self.get_guild = lambda guild_id: guild if guild_id == GUILD else None
        self.config = SimpleNamespace(get=_returning(None))


def _returning(value: object):
    async def answer(*args: object, **kwargs: object) -> object:
        return value

    return answer


async def over_http(store: Store, now: float, polls: int) -> dict[str, list[float]]:
    """The real route handler on the real web server, through a real HTTP client on
    127.0.0.1: a fresh 200, a 200 from the body kept for the link, a 304."""
    feed = CalendarFeed(_BenchBot(store, now))  # type: ignore[arg-type]
    feed.limit = AnswerLimit(limit=10**9)  # measuring, not limiting
    server = WebServer("127.0.0.1", 0)
    server.add_routes(OWNER, feed.routes())
    await server.start()
    path = await feed.new_link(GUILD, MEMBER)
    url = server.url(path)
    found: dict[str, list[float]] = {
        "HTTP 200 (built)": [],
        "HTTP 200 (kept body)": [],
        "HTTP 304": [],
    }
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(10):
                feed._bodies.clear()
                found["HTTP 200 (built)"].append(await _timed(http, url, 200))
            for _ in range(polls // 4):
                found["HTTP 200 (kept body)"].append(await _timed(http, url, 200))
            async with http.get(url) as resp:
                etag = resp.headers["ETag"]
            for _ in range(polls):
                found["HTTP 304"].append(await _timed(http, url, 304, {"If-None-Match": etag}))
    finally:
        await server.stop()
    return found


async def _timed(http: aiohttp.ClientSession, url: str, status: int, headers=None) -> float:
    started = time.perf_counter()
    async with http.get(url, headers=headers or {}) as resp:
        await resp.read()
        assert resp.status == status, resp.status
    return (time.perf_counter() - started) * 1000


async def _tick(lags: list[float]) -> None:
    """A task that wants the loop every millisecond: how late it gets it."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append((time.perf_counter() - started - 0.001) * 1000)


async def measure(
    store: Store, groups: int, events: int, builds: int, polls: int, now: float
) -> None:
    await populate(store, groups, events, now)
    token_hash = hashlib.sha256(b"bench-token").hexdigest()
    await store_calendar.replace_link(store, GUILD, MEMBER, token_hash, now)
    viewer = Viewer(GUILD, MEMBER, False)

    body = await calendar.member_feed(store, viewer, now, "Bench events")  # warm caches
    shown = body.count(b"BEGIN:VEVENT")
    build_ms, lags = [], []
    ticking = asyncio.create_task(_tick(lags))  # what the rest of the bot would feel
    for _ in range(builds):
        started = time.perf_counter()
        await calendar.member_feed(store, viewer, now, "Bench events")
        build_ms.append((time.perf_counter() - started) * 1000)
    ticking.cancel()

    poll_ms = []
    for _ in range(polls):
        started = time.perf_counter()
        owner = await store_calendar.link_owner(store, token_hash)
        assert owner is not None
        await calendar.feed_tag(store, Viewer(owner.guild_id, owner.user_id), now)
        poll_ms.append((time.perf_counter() - started) * 1000)
    http_ms = await over_http(store, now, polls)

    tracemalloc.start()
    await calendar.member_feed(store, viewer, now, "Bench events")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"feed of a member in {groups} groups, {events} events they may see "
      f"(+{events} in other groups), {shown} VEVENTs, {len(body) / 1024:.0f} KiB")  # fmt: skip
    print("| measure | p50 | p99 | runs |")
    print("|---|---|---|---|")
    print(
        f"| 200: the feed built | {pct(build_ms, 0.5):.1f} ms | {pct(build_ms, 0.99):.1f} ms | {builds} |"
    )
    print(
        f"| event-loop lag during builds | {pct(lags, 0.5):.1f} ms | {pct(lags, 0.99):.1f} ms | max {max(lags):.0f} ms |"
    )
    print(
        f"| 304 path (tag only) | {pct(poll_ms, 0.5):.2f} ms | {pct(poll_ms, 0.99):.2f} ms | {polls} |"
    )
    for label, values in http_ms.items():
        print(
            f"| {label} | {pct(values, 0.5):.2f} ms | {pct(values, 0.99):.2f} ms | {len(values)} |"
        )
    print(
        f"memory: peak {peak / 2**20:.1f} MiB allocated by one build; process max RSS {rss_mb:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--builds", type=int, default=40)
    parser.add_argument("--polls", type=int, default=400)
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.events, args.builds, args.polls))


if __name__ == "__main__":
    main()

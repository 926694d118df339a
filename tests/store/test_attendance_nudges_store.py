"""The tables of who came and who hasn't answered on a real SQLite: voice stays and their
reconcile, who came, ended occurrences, nudge rounds and claims."""

from __future__ import annotations

from cogs.events.store_attendance import AttendanceStore
from core.nudges import GAP, NudgeLog

G, VOICE, OTHER = 1, 10, 11


async def test_a_move_ends_the_stay_and_starts_the_next(store):
    a = AttendanceStore(store)
    await a.moved(G, 7, VOICE, 100.0)
    await a.moved(G, 7, OTHER, 200.0)
    await a.moved(G, 7, None, 300.0)
    assert await a.stays(VOICE, 0.0, 1000.0) == [(7, 100.0, 200.0)]
    assert await a.stays(OTHER, 0.0, 1000.0) == [(7, 200.0, 300.0)]
    assert await a.stays(VOICE, 200.0, 1000.0) == []  # ended as the window starts


async def test_reconcile_keeps_a_matching_stay_and_fixes_the_rest(store):
    a = AttendanceStore(store)
    await a.moved(G, 7, VOICE, 100.0)  # still there after the restart: keeps its start
    await a.moved(G, 8, VOICE, 100.0)  # left while down
    await a.moved(G, 9, VOICE, 100.0)  # moved to another channel while down
    changed = await a.reconcile(G, {7: VOICE, 9: OTHER, 5: VOICE}, 500.0)
    assert changed == 4
    assert sorted(await a.stays(VOICE, 0.0, 1000.0)) == [
        (5, 500.0, None),
        (7, 100.0, None),
        (8, 100.0, 500.0),
        (9, 100.0, 500.0),
    ]
    assert await a.stays(OTHER, 0.0, 1000.0) == [(9, 500.0, None)]
    assert await a.reconcile(G, {7: VOICE, 9: OTHER, 5: VOICE}, 600.0) == 0  # settled


async def test_prune_drops_only_old_ended_stays(store):
    a = AttendanceStore(store)
    await a.moved(G, 7, VOICE, 100.0)
    await a.moved(G, 7, None, 200.0)
    await a.moved(G, 8, VOICE, 100.0)  # open: kept however old
    assert await a.prune(1000.0) == 1
    assert await a.stays(VOICE, 0.0, 2000.0) == [(8, 100.0, None)]


async def _event(store) -> int:
    return await store.insert(
        "INSERT INTO events (guild_id, title, start_at, end_at, timezone, created_by,"
        " created_at) VALUES (?, 'Talk', 1000, 4600, 'UTC', 1, 0)",
        (G,),
    )


async def test_who_came_is_marked_once_and_the_record_written_once(store):
    a = AttendanceStore(store)
    event_id = await _event(store)
    assert await a.mark(event_id, 1000.0, [(7, "Bob")], "button", 900.0) == 1
    assert await a.mark(event_id, 1000.0, [(7, "Bob"), (8, "")], "voice", 5000.0) == 1
    assert await a.came(event_id, 1000.0) == [(7, "Bob"), (8, "")]
    assert await a.came(event_id, 9999.0) == []  # another occurrence
    await a.record_end(event_id, 1000.0, "Talk", [(7, "Bob")], 3, 2, 5000.0)
    await a.record_end(event_id, 1000.0, "Talk", [], 0, 0, 6000.0)  # a retry: kept first
    ended = await a.last_ended(event_id)
    assert ended is not None
    assert (ended.start, ended.going, ended.answered) == (1000.0, [(7, "Bob")], 3)
    assert ended.came == [(7, "Bob"), (8, "")]
    await a.record_end(event_id, 2000.0, "Talk", [], 1, None, 7000.0)
    later = await a.last_ended(event_id)
    assert later is not None and later.start == 2000.0 and later.came is None


async def test_a_round_per_12_hours_and_each_member_claimed_once(store):
    log = NudgeLog(store)
    assert await log.start_round("polls", 3, G, 1000.0, 7) is None
    assert await log.start_round("polls", 3, G, 1000.0 + GAP - 1, 7) == 1000.0 + GAP
    assert await log.start_round("events", 3, G, 1001.0, 7) is None  # another feature
    assert await log.last_round("polls", 3) == 1000.0
    assert await log.claim("polls", 3, 1000.0, [7, 8]) == [7, 8]
    assert await log.claim("polls", 3, 1000.0, [8, 9]) == [9]  # a retry: 8 not twice
    await log.mark_channel("polls", 3, 1000.0, [9])
    rows = await store.fetchall("SELECT user_id, method FROM nudge_sent ORDER BY user_id")
    assert [tuple(r) for r in rows] == [(7, "dm"), (8, "dm"), (9, "channel")]
    assert await log.start_round("polls", 3, G, 1000.0 + GAP, None) is None


async def test_a_round_and_its_batch_jobs_commit_together(store, fake_clock):
    from core.scheduler import Scheduler

    scheduler = Scheduler(store, fake_clock)
    log = NudgeLog(store)
    jobs = [("poll.nudge_batch", 5.0, {"user_ids": [1]}, G, "poll-nudge:3")]
    assert await log.start_round("polls", 3, G, 5.0, 7, jobs, scheduler) is None
    assert [j.kind for j in await scheduler.pending()] == ["poll.nudge_batch"]
    # Refused within 12 hours: neither a round nor jobs.
    assert await log.start_round("polls", 3, G, 6.0, 7, jobs, scheduler) is not None
    assert len(await scheduler.pending()) == 1
    assert await store.fetchval("SELECT COUNT(*) FROM nudge_rounds") == 1

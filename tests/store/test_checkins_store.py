"""The check-ins store against a real SQLite file, migrated from zero."""

from __future__ import annotations

import sqlite3
from datetime import time
from zoneinfo import ZoneInfo

import pytest

from cogs.checkins import logic
from cogs.checkins.logic import Rule
from cogs.checkins.store import CheckinStore, Schedule

GUILD = 10
BERLIN = ZoneInfo("Europe/Berlin")
RULE = Rule("daily", time(18, 0))


async def add_group(store, group_id: int = 1, members: tuple[int, ...] = (100, 101)) -> None:
    await store.execute(
        "INSERT INTO groups (id, guild_id, name, name_key, created_by, created_at, channel_id)"
        " VALUES (?, ?, ?, ?, 1, 0, 555)",
        (group_id, GUILD, f"G{group_id}", f"g{group_id}"),
    )
    for user in members:
        await store.execute(
            "INSERT INTO group_members (guild_id, group_id, user_id, joined_at) VALUES (?, ?, ?, 0)",
            (GUILD, group_id, user),
        )


@pytest.fixture
async def checkins(store) -> CheckinStore:
    await add_group(store)
    return CheckinStore(store)


def period(moment: float):
    return logic.period_at(RULE, BERLIN, moment)


async def test_second_checkin_in_a_period_updates_the_first(checkins, fake_clock) -> None:
    now = fake_clock.now()
    p = period(now)
    assert await checkins.record(GUILD, 1, 100, p, "partial", "half", now) is True
    assert await checkins.record(GUILD, 1, 100, p, "done", "all of it", now + 60) is False
    rows = await checkins.checkins_for_period(1, p.key)
    assert len(rows) == 1
    assert (rows[0].status, rows[0].note, rows[0].period_start) == ("done", "all of it", p.start)
    nxt = logic.next_period(RULE, BERLIN, p)
    assert await checkins.record(GUILD, 1, 100, nxt, "done", "", nxt.start + 5) is True
    assert await checkins.member_period_starts(1, 100) == [p.start, nxt.start]


async def test_status_is_checked_by_the_schema(checkins, fake_clock) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await checkins.record(GUILD, 1, 100, period(fake_clock.now()), "maybe", "", 0)


async def test_member_since_is_the_first_counted_period(checkins, fake_clock) -> None:
    p = period(fake_clock.now())
    await checkins.note_members(GUILD, 1, [100, 101], p.start)
    await checkins.note_members(GUILD, 1, [100], p.end)  # already counted: unchanged
    assert await checkins.member_since(1, 100) == p.start
    assert await checkins.member_since(1, 102) is None


async def test_same_instant_second_checkin_is_still_an_update(checkins, fake_clock) -> None:
    p = period(fake_clock.now())
    assert await checkins.record(GUILD, 1, 101, p, "done", "", 5) is True
    assert await checkins.record(GUILD, 1, 101, p, "blocked", "stuck", 5) is False
    assert [c.status for c in await checkins.checkins_for_period(1, p.key)] == ["blocked"]


async def test_counts_and_group_history(checkins, fake_clock) -> None:
    p = period(fake_clock.now())
    old = logic.period_for_day(RULE, BERLIN, logic.date.fromisoformat("2020-01-01"))
    await checkins.record(GUILD, 1, 100, p, "done", "", 0)
    await checkins.record(GUILD, 1, 100, old, "done", "", 0)
    await checkins.record(GUILD, 1, 101, p, "blocked", "", 0)
    assert await checkins.counts_since(1, None) == {100: 2, 101: 1}
    assert await checkins.counts_since(1, p.start) == {100: 1, 101: 1}
    history = await checkins.group_period_starts(1)
    assert history == {100: [old.start, p.start], 101: [p.start]}
    assert await checkins.checked_in_users(1, p.key) == {100, 101}


async def test_goals(checkins) -> None:
    await checkins.set_goal(GUILD, 1, 100, "read 20 pages", 0)
    await checkins.set_goal(GUILD, 1, 100, "read 30 pages", 1)
    assert await checkins.goals_of_group(1) == {100: "read 30 pages"}
    assert [g.text for g in await checkins.goals_of_member(GUILD, 100)] == ["read 30 pages"]
    assert await checkins.clear_goal(1, 100) is True
    assert await checkins.clear_goal(1, 100) is False


async def test_schedule_roundtrip_keeps_its_start(checkins) -> None:
    first = Schedule(GUILD, 1, "weekly", 18, 30, 1, "How was it?", 2, 100, 50.0)
    await checkins.save_schedule(first)
    await checkins.save_schedule(Schedule(GUILD, 1, "daily", 9, 0, None, "", 0, 101, 99.0))
    saved = await checkins.get_schedule(1)
    assert saved is not None
    assert (saved.cadence, saved.hour, saved.created_at, saved.created_by) == (
        "daily",
        9,
        50.0,
        100,
    )
    assert saved.rule == Rule("daily", time(9, 0))
    assert await checkins.delete_schedule(1) is True
    assert await checkins.get_schedule(1) is None


async def test_period_records_make_posting_idempotent(checkins, fake_clock) -> None:
    p = period(fake_clock.now())
    await checkins.open_period_record(GUILD, 1, p)
    await checkins.open_period_record(GUILD, 1, p)  # a retry: no second row
    assert await checkins.periods_to_summarise(1, p.end) == []  # prompt not out yet
    await checkins.mark_prompt_posted(1, p.key, 777)
    assert await checkins.periods_to_summarise(1, p.end - 1) == []  # still open
    due = await checkins.periods_to_summarise(1, p.end)
    assert [(r.period_key, r.prompt_message_id) for r in due] == [(p.key, 777)]
    await checkins.mark_summary_posted(1, p.key)
    assert await checkins.periods_to_summarise(1, p.end + 10**6) == []


async def test_open_prompted_period_is_the_running_unsummarised_one(checkins, fake_clock) -> None:
    p = period(fake_clock.now())
    await checkins.open_period_record(GUILD, 1, p)
    assert await checkins.open_prompted_period(1, p.start) is None  # prompt not out yet
    await checkins.mark_prompt_posted(1, p.key, 777)
    for moment in (p.start, p.end - 1):
        found = await checkins.open_prompted_period(1, moment)
        assert found is not None and (found.period_key, found.period_end) == (p.key, p.end)
    assert await checkins.open_prompted_period(1, p.end) is None  # closed
    assert await checkins.open_prompted_period(1, p.start - 1) is None  # not begun
    await checkins.mark_summary_posted(1, p.key)
    assert await checkins.open_prompted_period(1, p.start) is None


async def test_nudges_are_claimed_once(checkins) -> None:
    assert await checkins.claim_nudges(GUILD, 1, "2026-12-01", [100, 101], 0) == [100, 101]
    assert await checkins.claim_nudges(GUILD, 1, "2026-12-01", [100, 101], 1) == []
    await checkins.set_nudge_method(1, "2026-12-01", [101], "channel")
    assert await checkins.nudges(1, "2026-12-01") == {100: "dm", 101: "channel"}


async def test_deleting_a_group_removes_its_checkins(store, checkins, fake_clock) -> None:
    p = period(fake_clock.now())
    await checkins.record(GUILD, 1, 100, p, "done", "", 0)
    await checkins.set_goal(GUILD, 1, 100, "x", 0)
    await store.execute("DELETE FROM groups WHERE id = 1")
    for table in ("checkins", "checkin_goals", "checkin_members"):
        assert await store.fetchval(f"SELECT COUNT(*) FROM {table}") == 0


async def test_queries_use_the_indexes(store) -> None:
    plans = {
        "streak": "SELECT period_start FROM checkins WHERE group_id = 1 AND user_id = 2"
        " ORDER BY period_start",
        "board": "SELECT user_id, COUNT(*) FROM checkins WHERE group_id = 1 AND period_start >= 0"
        " GROUP BY user_id",
    }
    for sql in plans.values():
        rows = await store.fetchall("EXPLAIN QUERY PLAN " + sql)
        detail = " ".join(r["detail"] for r in rows)
        assert "USING" in detail and "INDEX" in detail, detail


async def test_member_history_in_one_query(checkins, fake_clock) -> None:
    p = period(fake_clock.now())
    before = logic.previous_period(RULE, BERLIN, p)
    assert await checkins.member_history(1, 100) == ([], None)
    await checkins.note_members(GUILD, 1, [100], before.start)
    assert await checkins.member_history(1, 100) == ([], before.start)
    await checkins.record(GUILD, 1, 100, p, "done", "", 0)
    await checkins.record(GUILD, 1, 100, before, "done", "", 0)
    assert await checkins.member_history(1, 100) == ([before.start, p.start], before.start)
    await checkins.record(GUILD, 1, 101, p, "done", "", 0)
    assert await checkins.member_history(1, 101) == ([p.start], None)


async def test_record_member_writes_only_for_members_in_one_statement(checkins, store, fake_clock):
    now = fake_clock.now()
    p = period(now)
    assert await checkins.record_member(GUILD, 1, 999, p, "done", "", now) is None
    assert await store.fetchval("SELECT COUNT(*) FROM checkins") == 0
    old = logic.previous_period(RULE, BERLIN, p)
    await checkins.record(GUILD, 1, 100, old, "done", "", now)
    await checkins.note_members(GUILD, 1, [100], old.start)
    first = await checkins.record_member(GUILD, 1, 100, p, "partial", "a", now)
    assert first is not None and first.new is True
    assert (first.period_starts, first.since) == ([old.start, p.start], old.start)
    again = await checkins.record_member(GUILD, 1, 100, p, "done", "b", now + 1)
    assert again is not None and again.new is False
    assert again.period_starts == [old.start, p.start]
    rows = await checkins.checkins_for_period(1, p.key)
    assert [(r.status, r.note) for r in rows] == [("done", "b")]


async def test_a_schedule_read_overlapping_a_write_is_not_cached(store, checkins, monkeypatch):
    """A race once seen: the read saw "no schedule", a save landed before the read
    returned; the stale None must not be cached for good (it would silently stop
    prompts)."""
    import asyncio

    real = store.fetchone
    read_done, release = asyncio.Event(), asyncio.Event()

    async def slow_fetchone(sql, params=()):
        row = await real(sql, params)
        if "checkin_schedules" in sql and not release.is_set():
            read_done.set()
            await release.wait()  # the write happens while this read is in flight
        return row

    monkeypatch.setattr(store, "fetchone", slow_fetchone)
    reader = asyncio.create_task(checkins.get_schedule(1))
    await read_done.wait()
    schedule = Schedule(GUILD, 1, "daily", 18, 0, None, "", 0, 100, 0.0)
    await checkins.save_schedule(schedule)
    release.set()
    assert await reader is None  # the overlapping read itself saw the old state
    assert await checkins.get_schedule(1) == schedule  # but it was not kept

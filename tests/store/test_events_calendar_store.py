"""Calendar bookkeeping on a real SQLite file: SEQUENCE bumps, one meeting's changes, the
one link per member, and the feed's reads and fingerprint through the privacy filter."""

from __future__ import annotations

import pytest

from cogs.events import store_calendar
from cogs.events.store import EventStore
from cogs.groups.api import Viewer
from tests.store.test_events_store import GUILD, draft

DAY = 86400.0
NOW = 100 * DAY


class Clock:
    now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def events(store) -> EventStore:
    return EventStore(store, Clock())


async def group_with(store, user_id: int) -> int:
    group_id = await store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at)"
        " VALUES (?, ?, ?, 1, 0)",
        (GUILD, f"G{user_id}", f"g{user_id}"),
    )
    await store.execute(
        "INSERT INTO group_members (guild_id, group_id, user_id, joined_at) VALUES (?, ?, ?, 0)",
        (GUILD, group_id, user_id),
    )
    return group_id


async def test_shown_changes_bump_sequence_and_internal_ones_do_not(events: EventStore) -> None:
    event = await events.create(draft(start_at=NOW + DAY, end_at=NOW + DAY + 3600), now=NOW)
    assert (event.sequence, event.updated_at) == (0, NOW)
    internal = await events.update(event.id, scheduled_event_id=5, remind="60")
    assert internal.sequence == 0
    events.now.now = NOW + 10  # type: ignore[attr-defined]
    shown = await events.update(event.id, title="Renamed")
    assert (shown.sequence, shown.updated_at) == (1, NOW + 10)
    cancelled = await events.update(event.id, status="cancelled")
    assert cancelled.sequence == 2 and cancelled.cancelled_at == NOW + 10


async def test_a_series_keeps_its_first_meeting_and_its_changes(store, events: EventStore) -> None:
    series = await events.create(
        draft(start_at=NOW, end_at=NOW + 3600, repeat="weekly", rrule="FREQ=WEEKLY"), now=NOW
    )
    assert series.series_start == NOW and series.slot_at == NOW
    await store_calendar.set_occurrence(store, series.id, NOW + 7 * DAY, "skipped", None, NOW)
    await store_calendar.set_occurrence(
        store, series.id, NOW + 14 * DAY, "moved", (NOW + 15 * DAY, NOW + 15 * DAY + 60), NOW
    )
    changes = (await store_calendar.occurrence_changes(store, [series.id]))[series.id]
    assert [(c.status, c.start_at) for c in changes] == [
        ("skipped", None),
        ("moved", NOW + 15 * DAY),
    ]
    assert (await events.get(series.id)).sequence == 2  # type: ignore[union-attr]
    await store_calendar.set_occurrence(store, series.id, NOW + 14 * DAY, None, None, NOW)
    assert len((await store_calendar.occurrence_changes(store, [series.id]))[series.id]) == 1
    rolled = await events.move_occurrence(
        series.id, NOW + 15 * DAY, NOW + 15 * DAY + 60, NOW + 14 * DAY
    )
    assert rolled.occurrence_at == NOW + 14 * DAY and rolled.slot_at == NOW + 14 * DAY
    back = await events.move_occurrence(
        series.id, NOW + 21 * DAY, NOW + 21 * DAY + 3600, NOW + 21 * DAY
    )
    assert back.occurrence_at is None


async def test_one_link_per_member_a_new_one_replaces_it(store) -> None:
    await store_calendar.replace_link(store, GUILD, 7, "a" * 64, NOW)
    assert await store_calendar.link_owner(store, "a" * 64) == store_calendar.LinkOwner(GUILD, 7)
    await store_calendar.replace_link(store, GUILD, 7, "b" * 64, NOW)
    assert await store_calendar.link_owner(store, "a" * 64) is None
    assert await store_calendar.has_link(store, GUILD, 7)
    assert not await store_calendar.has_link(store, GUILD, 8)


async def test_the_feed_reads_what_the_member_may_see_in_its_window(store, events) -> None:
    group_id = await group_with(store, user_id=7)
    other = await group_with(store, user_id=8)
    made = {}
    for title, group, start, status in [
        ("server", None, NOW + DAY, "scheduled"),
        ("mine", group_id, NOW + 2 * DAY, "scheduled"),
        ("theirs", other, NOW + 2 * DAY, "scheduled"),
        ("last week", None, NOW - 7 * DAY, "ended"),
        ("long ago", None, NOW - 40 * DAY, "ended"),
        ("too far", None, NOW + 400 * DAY, "scheduled"),
        ("called off", None, NOW + 3 * DAY, "cancelled"),
    ]:
        event = await events.create(
            draft(title=title, group_id=group, start_at=start, end_at=start + 3600), now=NOW
        )
        made[title] = (
            await events.update(event.id, status=status) if status != "scheduled" else event
        )
    viewer = Viewer(GUILD, 7)
    since, until = NOW - 30 * DAY, NOW + 365 * DAY
    found = await store_calendar.feed_events(store, viewer, since, until, NOW)
    assert [e.title for e in found] == ["last week", "server", "mine", "called off"]
    later = await store_calendar.feed_events(
        store, viewer, since + 31 * DAY, until + 31 * DAY, NOW + 31 * DAY
    )
    assert "called off" not in [e.title for e in later]  # 30 days after the cancel

    before = await store_calendar.feed_fingerprint(store, viewer, since, until, NOW)
    await events.answer(made["mine"].id, 7, "going", "Seven", NOW)
    answered = await store_calendar.feed_fingerprint(store, viewer, since, until, NOW)
    assert answered != before
    assert await store_calendar.answers_of(store, GUILD, 7) == {made["mine"].id: "going"}
    await events.answer(made["theirs"].id, 8, "going", "Eight", NOW)  # another's answer
    assert await store_calendar.feed_fingerprint(store, viewer, since, until, NOW) == answered
    await store.execute("DELETE FROM group_members WHERE user_id = 7")  # left the group
    assert await store_calendar.feed_fingerprint(store, viewer, since, until, NOW) != answered

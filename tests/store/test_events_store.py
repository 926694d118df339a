"""The events store on a real SQLite file, migrated from zero."""

from __future__ import annotations

import pytest

from cogs.events.store import EventDraft, EventStore

GUILD = 100


def draft(**changes: object) -> EventDraft:
    values = dict(
        guild_id=GUILD, group_id=None, title="Book club", description="", location="Library",
        voice_channel_id=None, start_at=2_000.0, end_at=5_600.0, timezone="UTC", repeat="none",
        rrule=None, remind="3600", capacity=None, channel_id=10, created_by=1,
    )  # fmt: skip
    values.update(changes)
    return EventDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def events(store) -> EventStore:
    return EventStore(store)


async def test_create_find_and_list(events: EventStore) -> None:
    first = await events.create(draft(), now=1.0)
    await events.create(draft(title="Later", start_at=9_000.0, end_at=9_500.0), now=1.0)
    assert (await events.find(GUILD, str(first.id))).id == first.id
    assert (await events.find(GUILD, "book CLUB")).id == first.id
    assert await events.find(GUILD, "nothing") is None
    assert await events.find(GUILD + 1, str(first.id)) is None
    assert [e.title for e in await events.upcoming(GUILD, now=1.0)] == ["Book club", "Later"]
    assert [e.title for e in await events.upcoming(GUILD, now=6_000.0)] == ["Later"]
    assert [e.title for e in await events.search(GUILD, "lat", now=1.0)] == ["Later"]
    await events.update(first.id, status="cancelled")
    assert [e.title for e in await events.upcoming(GUILD, now=1.0)] == ["Later"]


async def test_answers_and_waitlist_are_transactional(events: EventStore) -> None:
    event = await events.create(draft(capacity=2), now=1.0)
    for user in (1, 2, 3, 4):
        await events.answer(event.id, user, "going", f"user{user}", now=2.0)
    rows = {r.user_id: r.status for r in await events.rsvps(event.id)}
    assert rows == {1: "going", 2: "going", 3: "waitlist", 4: "waitlist"}
    outcome = await events.answer(event.id, 2, "cant", "user2", now=3.0)
    assert outcome.promoted == [3]
    rows = {r.user_id: r.status for r in await events.rsvps(event.id)}
    assert rows == {1: "going", 2: "cant", 3: "going", 4: "waitlist"}
    await events.update(event.id, capacity=5)
    assert await events.fill_free_seats(event.id, now=4.0) == [4]


async def test_move_occurrence_resets_answers(events: EventStore) -> None:
    event = await events.create(draft(repeat="weekly", rrule="FREQ=WEEKLY"), now=1.0)
    await events.answer(event.id, 1, "going", "a", now=2.0)
    moved = await events.move_occurrence(event.id, 2_000.0 + 604800, 5_600.0 + 604800)
    assert moved.start_at == 2_000.0 + 604800
    assert await events.rsvps(event.id) == []


async def test_group_delete_cascades(store, events: EventStore) -> None:
    group_id = await store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        (GUILD, "Knitters", "knitters", 1, 0.0),
    )
    event = await events.create(draft(group_id=group_id), now=1.0)
    await events.answer(event.id, 1, "going", "a", now=2.0)
    await store.execute("DELETE FROM groups WHERE id = ?", (group_id,))
    assert await events.get(event.id) is None
    assert await store.fetchval("SELECT COUNT(*) FROM event_rsvps") == 0


async def test_findtime_lifecycle(events: EventStore) -> None:
    poll = await events.create_findtime(
        GUILD, None, "Sync", [10.0, 20.0], "UTC", 5, 9.0, 1, now=1.0
    )
    await events.set_findtime_message(poll.id, 77)
    assert await events.close_findtime(poll.id, 20.0, 3)
    assert not await events.close_findtime(poll.id, 20.0, 3)  # a repeated job changes nothing
    assert await events.claim_findtime(poll.id)
    assert not await events.claim_findtime(poll.id)
    await events.finish_findtime(poll.id, 42)
    stored = await events.get_findtime(poll.id)
    assert (stored.status, stored.event_id, stored.slots, stored.message_id) == (
        "used",
        42,
        [10.0, 20.0],
        77,
    )


async def test_mark_ended_is_idempotent_and_keeps_cancelled(events: EventStore) -> None:
    event = await events.create(draft(), now=1.0)
    await events.answer(event.id, 7, "going", "Bob", now=2.0)
    assert (await events.mark_ended(event.id)).status == "ended"
    assert (await events.mark_ended(event.id)).status == "ended"
    assert [r.user_id for r in await events.rsvps(event.id)] == [7]  # who went is kept
    assert await events.upcoming(GUILD, now=1.0) == []
    cancelled = await events.create(draft(title="Off"), now=1.0)
    await events.update(cancelled.id, status="cancelled")
    assert (await events.mark_ended(cancelled.id)).status == "cancelled"
    assert await events.mark_ended(9999) is None


async def test_a_group_events_reads_are_filtered_in_sql_by_viewer(store, events: EventStore):
    from cogs.groups.api import Viewer

    group_id = await store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at)"
        " VALUES (?, 'Knitters', 'knitters', 1, 0)",
        (GUILD,),
    )
    await store.execute(
        "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
        " VALUES (?, ?, 2, 0, 0)",
        (GUILD, group_id),
    )
    secret = await events.create(draft(title="Secret", group_id=group_id), now=1.0)
    await events.create(draft(title="Open"), now=1.0)
    member, outsider = Viewer(GUILD, 2), Viewer(GUILD, 3)
    manager = Viewer(GUILD, 3, sees_every_group=True)
    for viewer, titles in ((member, ["Open", "Secret"]), (outsider, ["Open"]),
                           (manager, ["Open", "Secret"]), (None, ["Open", "Secret"])):  # fmt: skip
        upcoming = await events.upcoming(GUILD, 1.0, viewer=viewer)
        assert sorted(e.title for e in upcoming) == titles, viewer
        assert await events.count_upcoming(GUILD, 1.0, None, viewer) == len(titles)
        assert sorted(e.title for e in await events.search(GUILD, "", 1.0, viewer=viewer)) == titles
        seen = secret.id if "Secret" in titles else None
        for text in (str(secret.id), "secret"):
            found = await events.find(GUILD, text, 1.0, viewer)
            assert (found.id if found else None) == seen, (viewer, text)


async def test_find_time_by_message_and_announced_once(events: EventStore) -> None:
    poll = await events.create_findtime(GUILD, None, "Meet", [10.0, 20.0], "UTC", 5, 9.0, 1, 1.0)
    await events.set_findtime_message(poll.id, 777)
    assert (await events.findtime_by_message(GUILD, 777)).id == poll.id
    assert await events.findtime_by_message(GUILD + 1, 777) is None
    assert not await events.findtime_announced(poll.id)
    assert await events.mark_findtime_announced(poll.id)
    assert not await events.mark_findtime_announced(poll.id)
    assert await events.findtime_announced(poll.id)
    await events.close_findtime(poll.id, 10.0, 1)
    assert await events.findtime_by_message(GUILD, 777) is None  # only open polls


async def test_open_findtime_messages_are_known_from_memory_and_follow_changes(
    events: EventStore,
) -> None:
    assert not await events.is_open_findtime_message(77)  # loads the (empty) set once
    poll = await events.create_findtime(GUILD, None, "Meet", [10.0, 20.0], "UTC", 5, 9.0, 1, 1.0)
    await events.set_findtime_message(poll.id, 77)
    assert await events.is_open_findtime_message(77)
    assert not await events.is_open_findtime_message(78)
    await events.close_findtime(poll.id, 20.0, 3)
    assert not await events.is_open_findtime_message(77)

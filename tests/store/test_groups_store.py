"""GroupStore against a real SQLite file migrated from zero."""

from __future__ import annotations

import sqlite3

import pytest

from cogs.groups import api
from cogs.groups.store import GroupStore

GUILD = 1000


async def _make(gs: GroupStore, name: str, creator: int = 1, **kw) -> api.GroupRef:
    args = dict(
        guild_id=GUILD,
        name=name,
        key=name.casefold(),
        description="d",
        visibility="open",
        max_members=None,
        timezone=None,
        voice=False,
        creator_id=creator,
        now=100.0,
        role_id=10,
        channel_id=20,
    )
    args.update(kw)
    return await gs.create(**args)


async def test_create_makes_creator_leader(store):
    gs = GroupStore(store)
    group = await _make(gs, "Book Club", creator=7)
    assert await api.is_leader(store, group.id, 7)
    assert await api.member_ids(store, group.id) == [7]
    assert (await api.find_group(store, GUILD, "book club")).id == group.id
    assert (await api.find_group(store, GUILD, str(group.id))).name == "Book Club"


async def test_names_are_unique_per_server_case_insensitive(store):
    gs = GroupStore(store)
    group = await _make(gs, "Book Club")
    assert await gs.name_taken(GUILD, "book club")
    assert not await gs.name_taken(GUILD, "book club", exclude_id=group.id)
    assert not await gs.name_taken(GUILD + 1, "book club")
    with pytest.raises(sqlite3.IntegrityError):
        await _make(gs, "BOOK CLUB", key="book club")
    assert await gs.size(group.id) == 1  # the failed insert left nothing behind


async def test_pending_group_has_no_members_until_activated(store):
    gs = GroupStore(store)
    group = await _make(gs, "Pending", creator=3, status="pending", role_id=None, channel_id=None)
    assert await gs.size(group.id) == 0
    assert await gs.membership_count(GUILD, 3) == 0
    await gs.activate(
        group, role_id=11, channel_id=21, voice_channel_id=None, creator_id=3, now=200.0
    )
    fresh = await gs.get(group.id)
    assert fresh.status == "active" and fresh.role_id == 11
    assert await gs.role_of(group.id, 3) == (True, True)


async def test_add_if_room_never_overfills(store):
    gs = GroupStore(store)
    group = await _make(gs, "Small")
    assert await gs.add_if_room(group, 2, 2, 101.0)
    assert not await gs.add_if_room(group, 3, 2, 102.0)
    assert not await gs.add_if_room(group, 2, 5, 103.0)  # already in
    assert await gs.size(group.id) == 2


async def test_leaders_and_membership_counts(store):
    gs = GroupStore(store)
    a = await _make(gs, "A", creator=1)
    b = await _make(gs, "B", creator=2, role_id=12, channel_id=22)
    await gs.add_if_room(b, 1, 10, 101.0)
    assert await gs.membership_count(GUILD, 1) == 2
    assert await gs.leader_count(a.id) == 1
    await gs.add_if_room(a, 5, 10, 101.0)
    await gs.set_leader(a.id, 5, True)
    assert await gs.leader_count(a.id) == 2
    assert await api.leader_ids(store, a.id) == [1, 5]
    assert await gs.remove_member(a.id, 5)
    assert not await gs.remove_member(a.id, 5)


async def test_summaries_count_members_and_leaders(store):
    gs = GroupStore(store)
    a = await _make(gs, "Alpha", creator=1)
    for uid in (2, 3, 4):
        await gs.add_if_room(a, uid, 10, 101.0)
    await _make(gs, "Hidden", creator=9, status="pending", role_id=None, channel_id=None)
    summaries = await gs.summaries(GUILD)
    assert [s.group.name for s in summaries] == ["Alpha"]
    assert summaries[0].size == 4 and summaries[0].leaders == [1]


async def test_waitlist_is_first_come_first_served_and_cleared_on_join(store):
    gs = GroupStore(store)
    group = await _make(gs, "Full")
    assert await gs.waitlist.add(group, 5, 10.0) == 1
    assert await gs.waitlist.add(group, 6, 11.0) == 2
    assert await gs.waitlist.add(group, 5, 12.0) == 1  # idempotent
    assert await gs.waitlist.members(group.id) == [5, 6]
    await gs.add_if_room(group, 5, 10, 13.0)
    assert await gs.waitlist.members(group.id) == [6]


async def test_requests_are_settled_once(store):
    gs = GroupStore(store)
    group = await _make(gs, "Req", visibility="request")
    rid = await gs.requests.open(group, 5, "join", 10.0)
    assert (await gs.requests.pending(group.id, 5, "join")).id == rid
    await gs.requests.set_message(rid, 77, 88)
    assert (await gs.requests.get(rid)).message_id == 88
    assert await gs.requests.decide(rid, "approved", 1)
    assert not await gs.requests.decide(rid, "denied", 2)
    assert await gs.requests.pending(group.id, 5, "join") is None
    await gs.requests.reopen(rid)
    assert (await gs.requests.get(rid)).status == "pending"


async def test_mark_broken_forgets_the_object(store):
    gs = GroupStore(store)
    group = await _make(gs, "Fragile", channel_id=555)
    broken = await gs.mark_broken(GUILD, 555)
    assert [g.id for g in broken] == [group.id]
    fresh = await gs.get(group.id)
    assert fresh.broken and fresh.channel_id is None and fresh.role_id == 10
    await gs.set_objects(group.id, 10, 556, None)
    assert not (await gs.get(group.id)).broken
    assert await gs.mark_broken(GUILD, 999) == []


async def test_delete_cascades(store):
    gs = GroupStore(store)
    group = await _make(gs, "Gone")
    await gs.waitlist.add(group, 5, 1.0)
    await gs.requests.open(group, 6, "join", 1.0)
    await gs.delete(group.id)
    assert await gs.get(group.id) is None
    assert await store.fetchval("SELECT COUNT(*) FROM group_members") == 0
    assert await store.fetchval("SELECT COUNT(*) FROM group_waitlist") == 0
    assert await store.fetchval("SELECT COUNT(*) FROM group_requests") == 0


async def test_update_edits_only_known_columns(store):
    gs = GroupStore(store)
    group = await _make(gs, "Old")
    await gs.update(group.id, name="New", name_key="new", max_members=8)
    fresh = await gs.get(group.id)
    assert (fresh.name, fresh.max_members) == ("New", 8)
    with pytest.raises(ValueError):
        await gs.update(group.id, role_id=1)


async def test_group_choices_scopes(store):
    gs = GroupStore(store)
    mine = await _make(gs, "Mine", creator=1)
    await _make(gs, "Open", creator=2, role_id=12, channel_id=22)
    await _make(gs, "Secret", creator=2, visibility="invite", role_id=13, channel_id=23)
    names = lambda cs: [c.name for c in cs]  # noqa: E731
    assert names(await api.group_choices(store, GUILD, 1, "", "joinable")) == ["Open"]
    assert names(await api.group_choices(store, GUILD, 1, "", "member")) == ["Mine"]
    assert names(await api.group_choices(store, GUILD, 1, "mi", "leader")) == ["Mine"]
    assert len(await api.group_choices(store, GUILD, 1, "", "leader", manager=True)) == 3
    assert (await api.group_choices(store, GUILD, 1, "", "all"))[0].value == str(mine.id)


async def test_summaries_cache_follows_writes(store):
    gs = GroupStore(store)
    group = await _make(gs, "Cached")
    assert (await gs.summaries(GUILD))[0].size == 1
    await gs.add_if_room(group, 2, 10, 101.0)
    assert (await gs.summaries(GUILD))[0].size == 2
    await gs.set_leader(group.id, 2, True)
    assert (await gs.summaries(GUILD))[0].leaders == [1, 2]
    await gs.update(group.id, name="Renamed", name_key="renamed")
    assert (await gs.summaries(GUILD))[0].group.name == "Renamed"
    await gs.delete(group.id)
    assert await gs.summaries(GUILD) == []

"""The one privacy filter (groups.api.visible_sql / require_can_see) on a real SQLite:
a group's rows are seen by its members and by managers, never by outsiders; rows of no
group are seen by everyone."""

from __future__ import annotations

import pytest

from cogs.groups import api
from cogs.groups.store import GroupStore
from core.errors import NotFound

GUILD = 1000
CREATOR, MEMBER, OUTSIDER, MANAGER = 1, 2, 3, 4


@pytest.fixture
async def private_group(store):
    gs = GroupStore(store)
    group = await gs.create(
        guild_id=GUILD, name="Book Club", key="book club", description="d", visibility="open",
        max_members=None, timezone=None, voice=False, creator_id=CREATOR, now=100.0,
        role_id=10, channel_id=20,
    )  # fmt: skip
    await gs.add_if_room(group, MEMBER, 10, 101.0)
    await store.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, group_id INTEGER)")
    await store.execute("INSERT INTO things (id, group_id) VALUES (1, ?), (2, NULL)", (group.id,))
    return group


async def _visible_things(store, viewer: api.Viewer) -> list[int]:
    condition, params = api.visible_sql(viewer, "t.group_id")
    rows = await store.fetchall(
        f"SELECT t.id FROM things t WHERE {condition} ORDER BY t.id", params
    )
    return [r["id"] for r in rows]


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (api.Viewer(GUILD, CREATOR), [1, 2]),
        (api.Viewer(GUILD, MEMBER), [1, 2]),
        (api.Viewer(GUILD, OUTSIDER), [2]),
        (api.Viewer(GUILD, MANAGER, sees_every_group=True), [1, 2]),
    ],
)
async def test_visible_sql_shows_a_group_only_to_its_people(store, private_group, viewer, expected):
    assert await _visible_things(store, viewer) == expected


async def test_require_can_see_refuses_outsiders_like_a_missing_thing(store, private_group):
    await api.require_can_see(store, api.Viewer(GUILD, MEMBER), private_group.id, "nope")
    await api.require_can_see(store, api.Viewer(GUILD, OUTSIDER), None, "nope")
    with pytest.raises(NotFound, match="nope"):
        await api.require_can_see(store, api.Viewer(GUILD, OUTSIDER), private_group.id, "nope")


def test_visible_sql_takes_only_column_names() -> None:
    with pytest.raises(ValueError):
        api.visible_sql(api.Viewer(GUILD, OUTSIDER), "group_id; DROP TABLE groups")

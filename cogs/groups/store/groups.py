"""The groups' own rows. Methods take and return plain values and dataclasses;
`cogs.groups.api` is a façade over the reads here.

`GroupStore` is the one class the feature uses: it writes the groups' own rows and
offers, under the same names, the reads of its collaborators: `GroupLookup`
(lookup.py: finding groups), `MembershipStore` (members.py: memberships),
`SummaryCache` (summaries.py: `/group list` summaries), and the queues `requests` and
`waitlist` (queues.py). The privacy filter `visible_groups_clause` is here, at the
bottom."""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any

from cogs.groups.store.lookup import GroupLookup
from cogs.groups.store.members import MembershipStore
from cogs.groups.store.models import GroupRef, Scope, group_from_row
from cogs.groups.store.queues import RequestStore, WaitlistStore
from cogs.groups.store.summaries import GroupSummary, SummaryCache, writes
from core.store import Store

log = logging.getLogger(__name__)

# Columns that may point at a Discord object deleted by hand.
OBJECT_COLUMNS = ("role_id", "channel_id", "voice_channel_id")
EDITABLE = ("name", "name_key", "description", "visibility", "max_members", "timezone")


class GroupStore:
    """Group SQL. `/group list` summaries are cached per server and dropped on every
    write made through this class (the only writer of groups and memberships). The
    queues in front of a group are `requests` and `waitlist`."""

    def __init__(self, store: Store) -> None:
        self.db = store
        self.requests = RequestStore(store)
        self.waitlist = WaitlistStore(store)
        self.lookup = GroupLookup(store)
        self.membership = MembershipStore(store, forget_cache=self.forget_cache)
        self._cache = SummaryCache(store)

    def forget_cache(self) -> None:
        self._cache.forget()

    # -- groups -----------------------------------------------------------------------

    async def get(self, group_id: int) -> GroupRef | None:
        row = await self.db.fetchone("SELECT * FROM groups WHERE id = ?", (group_id,))
        return group_from_row(row) if row else None

    @writes
    async def create(
        self,
        *,
        guild_id: int,
        name: str,
        key: str,
        description: str,
        visibility: str,
        max_members: int | None,
        timezone: str | None,
        voice: bool,
        creator_id: int,
        now: float,
        status: str = "active",
        role_id: int | None = None,
        channel_id: int | None = None,
        voice_channel_id: int | None = None,
    ) -> GroupRef:
        """Insert the group; an active group gets its creator as leader in the same
        transaction (a pending one gets them on approval)."""
        async with self.db.transaction() as tx:
            group_id = await tx.insert(
                "INSERT INTO groups (guild_id, name, name_key, description, visibility,"
                " max_members, timezone, role_id, channel_id, voice_channel_id, status, voice,"
                " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    guild_id,
                    name,
                    key,
                    description,
                    visibility,
                    max_members,
                    timezone,
                    role_id,
                    channel_id,
                    voice_channel_id,
                    status,
                    int(voice),
                    creator_id,
                    now,
                ),
            )
            if status == "active":
                await tx.execute(
                    "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
                    " VALUES (?, ?, ?, 1, ?)",
                    (guild_id, group_id, creator_id, now),
                )
            row = await tx.fetchone("SELECT * FROM groups WHERE id = ?", (group_id,))
        assert row is not None
        return group_from_row(row)

    @writes
    async def activate(
        self,
        group: GroupRef,
        *,
        role_id: int,
        channel_id: int,
        voice_channel_id: int | None,
        creator_id: int,
        now: float,
    ) -> None:
        """A pending group approved: record its Discord objects and its first leader."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE groups SET status = 'active', role_id = ?, channel_id = ?,"
                " voice_channel_id = ? WHERE id = ?",
                (role_id, channel_id, voice_channel_id, group.id),
            )
            await tx.execute(
                "INSERT OR IGNORE INTO group_members"
                " (guild_id, group_id, user_id, is_leader, joined_at) VALUES (?, ?, ?, 1, ?)",
                (group.guild_id, group.id, creator_id, now),
            )

    @writes
    async def update(self, group_id: int, **fields: Any) -> None:
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{column} = ?" for column in fields)
        await self.db.execute(
            f"UPDATE groups SET {assignments} WHERE id = ?", (*fields.values(), group_id)
        )

    @writes
    async def set_status(self, group_id: int, status: str) -> None:
        await self.db.execute("UPDATE groups SET status = ? WHERE id = ?", (status, group_id))

    @writes
    async def set_objects(
        self, group_id: int, role_id: int | None, channel_id: int | None, voice_id: int | None
    ) -> None:
        """After a repair: the recreated objects, and the group is whole again."""
        await self.db.execute(
            "UPDATE groups SET role_id = ?, channel_id = ?, voice_channel_id = ?, broken = 0"
            " WHERE id = ?",
            (role_id, channel_id, voice_id, group_id),
        )

    @writes
    async def mark_broken(self, guild_id: int, object_id: int) -> list[GroupRef]:
        """A role or channel was deleted by hand: forget it and flag the group."""
        broken: list[GroupRef] = []
        async with self.db.transaction() as tx:
            for column in OBJECT_COLUMNS:
                rows = await tx.fetchall(
                    f"SELECT id FROM groups WHERE {column} = ? AND guild_id = ?",
                    (object_id, guild_id),
                )
                for row in rows:
                    await tx.execute(
                        f"UPDATE groups SET {column} = NULL, broken = 1 WHERE id = ?", (row["id"],)
                    )
                    fresh = await tx.fetchone("SELECT * FROM groups WHERE id = ?", (row["id"],))
                    if fresh:
                        broken.append(group_from_row(fresh))
        return broken

    @writes
    async def delete(self, group_id: int) -> None:
        await self.db.execute("DELETE FROM groups WHERE id = ?", (group_id,))

    async def summaries(self, guild_id: int) -> list[GroupSummary]:
        return await self._cache.summaries(guild_id)

    async def summary(self, group_id: int) -> GroupSummary | None:
        return await self._cache.summary(group_id)

    # -- finding groups (GroupLookup) -------------------------------------------------

    async def find(self, guild_id: int, text: str) -> GroupRef | None:
        return await self.lookup.find(guild_id, text)

    async def name_taken(self, guild_id: int, key: str, exclude_id: int | None = None) -> bool:
        return await self.lookup.name_taken(guild_id, key, exclude_id)

    async def id_by_role(self, role_id: int) -> int | None:
        return await self.lookup.id_by_role(role_id)

    async def creator_of(self, group_id: int) -> int | None:
        return await self.lookup.creator_of(group_id)

    async def wants_voice(self, group_id: int) -> bool:
        return await self.lookup.wants_voice(group_id)

    async def all_groups(self, guild_id: int) -> list[GroupRef]:
        return await self.lookup.all_groups(guild_id)

    async def open_groups(self, guild_id: int) -> list[GroupRef]:
        return await self.lookup.open_groups(guild_id)

    async def choices(
        self, guild_id: int, user_id: int, current: str, scope: Scope, manager: bool
    ) -> list[tuple[int, str]]:
        return await self.lookup.choices(guild_id, user_id, current, scope, manager)

    # -- members (MembershipStore) ----------------------------------------------------

    async def size(self, group_id: int) -> int:
        return await self.membership.size(group_id)

    async def membership_count(self, guild_id: int, user_id: int) -> int:
        return await self.membership.membership_count(guild_id, user_id)

    async def role_of(self, group_id: int, user_id: int) -> tuple[bool, bool]:
        return await self.membership.role_of(group_id, user_id)

    async def leader_count(self, group_id: int) -> int:
        return await self.membership.leader_count(group_id)

    async def leads_any(self, guild_id: int, user_id: int) -> bool:
        return await self.membership.leads_any(guild_id, user_id)

    async def add_if_room(self, group: GroupRef, user_id: int, limit: int, now: float) -> bool:
        return await self.membership.add_if_room(group, user_id, limit, now)

    async def remove_member(self, group_id: int, user_id: int) -> bool:
        return await self.membership.remove_member(group_id, user_id)

    async def mark_departed(self, group_id: int, user_ids: list[int], now: float) -> list[int]:
        return await self.membership.mark_departed(group_id, user_ids, now)

    async def departed(self, group_id: int) -> list[int]:
        return await self.membership.departed(group_id)

    async def set_leader(self, group_id: int, user_id: int, leader: bool) -> bool:
        return await self.membership.set_leader(group_id, user_id, leader)

    async def members(self, group_id: int) -> list[tuple[int, bool]]:
        return await self.membership.members(group_id)

    async def member_ids(self, group_id: int, *, leaders_only: bool = False) -> list[int]:
        return await self.membership.member_ids(group_id, leaders_only=leaders_only)

    async def groups_of_member(self, guild_id: int, user_id: int) -> list[GroupRef]:
        return await self.membership.groups_of_member(guild_id, user_id)


# -- the privacy filter ---------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


def visible_groups_clause(
    column: str, user_id: int, sees_every_group: bool
) -> tuple[str, tuple[object, ...]]:
    """The SQL behind `api.visible_sql` (the one privacy filter): rows of no group, or of a
    group the user belongs to; everything for a manager or admin."""
    if not _IDENTIFIER.fullmatch(column):
        raise ValueError(f"not a column name: {column!r}")
    if sees_every_group:
        return "1 = 1", ()
    return (
        f"({column} IS NULL OR {column} IN"
        " (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = ?))",
        (user_id,),
    )


async def guild_group_sizes(db: Store, guild_id: int) -> list[sqlite3.Row]:
    """Insights: every active group of a server with its member count, one query
    (columns id, name, created_at, members)."""
    return await db.fetchall(
        "SELECT g.id, g.name, g.created_at, COUNT(m.user_id) AS members FROM groups g"
        " LEFT JOIN group_members m ON m.group_id = g.id"
        " WHERE g.guild_id = ? AND g.status = 'active' GROUP BY g.id ORDER BY g.name_key",
        (guild_id,),
    )

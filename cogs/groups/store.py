"""The groups feature's SQL. Methods take and return plain values and dataclasses;
`cogs.groups.api` is a façade over the reads here."""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cogs.groups.logic import slugify
from cogs.groups.models import GroupRef, Request, Scope, group_from_row
from cogs.groups.store_queues import RequestStore, WaitlistStore
from core.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = ["GroupStore", "GroupSummary", "Request"]

_MENTION = re.compile(r"<(?:#|@&)(\d+)>")

# Columns that may point at a Discord object deleted by hand.
OBJECT_COLUMNS = ("role_id", "channel_id", "voice_channel_id")
EDITABLE = ("name", "name_key", "description", "visibility", "max_members", "timezone")


@dataclass(frozen=True)
class GroupSummary:
    """A group with its size and leaders, for `/group list` and `/group info`."""

    group: GroupRef
    size: int
    leaders: list[int]


_SUMMARY_SQL = (
    "SELECT g.*,"
    " (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS size,"
    " (SELECT group_concat(m.user_id) FROM group_members m"
    "   WHERE m.group_id = g.id AND m.is_leader = 1) AS leader_list"
    " FROM groups g"
)


def _summary(row: sqlite3.Row) -> GroupSummary:
    leaders = [int(x) for x in (row["leader_list"] or "").split(",") if x]
    return GroupSummary(group=group_from_row(row), size=row["size"], leaders=sorted(leaders))


def _writes(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Drop cached summaries before and after a write, so a read that overlaps it is
    never kept."""

    @functools.wraps(method)
    async def wrapper(self: GroupStore, *args: Any, **kwargs: Any) -> T:
        self.forget_cache()
        try:
            return await method(self, *args, **kwargs)
        finally:
            self.forget_cache()

    return wrapper


class GroupStore:
    """Group SQL. `/group list` summaries are cached per server and dropped on every
    write made through this class (the only writer of groups and memberships). The
    queues in front of a group are `requests` and `waitlist`."""

    def __init__(self, store: Store) -> None:
        self.db = store
        self.requests = RequestStore(store)
        self.waitlist = WaitlistStore(store)
        self._summaries: dict[int, list[GroupSummary]] = {}
        self._generation = 0

    def forget_cache(self) -> None:
        self._generation += 1
        self._summaries.clear()

    # -- groups -----------------------------------------------------------------------

    async def get(self, group_id: int) -> GroupRef | None:
        row = await self.db.fetchone("SELECT * FROM groups WHERE id = ?", (group_id,))
        return group_from_row(row) if row else None

    async def find(self, guild_id: int, text: str) -> GroupRef | None:
        """By id, by name in any case and spacing, by role or channel mention, or by
        its channel's name (see `api.find_group`)."""
        text = " ".join(text.split())
        found = await self._by_id_text(guild_id, text) or await self._by_name(guild_id, text)
        if found:
            return found
        mention = _MENTION.fullmatch(text)
        if mention:
            return await self._by_object(guild_id, int(mention[1]))
        return await self._by_slug(guild_id, text.lstrip("#"))

    async def _by_id_text(self, guild_id: int, text: str) -> GroupRef | None:
        if not text.isdigit():
            return None
        row = await self.db.fetchone(
            "SELECT * FROM groups WHERE id = ? AND guild_id = ?", (int(text), guild_id)
        )
        return group_from_row(row) if row else None

    async def _by_name(self, guild_id: int, text: str) -> GroupRef | None:
        row = await self.db.fetchone(
            "SELECT * FROM groups WHERE guild_id = ? AND name_key = ?", (guild_id, text.casefold())
        )
        return group_from_row(row) if row else None

    async def _by_object(self, guild_id: int, object_id: int) -> GroupRef | None:
        row = await self.db.fetchone(
            "SELECT * FROM groups WHERE guild_id = ? AND ? IN (role_id, channel_id)",
            (guild_id, object_id),
        )
        return group_from_row(row) if row else None

    async def _by_slug(self, guild_id: int, text: str) -> GroupRef | None:
        """The channel name typed instead of the group name; only when it names one group."""
        if not text or text != slugify(text):
            return None
        rows = await self.db.fetchall("SELECT * FROM groups WHERE guild_id = ?", (guild_id,))
        found = [r for r in rows if slugify(r["name"]) == text]
        return group_from_row(found[0]) if len(found) == 1 else None

    async def name_taken(self, guild_id: int, key: str, exclude_id: int | None = None) -> bool:
        found = await self.db.fetchval(
            "SELECT id FROM groups WHERE guild_id = ? AND name_key = ?", (guild_id, key)
        )
        return found is not None and found != exclude_id

    @_writes
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

    @_writes
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

    async def id_by_role(self, role_id: int) -> int | None:
        return await self.db.fetchval("SELECT id FROM groups WHERE role_id = ?", (role_id,))

    async def creator_of(self, group_id: int) -> int | None:
        return await self.db.fetchval("SELECT created_by FROM groups WHERE id = ?", (group_id,))

    async def wants_voice(self, group_id: int) -> bool:
        return bool(await self.db.fetchval("SELECT voice FROM groups WHERE id = ?", (group_id,)))

    @_writes
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

    @_writes
    async def set_status(self, group_id: int, status: str) -> None:
        await self.db.execute("UPDATE groups SET status = ? WHERE id = ?", (status, group_id))

    @_writes
    async def set_objects(
        self, group_id: int, role_id: int | None, channel_id: int | None, voice_id: int | None
    ) -> None:
        """After a repair: the recreated objects, and the group is whole again."""
        await self.db.execute(
            "UPDATE groups SET role_id = ?, channel_id = ?, voice_channel_id = ?, broken = 0"
            " WHERE id = ?",
            (role_id, channel_id, voice_id, group_id),
        )

    @_writes
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

    @_writes
    async def delete(self, group_id: int) -> None:
        await self.db.execute("DELETE FROM groups WHERE id = ?", (group_id,))

    async def summaries(self, guild_id: int) -> list[GroupSummary]:
        cached = self._summaries.get(guild_id)
        if cached is not None:
            return list(cached)
        generation = self._generation
        rows = await self.db.fetchall(
            _SUMMARY_SQL + " WHERE g.guild_id = ? AND g.status != 'pending' ORDER BY g.name_key",
            (guild_id,),
        )
        fresh = [_summary(r) for r in rows]
        if self._generation == generation:  # no write started or ended meanwhile
            self._summaries[guild_id] = fresh
        return list(fresh)

    async def summary(self, group_id: int) -> GroupSummary | None:
        row = await self.db.fetchone(_SUMMARY_SQL + " WHERE g.id = ?", (group_id,))
        return _summary(row) if row else None

    async def all_groups(self, guild_id: int) -> list[GroupRef]:
        """Every group with Discord objects (active or archived) on a server."""
        rows = await self.db.fetchall(
            "SELECT * FROM groups WHERE guild_id = ? AND status != 'pending'", (guild_id,)
        )
        return [group_from_row(r) for r in rows]

    async def leads_any(self, guild_id: int, user_id: int) -> bool:
        return bool(
            await self.db.fetchval(
                "SELECT 1 FROM group_members WHERE guild_id = ? AND user_id = ? AND is_leader = 1"
                " LIMIT 1",
                (guild_id, user_id),
            )
        )

    async def open_groups(self, guild_id: int) -> list[GroupRef]:
        rows = await self.db.fetchall(
            "SELECT * FROM groups WHERE guild_id = ? AND status = 'active'"
            " AND visibility = 'open' ORDER BY name_key",
            (guild_id,),
        )
        return [group_from_row(r) for r in rows]

    # -- members ----------------------------------------------------------------------

    async def size(self, group_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM group_members WHERE group_id = ?", (group_id,), 0
            )
        )

    async def membership_count(self, guild_id: int, user_id: int) -> int:
        """Groups (not pending) a member belongs to: the groups-per-member limit."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM group_members m JOIN groups g ON g.id = m.group_id"
                " WHERE m.guild_id = ? AND m.user_id = ? AND g.status != 'pending'",
                (guild_id, user_id),
                0,
            )
        )

    async def role_of(self, group_id: int, user_id: int) -> tuple[bool, bool]:
        """(is member, is leader)."""
        row = await self.db.fetchone(
            "SELECT is_leader FROM group_members WHERE group_id = ? AND user_id = ?",
            (group_id, user_id),
        )
        return (row is not None, bool(row and row["is_leader"]))

    async def leader_count(self, group_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM group_members WHERE group_id = ? AND is_leader = 1",
                (group_id,),
                0,
            )
        )

    @_writes
    async def add_if_room(self, group: GroupRef, user_id: int, limit: int, now: float) -> bool:
        """Add a member only while the group has room: check and insert are one
        statement, so two simultaneous joins can't overfill it. Leaves the waitlist."""
        async with self.db.transaction() as tx:
            cur = await tx.execute(
                "INSERT OR IGNORE INTO group_members (guild_id, group_id, user_id, is_leader,"
                " joined_at) SELECT ?, ?, ?, 0, ?"
                " WHERE (SELECT COUNT(*) FROM group_members WHERE group_id = ?) < ?",
                (group.guild_id, group.id, user_id, now, group.id, limit),
            )
            added = cur.rowcount == 1
            if added:
                await tx.execute(
                    "DELETE FROM group_waitlist WHERE group_id = ? AND user_id = ?",
                    (group.id, user_id),
                )
        return added

    @_writes
    async def remove_member(self, group_id: int, user_id: int) -> bool:
        return (
            await self.db.execute(
                "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", (group_id, user_id)
            )
            == 1
        )

    @_writes
    async def mark_departed(self, group_id: int, user_ids: list[int], now: float) -> list[int]:
        """Members who left the server: their membership ends (the seat is free, they are
        no longer counted, listed or nudged) and the departure is kept in
        `group_departures`. Returns those whose membership ended here."""
        ended: list[int] = []
        async with self.db.transaction() as tx:
            for user_id in user_ids:
                row = await tx.fetchone(
                    "SELECT * FROM group_members WHERE group_id = ? AND user_id = ?",
                    (group_id, user_id),
                )
                if row is None:
                    continue
                await tx.execute(
                    "INSERT OR REPLACE INTO group_departures (guild_id, group_id, user_id,"
                    " was_leader, joined_at, departed_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (row["guild_id"], group_id, user_id, row["is_leader"], row["joined_at"], now),
                )
                await tx.execute(
                    "DELETE FROM group_members WHERE group_id = ? AND user_id = ?",
                    (group_id, user_id),
                )
                ended.append(user_id)
        return ended

    async def departed(self, group_id: int) -> list[int]:
        """Who left the server while in the group (and has not rejoined it), oldest first."""
        rows = await self.db.fetchall(
            "SELECT d.user_id FROM group_departures d WHERE d.group_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM group_members m WHERE m.group_id = d.group_id"
            " AND m.user_id = d.user_id) ORDER BY d.departed_at, d.user_id",
            (group_id,),
        )
        return [r["user_id"] for r in rows]

    @_writes
    async def set_leader(self, group_id: int, user_id: int, leader: bool) -> bool:
        return (
            await self.db.execute(
                "UPDATE group_members SET is_leader = ? WHERE group_id = ? AND user_id = ?",
                (int(leader), group_id, user_id),
            )
            == 1
        )

    async def members(self, group_id: int) -> list[tuple[int, bool]]:
        rows = await self.db.fetchall(
            "SELECT user_id, is_leader FROM group_members WHERE group_id = ?"
            " ORDER BY is_leader DESC, joined_at, user_id",
            (group_id,),
        )
        return [(r["user_id"], bool(r["is_leader"])) for r in rows]

    async def member_ids(self, group_id: int, *, leaders_only: bool = False) -> list[int]:
        """Members (or only leaders) in the order they joined."""
        leader = " AND is_leader = 1" if leaders_only else ""
        rows = await self.db.fetchall(
            f"SELECT user_id FROM group_members WHERE group_id = ?{leader}"
            " ORDER BY joined_at, user_id",
            (group_id,),
        )
        return [r["user_id"] for r in rows]

    async def groups_of_member(self, guild_id: int, user_id: int) -> list[GroupRef]:
        rows = await self.db.fetchall(
            "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id"
            " WHERE m.guild_id = ? AND m.user_id = ? AND g.status != 'pending'"
            " ORDER BY g.name_key",
            (guild_id, user_id),
        )
        return [group_from_row(r) for r in rows]

    async def choices(
        self, guild_id: int, user_id: int, current: str, scope: Scope, manager: bool
    ) -> list[tuple[int, str]]:
        """(id, name) of up to 25 groups for an autocomplete (see `api.group_choices`)."""
        where, params = _choice_filter(scope, manager, user_id)
        rows = await self.db.fetchall(
            "SELECT g.id, g.name FROM groups g WHERE g.guild_id = ? AND g.name_key LIKE ?"
            f"{where} ORDER BY g.name_key LIMIT 25",
            [guild_id, f"%{current.strip().casefold()}%", *params],
        )
        return [(r["id"], r["name"]) for r in rows]


def _choice_filter(scope: Scope, manager: bool, user_id: int) -> tuple[str, list[object]]:
    """The WHERE clause that narrows autocomplete to a scope, and its parameters."""
    if scope == "joinable":
        return (
            " AND g.status = 'active' AND g.visibility != 'invite' AND NOT EXISTS"
            " (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = ?)",
            [user_id],
        )
    if scope in ("member", "leader") and not manager:
        leader = " AND m.is_leader = 1" if scope == "leader" else ""
        return (
            " AND g.status != 'pending' AND EXISTS (SELECT 1 FROM group_members m"
            f" WHERE m.group_id = g.id AND m.user_id = ?{leader})",
            [user_id],
        )
    return " AND g.status != 'pending'", []


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

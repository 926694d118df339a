"""Memberships (`MembershipStore`, a collaborator of `GroupStore`): who is in a group and who
leads it, joining within the size limit, leaving, members who left the server, and a
member's groups. Every write drops the cached `/group list` summaries."""

from __future__ import annotations

from collections.abc import Callable

from cogs.groups.store.models import GroupRef, group_from_row
from cogs.groups.store.summaries import writes
from core.store import Store


class MembershipStore:
    """Membership SQL; `GroupStore` offers each method under the same name."""

    def __init__(self, db: Store, forget_cache: Callable[[], None]) -> None:
        self.db = db
        self.forget_cache = forget_cache

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

    @writes
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

    @writes
    async def remove_member(self, group_id: int, user_id: int) -> bool:
        return (
            await self.db.execute(
                "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", (group_id, user_id)
            )
            == 1
        )

    @writes
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

    @writes
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

    async def leads_any(self, guild_id: int, user_id: int) -> bool:
        return bool(
            await self.db.fetchval(
                "SELECT 1 FROM group_members WHERE guild_id = ? AND user_id = ? AND is_leader = 1"
                " LIMIT 1",
                (guild_id, user_id),
            )
        )

"""The SQL of join requests, manager approvals of new groups, and waitlists: the
queues in front of a group. Mixed into GroupStore (these tables hold no cached data)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cogs.groups.api import GroupRef
from core.store import Store


@dataclass(frozen=True)
class Request:
    """A join request (leaders decide) or a new group awaiting manager approval."""

    id: int
    guild_id: int
    group_id: int
    user_id: int
    kind: str
    status: str
    channel_id: int | None
    message_id: int | None


def _request(row: sqlite3.Row) -> Request:
    return Request(
        id=row["id"],
        guild_id=row["guild_id"],
        group_id=row["group_id"],
        user_id=row["user_id"],
        kind=row["kind"],
        status=row["status"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
    )


class RequestStore:
    db: Store

    # -- requests ---------------------------------------------------------------------

    async def open_request(self, group: GroupRef, user_id: int, kind: str, now: float) -> int:
        return await self.db.insert(
            "INSERT INTO group_requests (guild_id, group_id, user_id, kind, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (group.guild_id, group.id, user_id, kind, now),
        )

    async def pending_request(self, group_id: int, user_id: int, kind: str) -> Request | None:
        row = await self.db.fetchone(
            "SELECT * FROM group_requests WHERE group_id = ? AND user_id = ? AND kind = ?"
            " AND status = 'pending'",
            (group_id, user_id, kind),
        )
        return _request(row) if row else None

    async def get_request(self, request_id: int) -> Request | None:
        row = await self.db.fetchone("SELECT * FROM group_requests WHERE id = ?", (request_id,))
        return _request(row) if row else None

    async def set_request_message(self, request_id: int, channel_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE group_requests SET channel_id = ?, message_id = ? WHERE id = ?",
            (channel_id, message_id, request_id),
        )

    async def decide_request(self, request_id: int, status: str, by: int | None) -> bool:
        """Settle a pending request; False when someone else settled it first."""
        return (
            await self.db.execute(
                "UPDATE group_requests SET status = ?, decided_by = ?"
                " WHERE id = ? AND status = 'pending'",
                (status, by, request_id),
            )
            == 1
        )

    async def reopen_request(self, request_id: int) -> None:
        await self.db.execute(
            "UPDATE group_requests SET status = 'pending', decided_by = NULL WHERE id = ?",
            (request_id,),
        )

    async def delete_request(self, request_id: int) -> None:
        await self.db.execute("DELETE FROM group_requests WHERE id = ?", (request_id,))

    # -- waitlist ---------------------------------------------------------------------

    async def wait(self, group: GroupRef, user_id: int, now: float) -> int:
        """Put a member on the waitlist (idempotent); returns their position (1-based)."""
        await self.db.execute(
            "INSERT OR IGNORE INTO group_waitlist (guild_id, group_id, user_id, added_at)"
            " VALUES (?, ?, ?, ?)",
            (group.guild_id, group.id, user_id, now),
        )
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM group_waitlist w WHERE w.group_id = ? AND w.added_at <="
                " (SELECT added_at FROM group_waitlist WHERE group_id = ? AND user_id = ?)",
                (group.id, group.id, user_id),
                1,
            )
        )

    async def unwait(self, group_id: int, user_id: int) -> bool:
        return (
            await self.db.execute(
                "DELETE FROM group_waitlist WHERE group_id = ? AND user_id = ?", (group_id, user_id)
            )
            == 1
        )

    async def waitlist(self, group_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT user_id FROM group_waitlist WHERE group_id = ? ORDER BY added_at, rowid",
            (group_id,),
        )
        return [r["user_id"] for r in rows]

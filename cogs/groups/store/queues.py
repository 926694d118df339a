"""The SQL of the queues in front of a group: join requests and manager approvals of new
groups (`RequestStore`), and waitlists (`WaitlistStore`). `GroupStore` holds one of each;
these tables hold nothing the summary cache depends on."""

from __future__ import annotations

from cogs.groups.store.models import GroupRef, Request, request_from_row
from core.store import Store


class RequestStore:
    """Join requests (kind `join`) and new groups awaiting approval (kind `create`)."""

    def __init__(self, db: Store) -> None:
        self.db = db

    async def open(self, group: GroupRef, user_id: int, kind: str, now: float) -> int:
        return await self.db.insert(
            "INSERT INTO group_requests (guild_id, group_id, user_id, kind, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (group.guild_id, group.id, user_id, kind, now),
        )

    async def pending(self, group_id: int, user_id: int, kind: str) -> Request | None:
        row = await self.db.fetchone(
            "SELECT * FROM group_requests WHERE group_id = ? AND user_id = ? AND kind = ?"
            " AND status = 'pending'",
            (group_id, user_id, kind),
        )
        return request_from_row(row) if row else None

    async def get(self, request_id: int) -> Request | None:
        row = await self.db.fetchone("SELECT * FROM group_requests WHERE id = ?", (request_id,))
        return request_from_row(row) if row else None

    async def set_message(self, request_id: int, channel_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE group_requests SET channel_id = ?, message_id = ? WHERE id = ?",
            (channel_id, message_id, request_id),
        )

    async def decide(self, request_id: int, status: str, by: int | None) -> bool:
        """Settle a pending request; False when someone else settled it first."""
        changed = await self.db.execute(
            "UPDATE group_requests SET status = ?, decided_by = ?"
            " WHERE id = ? AND status = 'pending'",
            (status, by, request_id),
        )
        return changed == 1

    async def reopen(self, request_id: int) -> None:
        await self.db.execute(
            "UPDATE group_requests SET status = 'pending', decided_by = NULL WHERE id = ?",
            (request_id,),
        )

    async def delete(self, request_id: int) -> None:
        await self.db.execute("DELETE FROM group_requests WHERE id = ?", (request_id,))


class WaitlistStore:
    """Members waiting for a place in a full group, first come first served."""

    def __init__(self, db: Store) -> None:
        self.db = db

    async def add(self, group: GroupRef, user_id: int, now: float) -> int:
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

    async def remove(self, group_id: int, user_id: int) -> bool:
        removed = await self.db.execute(
            "DELETE FROM group_waitlist WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )
        return removed == 1

    async def members(self, group_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT user_id FROM group_waitlist WHERE group_id = ? ORDER BY added_at, rowid",
            (group_id,),
        )
        return [r["user_id"] for r in rows]

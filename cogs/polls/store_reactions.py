"""The queue of stale reactions (`StaleReactions`, held by `PollStore` as `stale`): the
reactions on a poll's message that are no vote (a single choice moved, over
`max_choices`, a non-member's, a foreign emoji) and wait for the paced remover. A row is
written with the vote that made it stale (`PollStore.write_votes`, one transaction) and
goes when Discord answered its removal; reconcile leaves the stored ones out of the
count, so the tally never waits on the clean-up."""

from __future__ import annotations

import sqlite3

from cogs.polls.models import StaleKey
from core.store import Store


class StaleReactions:
    """The `poll_stale_reactions` table: read per poll, the whole queue after a restart,
    and a removal done."""

    def __init__(self, db: Store) -> None:
        self.db = db

    async def of_poll(self, poll_id: int) -> set[StaleKey]:
        """The (user, emoji) reactions of a poll that are no vote and wait for removal."""
        rows = await self.db.fetchall(
            "SELECT user_id, emoji FROM poll_stale_reactions WHERE poll_id = ?", (poll_id,)
        )
        return {(row["user_id"], row["emoji"]) for row in rows}

    async def queued(self) -> list[sqlite3.Row]:
        """Every stale reaction still to remove, oldest first, with where it is (columns
        poll_id, channel_id, message_id, user_id, emoji): the queue after a restart."""
        return await self.db.fetchall(
            "SELECT s.poll_id, p.channel_id, p.message_id, s.user_id, s.emoji"
            " FROM poll_stale_reactions s JOIN polls p ON p.id = s.poll_id"
            " WHERE p.message_id IS NOT NULL ORDER BY s.queued_at, s.rowid"
        )

    async def removed(self, poll_id: int, user_id: int, emoji: str) -> None:
        """Discord answered the removal (204, or 404: gone already): the row goes."""
        await self.db.execute(
            "DELETE FROM poll_stale_reactions WHERE poll_id = ? AND user_id = ? AND emoji = ?",
            (poll_id, user_id, emoji),
        )

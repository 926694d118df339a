"""SQL for polls and votes (`PollStore`). Methods take and return plain dataclasses (in
models.py). Finding polls for someone is `PollStore.lookup` (store_lookup.py), the queue
of stale reactions `PollStore.stale` (store_reactions.py), and the reads for insights are
in store_insights.py."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping

from cogs.polls.logic import Key, Votes
from cogs.polls.models import NewPoll, Poll, StaleKey, on_close_json, poll_from_row
from cogs.polls.store_lookup import PollLookup
from cogs.polls.store_reactions import StaleReactions
from core.store import Store, Tx


class PollStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.lookup = PollLookup(store)
        self.stale = StaleReactions(store)

    # -- polls ------------------------------------------------------------------------

    async def create_pending(self, new: NewPoll, now: float) -> int:
        """A poll row before its message exists; `activate` or `discard` it next."""
        return await self.store.insert(
            "INSERT INTO polls (guild_id, channel_id, group_id, creator_id, question, options,"
            " multiple, max_choices, hide_results, closes_at, created_at, on_close, nudge_hours,"
            " presentation, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
            (
                new.guild_id, new.channel_id, new.group_id, new.creator_id, new.question,
                json.dumps(new.options), int(new.multiple), new.max_choices,
                int(new.hide_results), new.closes_at, now, on_close_json(new.on_close),
                new.nudge_hours, new.presentation.to_json(),
            ),
        )  # fmt: skip

    async def activate(self, poll_id: int, message_id: int, tx: Tx | None = None) -> None:
        await (tx or self.store).execute(
            "UPDATE polls SET message_id = ?, status = 'open' WHERE id = ?", (message_id, poll_id)
        )

    # -- keyed creation (a request id written before the message is posted) ----------------

    async def create_keyed(self, new: NewPoll, now: float, request_id: str) -> int:
        """`create_pending` under a request id, not `ready` until its reactions are all
        added; the existing row's id if the request was made before."""
        async with self.store.transaction() as tx:
            row = await tx.fetchone("SELECT id FROM polls WHERE request_id = ?", (request_id,))
            if row is not None:
                return int(row[0])
            return await tx.insert(
                "INSERT INTO polls (guild_id, channel_id, group_id, creator_id, question, options,"
                " multiple, max_choices, hide_results, closes_at, created_at, on_close,"
                " nudge_hours, presentation, status, request_id, ready)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0)",
                (
                    new.guild_id, new.channel_id, new.group_id, new.creator_id, new.question,
                    json.dumps(new.options), int(new.multiple), new.max_choices,
                    int(new.hide_results), new.closes_at, now, on_close_json(new.on_close),
                    new.nudge_hours, new.presentation.to_json(), request_id,
                ),
            )  # fmt: skip

    async def is_ready(self, poll_id: int) -> bool:
        return bool(await self.store.fetchval("SELECT ready FROM polls WHERE id = ?", (poll_id,)))

    async def mark_ready(self, poll_id: int) -> None:
        await self.store.execute("UPDATE polls SET ready = 1 WHERE id = ?", (poll_id,))

    async def discard(self, poll_id: int) -> None:
        await self.store.execute("DELETE FROM polls WHERE id = ?", (poll_id,))
        self.lookup.forget_closed()

    async def discard_stale_pending(self) -> int:
        """Rows left by a creation interrupted by a crash."""
        return await self.store.execute("DELETE FROM polls WHERE status = 'pending'")

    async def get(self, poll_id: int) -> Poll | None:
        row = await self.store.fetchone("SELECT * FROM polls WHERE id = ?", (poll_id,))
        return poll_from_row(row) if row else None

    async def by_message(self, message_id: int) -> Poll | None:
        row = await self.store.fetchone("SELECT * FROM polls WHERE message_id = ?", (message_id,))
        return poll_from_row(row) if row else None

    async def open_polls(self) -> list[Poll]:
        rows = await self.store.fetchall("SELECT * FROM polls WHERE status = 'open' ORDER BY id")
        return [poll_from_row(r) for r in rows]

    async def mark_closed(
        self, poll_id: int, now: float, also: Callable[[Tx], Awaitable[object]] | None = None
    ) -> bool:
        """Open -> closed; False if it was already closed. `also` runs in the same
        transaction (the on_close job is scheduled there, so a crash can't lose it)."""
        self.lookup.forget_closed()  # before and after: a search in between isn't kept
        try:
            async with self.store.transaction() as tx:
                cursor = await tx.execute(
                    "UPDATE polls SET status = 'closed', closed_at = ?"
                    " WHERE id = ? AND status = 'open'",
                    (now, poll_id),
                )
                if cursor.rowcount == 0:
                    return False
                if also is not None:
                    await also(tx)
        finally:
            self.lookup.forget_closed()
        return True

    # -- votes ------------------------------------------------------------------------

    async def votes(self, poll_id: int) -> Votes:
        rows = await self.store.fetchall(
            "SELECT user_id, option FROM poll_votes WHERE poll_id = ? ORDER BY voted_at, rowid",
            (poll_id,),
        )
        votes: Votes = {}
        for row in rows:
            votes.setdefault(row["user_id"], []).append(row["option"])
        return votes

    async def write_votes(
        self,
        poll_id: int,
        votes: Votes,
        touched: Iterable[Key],
        now: float,
        stale: Mapping[StaleKey, bool] | None = None,
    ) -> None:
        """Make the stored state of every touched (user, option) equal `votes`, and of every
        (user, emoji) in `stale` its flag (True: a stale reaction to remove, False: none),
        in one transaction: a vote and the reactions it made stale are stored together."""
        present, absent = [], []
        for user_id, option in touched:
            if option in votes.get(user_id, ()):
                present.append((poll_id, user_id, option, now))
            else:
                absent.append((poll_id, user_id, option))
        stale = stale or {}
        add = [(poll_id, u, e, now) for (u, e), flag in stale.items() if flag]
        drop = [(poll_id, u, e) for (u, e), flag in stale.items() if not flag]
        if not (present or absent or add or drop):
            return
        async with self.store.transaction() as tx:
            if absent:
                await tx.executemany(
                    "DELETE FROM poll_votes WHERE poll_id = ? AND user_id = ? AND option = ?",
                    absent,
                )
            if present:
                await tx.executemany(
                    "INSERT OR IGNORE INTO poll_votes (poll_id, user_id, option, voted_at)"
                    " VALUES (?, ?, ?, ?)",
                    present,
                )
            if drop:
                await tx.executemany(
                    "DELETE FROM poll_stale_reactions"
                    " WHERE poll_id = ? AND user_id = ? AND emoji = ?",
                    drop,
                )
            if add:
                await tx.executemany(
                    "INSERT OR IGNORE INTO poll_stale_reactions"
                    " (poll_id, user_id, emoji, queued_at) VALUES (?, ?, ?, ?)",
                    add,
                )

    async def counts(self, poll_id: int, option_count: int) -> list[int]:
        rows = await self.store.fetchall(
            "SELECT option, COUNT(*) AS n FROM poll_votes WHERE poll_id = ? GROUP BY option",
            (poll_id,),
        )
        counts = [0] * option_count
        for row in rows:
            if 0 <= row["option"] < option_count:
                counts[row["option"]] = row["n"]
        return counts

"""The events store's find-a-time polls, and which messages are open ones (kept in memory:
every reaction on the server asks)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from cogs.events.models import FindTime
from core.once import is_marked, mark_once
from core.store import Store

# How long per-occurrence once-flags are kept (a job run again after a cut comes long
# before): older ones are pruned when a flag of their family is set.
FLAG_KEEP = 30 * 86400


class FindTimeStore:
    store: Store
    now: Callable[[], float]

    def __init__(self) -> None:
        # Message ids of open find-a-time polls: every reaction on the server asks whether
        # it is on one, so the answer must not cost a query. Reloaded after any change.
        self._open_findtime_messages: set[int] | None = None
        self._findtime_writes = 0
        # The one read under way, shared by every reaction that asks meanwhile (a burst
        # of reactions before the first answer must not become a query each): the count
        # of writes it started at, and the read.
        self._findtime_read: tuple[int, asyncio.Future[set[int]]] | None = None
        # Told (synchronously, before the write's caller goes on) of every change to the
        # find-a-time polls: the cog listens to reactions again.
        self.on_findtime_change: Callable[[], None] | None = None

    async def create_findtime(
        self,
        guild_id: int,
        group_id: int | None,
        title: str,
        slots: list[float],
        timezone: str,
        channel_id: int,
        closes_at: float,
        created_by: int,
        now: float,
    ) -> FindTime:
        poll_id = await self.store.insert(
            "INSERT INTO findtime_polls (guild_id, group_id, title, slots, timezone, channel_id,"
            " closes_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, group_id, title, json.dumps(slots), timezone, channel_id, closes_at,
             created_by, now),
        )  # fmt: skip
        poll = await self.get_findtime(poll_id)
        assert poll is not None
        return poll

    async def get_findtime(self, poll_id: int) -> FindTime | None:
        row = await self.store.fetchone("SELECT * FROM findtime_polls WHERE id = ?", (poll_id,))
        return FindTime.from_row(row) if row else None

    async def delete_findtime(self, poll_id: int) -> None:
        await self.store.execute("DELETE FROM findtime_polls WHERE id = ?", (poll_id,))
        self._findtime_changed()

    def _findtime_changed(self) -> None:
        self._findtime_writes += 1
        self._open_findtime_messages = None
        if self.on_findtime_change is not None:
            self.on_findtime_change()

    def knows_no_open_findtime(self) -> bool:
        """True when it is known, now, without a query, that no find-a-time poll is open
        (read since the last change, and none was)."""
        return self._open_findtime_messages is not None and not self._open_findtime_messages

    async def is_open_findtime_message(self, message_id: int) -> bool:
        """Whether this message is an open find-a-time poll, from memory after one query
        (one, also for the many reactions that ask while it is under way)."""
        found = self._open_findtime_messages
        if found is None:
            found = await self._read_open_findtime_messages()
        return message_id in found

    async def _read_open_findtime_messages(self) -> set[int]:
        writes = self._findtime_writes
        read = self._findtime_read
        if read is None or read[0] != writes:
            read = (writes, asyncio.ensure_future(self._select_open_findtime_messages()))
            self._findtime_read = read
        try:
            found = await asyncio.shield(read[1])
        finally:
            if self._findtime_read is read and read[1].done():
                self._findtime_read = None  # answered or failed: the next ask reads anew
        if writes == self._findtime_writes:  # changed while we read: don't keep it
            self._open_findtime_messages = found
        return found

    async def _select_open_findtime_messages(self) -> set[int]:
        rows = await self.store.fetchall(
            "SELECT message_id FROM findtime_polls WHERE status = 'open' AND message_id IS NOT NULL"
        )
        return {row["message_id"] for row in rows}

    async def findtime_by_message(self, guild_id: int, message_id: int) -> FindTime | None:
        """The open find-a-time poll posted as this message (index: guild, status)."""
        row = await self.store.fetchone(
            "SELECT * FROM findtime_polls WHERE guild_id = ? AND status = 'open'"
            " AND message_id = ?",
            (guild_id, message_id),
        )
        return FindTime.from_row(row) if row else None

    async def mark_findtime_announced(self, poll_id: int) -> bool:
        """The close's result post went out: True the first time (a retried close job
        posts it once)."""
        key = f"events.findtime_announced:{poll_id}"
        return await mark_once(self.store, key, self.now(), keep=FLAG_KEEP)

    async def findtime_announced(self, poll_id: int) -> bool:
        return await is_marked(self.store, f"events.findtime_announced:{poll_id}")

    async def set_findtime_message(self, poll_id: int, message_id: int) -> None:
        await self.store.execute(
            "UPDATE findtime_polls SET message_id = ? WHERE id = ?", (message_id, poll_id)
        )
        self._findtime_changed()

    async def close_findtime(self, poll_id: int, best_slot: float | None, votes: int) -> bool:
        """Closes an open poll; False when it was already closed (a repeated job)."""
        changed = await self.store.execute(
            "UPDATE findtime_polls SET status = 'closed', best_slot = ?, votes = ?"
            " WHERE id = ? AND status = 'open'",
            (best_slot, votes, poll_id),
        )
        self._findtime_changed()
        return changed > 0

    async def claim_findtime(self, poll_id: int) -> bool:
        """The first press of "Create event" wins; later presses are refused."""
        changed = await self.store.execute(
            "UPDATE findtime_polls SET status = 'used' WHERE id = ? AND status = 'closed'",
            (poll_id,),
        )
        return changed > 0

    async def finish_findtime(self, poll_id: int, event_id: int | None) -> None:
        status = "used" if event_id else "closed"
        await self.store.execute(
            "UPDATE findtime_polls SET status = ?, event_id = ? WHERE id = ?",
            (status, event_id, poll_id),
        )

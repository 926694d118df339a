"""The events feature's SQL. Methods take and return plain records."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cogs.events.logic import Rsvp, RsvpOutcome, apply_rsvp, promotions
from cogs.events.models import Event, EventDraft, FindTime
from cogs.events.store_insights import attendance_rows, last_answers
from cogs.groups import api as groups
from core.once import is_marked, mark_once
from core.store import Store, Tx

__all__ = ["EDITABLE", "EventDraft", "EventStore", "attendance_rows", "last_answers"]

EDITABLE = frozenset(
    {
        "title", "description", "location", "voice_channel_id", "start_at", "end_at",
        "remind", "capacity", "channel_id", "message_id", "scheduled_event_id", "status", "rrule",
        "series_start", "occurrence_at",
    }
)  # fmt: skip
# The columns a calendar shows: changing one bumps the event's SEQUENCE and LAST-MODIFIED.
SHOWN_IN_CALENDARS = frozenset(
    {
        "title", "description", "location", "voice_channel_id", "start_at", "end_at",
        "channel_id", "message_id", "status", "rrule", "series_start", "occurrence_at",
    }
)  # fmt: skip


# How long per-occurrence once-flags are kept (a job run again after a cut comes long
# before): older ones are pruned when a flag of their family is set.
FLAG_KEEP = 30 * 86400


class EventStore:
    def __init__(self, store: Store, now: Callable[[], float] = time.time) -> None:
        self.store = store
        self.now = now  # the bot's clock: when a change happened (LAST-MODIFIED)
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

    # -- events ---------------------------------------------------------------------------

    async def create(self, draft: EventDraft, now: float) -> Event:
        series_start = draft.start_at if draft.rrule else None
        values = dict(draft.__dict__, created_at=now, updated_at=now, series_start=series_start)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        event_id = await self.store.insert(
            f"INSERT INTO events ({columns}) VALUES ({marks})", tuple(values.values())
        )
        event = await self.get(event_id)
        assert event is not None
        return event

    async def create_keyed(self, draft: EventDraft, now: float, request_id: str) -> Event:
        """`create` under a request id (not `armed` yet); the existing event if the request
        was made before."""
        async with self.store.transaction() as tx:
            row = await tx.fetchone("SELECT id FROM events WHERE request_id = ?", (request_id,))
            if row is not None:
                event_id = int(row[0])
            else:
                values = dict(draft.__dict__, created_at=now, request_id=request_id, armed=0)
                columns = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                event_id = await tx.insert(
                    f"INSERT INTO events ({columns}) VALUES ({marks})", tuple(values.values())
                )
        event = await self.get(event_id)
        assert event is not None
        return event

    async def is_armed(self, event_id: int) -> bool:
        return bool(await self.store.fetchval("SELECT armed FROM events WHERE id = ?", (event_id,)))

    async def mark_armed(self, event_id: int) -> None:
        await self.store.execute("UPDATE events SET armed = 1 WHERE id = ?", (event_id,))

    async def get(self, event_id: int) -> Event | None:
        row = await self.store.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))
        return Event.from_row(row) if row else None

    async def delete(self, event_id: int) -> None:
        await self.store.execute("DELETE FROM events WHERE id = ?", (event_id,))

    async def find(
        self, guild_id: int, text: str, now: float = 0.0, viewer: groups.Viewer | None = None
    ) -> Event | None:
        """By id (an autocomplete value) or exact title (case-insensitive), preferring a
        scheduled event that has not ended (the soonest), then the latest past one.
        `viewer`: only events they may see (a group is private), filtered in SQL."""
        text = text.strip()
        seen, seen_params = _visible(viewer)
        if text.isdigit():
            row = await self.store.fetchone(
                f"SELECT * FROM events WHERE id = ? AND guild_id = ? AND {seen}",
                (int(text), guild_id, *seen_params),
            )
            if row:
                return Event.from_row(row)
        row = await self.store.fetchone(
            "SELECT * FROM events WHERE guild_id = ? AND title = ? COLLATE NOCASE"
            f" AND {seen}"
            " ORDER BY status != 'scheduled', end_at <= ?,"
            " CASE WHEN end_at > ? THEN start_at ELSE -start_at END LIMIT 1",
            (guild_id, text, *seen_params, now, now),
        )
        return Event.from_row(row) if row else None

    async def upcoming(
        self,
        guild_id: int,
        now: float,
        group_id: int | None = None,
        limit: int = 100,
        viewer: groups.Viewer | None = None,
    ) -> list[Event]:
        seen, seen_params = _visible(viewer)
        sql = (
            "SELECT * FROM events WHERE guild_id = ? AND status = 'scheduled' AND end_at > ?"
            f" AND {seen}"
        )
        params: list[Any] = [guild_id, now, *seen_params]
        if group_id is not None:
            sql += " AND group_id = ?"
            params.append(group_id)
        rows = await self.store.fetchall(sql + " ORDER BY start_at, id LIMIT ?", (*params, limit))
        return [Event.from_row(r) for r in rows]

    async def count_upcoming(
        self, guild_id: int, now: float, group_id: int | None, viewer: groups.Viewer | None
    ) -> int:
        seen, seen_params = _visible(viewer)
        sql = (
            "SELECT COUNT(*) FROM events WHERE guild_id = ? AND status = 'scheduled'"
            f" AND end_at > ? AND {seen}"
        )
        params: list[Any] = [guild_id, now, *seen_params]
        if group_id is not None:
            sql += " AND group_id = ?"
            params.append(group_id)
        return int(await self.store.fetchval(sql, params) or 0)

    async def search(
        self,
        guild_id: int,
        current: str,
        now: float,
        limit: int = 25,
        viewer: groups.Viewer | None = None,
    ) -> list[Event]:
        seen, seen_params = _visible(viewer)
        rows = await self.store.fetchall(
            "SELECT * FROM events WHERE guild_id = ? AND status = 'scheduled' AND end_at > ?"
            f" AND title LIKE ? AND {seen} ORDER BY start_at, id LIMIT ?",
            (guild_id, now, f"%{current.strip()}%", *seen_params, limit),
        )
        return [Event.from_row(r) for r in rows]

    async def group_events_with_scheduled(self) -> list[Event]:
        """Group events that have a Discord scheduled event (the one-off clean-up of
        server-wide scheduled events of group events), by id."""
        rows = await self.store.fetchall(
            "SELECT * FROM events WHERE group_id IS NOT NULL AND scheduled_event_id IS NOT NULL"
            " ORDER BY guild_id, id"
        )
        return [Event.from_row(r) for r in rows]

    async def update(self, event_id: int, **fields: Any) -> Event:
        unknown = set(fields) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            values = list(fields.values())
            if fields.keys() & SHOWN_IN_CALENDARS:
                assignments += ", sequence = sequence + 1, updated_at = ?"
                values.append(self.now())
            if fields.get("status") == "cancelled":
                assignments += ", cancelled_at = ?"
                values.append(self.now())
            await self.store.execute(
                f"UPDATE events SET {assignments} WHERE id = ?", (*values, event_id)
            )
        event = await self.get(event_id)
        assert event is not None
        return event

    async def mark_ended(self, event_id: int) -> Event | None:
        """A one-off event is over: 'scheduled' becomes 'ended' (an ended event stays so;
        a cancelled one stays cancelled). Returns the event as it now is."""
        await self.store.execute(
            "UPDATE events SET status = 'ended', sequence = sequence + 1, updated_at = ?"
            " WHERE id = ? AND status = 'scheduled'",
            (self.now(), event_id),
        )
        return await self.get(event_id)

    async def move_occurrence(
        self, event_id: int, start_at: float, end_at: float, slot_at: float | None = None
    ) -> Event:
        """The series moves to its next occurrence (`slot_at`: the rule's time of it when
        that meeting was moved): new times, answers start afresh."""
        occurrence_at = None if slot_at is None or abs(slot_at - start_at) < 1 else slot_at
        async with self.store.transaction() as tx:
            await tx.execute(
                "UPDATE events SET start_at = ?, end_at = ?, occurrence_at = ?,"
                " sequence = sequence + 1, updated_at = ? WHERE id = ?",
                (start_at, end_at, occurrence_at, self.now(), event_id),
            )
            await tx.execute("DELETE FROM event_rsvps WHERE event_id = ?", (event_id,))
        event = await self.get(event_id)
        assert event is not None
        return event

    # -- RSVPs ----------------------------------------------------------------------------

    async def rsvps(self, event_id: int) -> list[Rsvp]:
        rows = await self.store.fetchall(
            "SELECT user_id, status, seq, display_name FROM event_rsvps WHERE event_id = ?"
            " ORDER BY seq",
            (event_id,),
        )
        return [_rsvp(r) for r in rows]

    async def rsvps_of(self, event_ids: list[int]) -> dict[int, list[Rsvp]]:
        """The answers of many events in one query (event id -> answers in order)."""
        found: dict[int, list[Rsvp]] = {event_id: [] for event_id in event_ids}
        if not event_ids:
            return found
        marks = ", ".join("?" for _ in event_ids)
        rows = await self.store.fetchall(
            "SELECT event_id, user_id, status, seq, display_name FROM event_rsvps"
            f" WHERE event_id IN ({marks}) ORDER BY seq",
            tuple(event_ids),
        )
        for row in rows:
            found[row["event_id"]].append(_rsvp(row))
        return found

    async def answer(
        self, event_id: int, user_id: int, status: str, name: str, now: float
    ) -> RsvpOutcome:
        """Record an answer and move the waitlist up, all in one transaction."""
        async with self.store.transaction() as tx:
            capacity = await _capacity(tx, event_id)
            current = await _rsvps_tx(tx, event_id)
            outcome = apply_rsvp(current, user_id, status, capacity, name)
            await _write(tx, event_id, outcome.changed, now)
        return outcome

    async def fill_free_seats(self, event_id: int, now: float) -> list[int]:
        """After capacity grew: waitlisted members move up. Returns who did."""
        async with self.store.transaction() as tx:
            capacity = await _capacity(tx, event_id)
            moved = [
                replace(r, status="going")
                for r in promotions(await _rsvps_tx(tx, event_id), capacity)
            ]
            await _write(tx, event_id, moved, now)
        return [r.user_id for r in moved]

    # -- find-time polls ------------------------------------------------------------------

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


def _visible(viewer: groups.Viewer | None) -> tuple[str, tuple[object, ...]]:
    """The one privacy filter (groups.api.visible_sql) for a viewer; none for the bot."""
    if viewer is None:
        return "1 = 1", ()
    return groups.visible_sql(viewer, "group_id")


def _rsvp(row: Any) -> Rsvp:
    return Rsvp(row["user_id"], row["status"], row["seq"], row["display_name"])


async def _capacity(tx: Tx, event_id: int) -> int | None:
    row = await tx.fetchone("SELECT capacity FROM events WHERE id = ?", (event_id,))
    return None if row is None else row["capacity"]


async def _rsvps_tx(tx: Tx, event_id: int) -> list[Rsvp]:
    rows = await tx.fetchall(
        "SELECT user_id, status, seq, display_name FROM event_rsvps WHERE event_id = ?",
        (event_id,),
    )
    return [_rsvp(r) for r in rows]


async def _write(tx: Tx, event_id: int, rows: list[Rsvp], now: float) -> None:
    await tx.executemany(
        "INSERT INTO event_rsvps (event_id, user_id, status, display_name, seq, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) DO UPDATE SET"
        " status = excluded.status, display_name = excluded.display_name, seq = excluded.seq,"
        " answered_at = excluded.answered_at",
        [(event_id, r.user_id, r.status, r.display_name, r.seq, now) for r in rows],
    )

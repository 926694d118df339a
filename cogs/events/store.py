"""The events feature's SQL. Methods take and return plain records.

By subject: events here, answers in store_rsvps.py, find-a-time polls in store_findtime.py,
calendar feeds and moved meetings in store_calendar.py, who came in store_attendance.py,
insights' reads in store_insights.py."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from cogs.events.models import Event, EventDraft
from cogs.events.store_findtime import FLAG_KEEP, FindTimeStore
from cogs.events.store_insights import attendance_rows, last_answers
from cogs.events.store_rsvps import RsvpStore
from cogs.groups import api as groups
from core.store import Store

__all__ = [
    "EDITABLE",
    "FLAG_KEEP",
    "EventDraft",
    "EventStore",
    "attendance_rows",
    "last_answers",
]

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


class EventStore(FindTimeStore, RsvpStore):
    """Events themselves here; their answers in store_rsvps.py, find-a-time polls in
    store_findtime.py."""

    def __init__(self, store: Store, now: Callable[[], float] = time.time) -> None:
        self.store = store
        self.now = now  # the bot's clock: when a change happened (LAST-MODIFIED)
        super().__init__()

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


def _visible(viewer: groups.Viewer | None) -> tuple[str, tuple[object, ...]]:
    """The one privacy filter (groups.api.visible_sql) for a viewer; none for the bot."""
    if viewer is None:
        return "1 = 1", ()
    return groups.visible_sql(viewer, "group_id")

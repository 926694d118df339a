"""Calendars of events: the `/event export` file and a member's feed, built the same way
(ics.py) from the same reads, so they agree on every skipped and moved meeting.

A feed shows what `/event list` shows the member (the one privacy filter, their viewer),
from 30 days ago to a year ahead, cancelled events for 30 days after the cancel, and the
member's own answers. Its ETag is a fingerprint of what it would show (two aggregate
queries), so a calendar app's poll of an unchanged feed costs no build (and the web side
keeps the last body per link, for apps that poll without If-None-Match)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cogs.events import store_calendar
from cogs.events.logic import STATUS_LABELS
from cogs.events.models import Event
from cogs.groups import api as groups
from core.store import Store

PAST = 30 * 86400
AHEAD = 365 * 86400
REFRESH_HOURS = 1  # what the feed asks calendar apps (Google and Outlook poll as they like)
FORMAT = "huddle-feed-1"  # part of the ETag: a new layout changes every tag


@dataclass(frozen=True)
class FeedTag:
    etag: str  # quoted, as sent in the header
    last_modified: float  # epoch seconds


async def export_calendar(store: Store, events: Sequence[Event], now: float, name: str) -> bytes:
    """The `.ics` file of `/event export`: the given (upcoming) events with their skipped
    and moved meetings."""
    from cogs.events import ics  # icalendar (~3 MB) only once someone asks for a calendar

    changes = await store_calendar.occurrence_changes(store, [e.id for e in events])
    entries = [ics.CalendarEntry(e, tuple(changes[e.id])) for e in events]
    return ics.build_calendar(entries, now, name=name)


def window(now: float) -> tuple[float, float]:
    return now - PAST, now + AHEAD


async def feed_tag(store: Store, viewer: groups.Viewer, now: float) -> FeedTag:
    """The feed's ETag and Last-Modified without building it. The day is part of the tag:
    the window moves and cancelled events drop out as days pass."""
    since, until = window(now)
    found = await store_calendar.feed_fingerprint(store, viewer, since, until, now)
    seed = repr(
        (FORMAT, viewer.guild_id, viewer.user_id, viewer.sees_every_group, int(now // 86400), found)
    )
    digest = hashlib.sha256(seed.encode()).hexdigest()[:32]
    last = max(float(found[3] or 0), float(found[6] or 0))  # type: ignore[arg-type]
    return FeedTag(f'"{digest}"', last)


async def member_feed(store: Store, viewer: groups.Viewer, now: float, name: str) -> bytes:
    """The member's calendar: every event they may see in the window, with their answer."""
    from cogs.events import ics

    since, until = window(now)
    events = await store_calendar.feed_events(store, viewer, since, until, now)
    changes = await store_calendar.occurrence_changes(store, [e.id for e in events if e.recurring])
    answers = await store_calendar.answers_of(store, viewer.guild_id, viewer.user_id)
    entries = [
        ics.CalendarEntry(
            e,
            tuple(changes.get(e.id, ())),
            STATUS_LABELS.get(answers[e.id]) if e.id in answers else None,
        )
        for e in events
    ]
    # The text is pure work on plain records: in a thread, so a big feed (~0.1 s for 2,000
    # events) never holds up the event loop (votes, the gateway heartbeat) in one piece.
    return await asyncio.to_thread(
        ics.build_calendar, entries, now, name=name, since=since, refresh_hours=REFRESH_HOURS
    )

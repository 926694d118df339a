"""`.ics` export: every DTSTART/DTEND carries its IANA TZID (or is UTC) — never floating.

No VTIMEZONE blocks: their own DTSTART lines must be written in floating local time
(RFC 5545 §3.6.5), which reads like a floating time to anyone scanning the file; calendar
apps resolve IANA TZIDs by name (as RFC 7809 allows)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import icalendar
from icalendar.prop import vRecur

from cogs.events.models import Event
from core.timeparse import get_zone


def _aware(epoch: float, zone: str) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC).astimezone(get_zone(zone))


def event_component(event: Event, now: float, domain: str = "huddle") -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", f"event-{event.id}-{event.guild_id}@{domain}")
    component.add("dtstamp", datetime.fromtimestamp(now, tz=UTC))
    component.add("dtstart", _aware(event.start_at, event.timezone))
    component.add("dtend", _aware(event.end_at, event.timezone))
    component.add("summary", event.title)
    if event.location_text:
        component.add("location", event.location_text)
    if event.description:
        component.add("description", event.description)
    if event.rrule:
        component.add("rrule", vRecur.from_ical(event.rrule))
    return component


def build_calendar(events: Iterable[Event], now: float, name: str = "Huddle events") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Huddle//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event_component(event, now))
    return calendar.to_ical()

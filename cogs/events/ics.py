"""iCalendar for `/event export` and the calendar feed (one builder, so they agree).

Every DTSTART/DTEND carries its IANA TZID (or is UTC) and every TZID used has its
VTIMEZONE block (RFC 5545 §3.6.5): without one, Thunderbird (Mozilla's ical.js) reads the
time as floating, a 19:00 Berlin meeting at 19:00 in every reader's own zone. A series is
one RRULE from the first meeting the calendar shows, with an EXDATE per skipped meeting
and a RECURRENCE-ID override per moved one. DTSTAMP is the event's last change (RFC 5545
§3.8.7.2, a calendar without METHOD), so an unchanged event reads the same every time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import icalendar
from icalendar.prop import vRecur

from cogs.events.models import Event, OccurrenceChange
from cogs.events.series import calendar_anchor
from core.timeparse import get_zone

# The span the VTIMEZONE blocks cover (icalendar lists each transition): wide enough for
# any RRULE a reader expands.
ZONES_FROM, ZONES_UNTIL = date(2000, 1, 1), date(2038, 1, 1)
STATUS = {"scheduled": "CONFIRMED", "ended": "CONFIRMED", "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class CalendarEntry:
    """An event as one calendar shows it: its changed meetings, and the reader's answer."""

    event: Event
    changes: tuple[OccurrenceChange, ...] = ()
    answer: str | None = None  # e.g. "Going" (the calendar feed: the member's own)


def _aware(epoch: float, zone: str) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC).astimezone(get_zone(zone))


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def uid_of(event: Event, domain: str = "huddle") -> str:
    return f"event-{event.id}-{event.guild_id}@{domain}"


def _description(entry: CalendarEntry) -> str:
    event = entry.event
    parts = [event.description] if event.description else []
    if entry.answer:
        which = " (next meeting)" if event.recurring else ""
        parts.append(f"Your answer{which}: {entry.answer}")
    if event.message_id:
        parts.append(f"On Discord: {event.link()}")
    return "\n\n".join(parts)


def _common(component: icalendar.Event, entry: CalendarEntry, changed: float) -> None:
    event = entry.event
    component.add("uid", uid_of(event))
    component.add("dtstamp", _utc(changed))
    component.add("last-modified", _utc(changed))
    component.add("created", _utc(event.created_at))
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    component.add("status", STATUS.get(event.status, "CONFIRMED"))
    if event.location_text:
        component.add("location", event.location_text)
    description = _description(entry)
    if description:
        component.add("description", description)
    if event.message_id:
        component.add("url", event.link())


def event_components(entry: CalendarEntry, since: float) -> list[icalendar.Event]:
    """The master VEVENT and, for a series, one override per moved meeting. `since`: the
    calendar's first moment (a series starts at its first meeting not over by then)."""
    event = entry.event
    changed = event.updated_at if event.updated_at is not None else event.created_at
    master = icalendar.Event()
    _common(master, entry, changed)
    if not event.recurring:
        master.add("dtstart", _aware(event.start_at, event.timezone))
        master.add("dtend", _aware(event.end_at, event.timezone))
        return [master]
    anchor = calendar_anchor(event, since)
    master.add("dtstart", _aware(anchor, event.timezone))
    master.add("dtend", _aware(anchor + event.duration, event.timezone))
    master.add("rrule", vRecur.from_ical(event.rrule or ""))
    shown = sorted((c for c in entry.changes if c.slot_at >= anchor - 1), key=lambda c: c.slot_at)
    skipped = [_aware(c.slot_at, event.timezone) for c in shown if c.status == "skipped"]
    if skipped:
        master.add("exdate", skipped)
    components = [master]
    for change in shown:
        if change.status != "moved" or change.start_at is None or change.end_at is None:
            continue
        moved = icalendar.Event()
        _common(moved, entry, max(changed, change.changed_at))
        moved.add("recurrence-id", _aware(change.slot_at, event.timezone))
        moved.add("dtstart", _aware(change.start_at, event.timezone))
        moved.add("dtend", _aware(change.end_at, event.timezone))
        components.append(moved)
    return components


@lru_cache(maxsize=64)
def _zone_ical(tzid: str) -> bytes:
    """The zone's VTIMEZONE with one RDATE line per transition: ical.js reads only the
    first value of a multi-valued RDATE (found by the two-parser check), and would put
    every later summer in winter time."""
    zone = icalendar.Timezone.from_tzid(tzid, first_date=ZONES_FROM, last_date=ZONES_UNTIL)
    for observance in zone.subcomponents:
        listed = observance.pop("RDATE", None)
        if listed is None:
            continue
        for prop in listed if isinstance(listed, list) else [listed]:
            for moment in prop.dts:
                observance.add("rdate", moment.dt)
    return zone.to_ical()


def _add_timezones(calendar: icalendar.Calendar) -> None:
    """A VTIMEZONE for every TZID used (what `Calendar.add_missing_timezones` does; each
    zone's block is made once per process, as a feed is rebuilt often)."""
    zones = [
        icalendar.Timezone.from_ical(_zone_ical(tzid))
        for tzid in sorted(calendar.get_missing_tzids())
    ]
    calendar.subcomponents[:0] = zones  # before the events that name them


def build_calendar(
    entries: Iterable[CalendarEntry | Event],
    now: float,
    name: str = "Huddle events",
    since: float | None = None,
    refresh_hours: int | None = None,
) -> bytes:
    """The calendar's text. `since`: its first moment (default `now`: upcoming only)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Huddle//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if refresh_hours:
        calendar.add("refresh-interval", timedelta(hours=refresh_hours), {"VALUE": "DURATION"})
        calendar.add("x-published-ttl", f"PT{refresh_hours}H")
    start = now if since is None else since
    for entry in entries:
        # (by shape, not class: a reloaded extension brings a second CalendarEntry class)
        item = entry if hasattr(entry, "event") else CalendarEntry(entry)  # type: ignore[arg-type]
        for component in event_components(item, start):
            calendar.add_component(component)
    _add_timezones(calendar)
    return calendar.to_ical()

"""iCalendar for `/event export` and the calendar feed (one builder, so they agree).

Every DTSTART/DTEND carries its IANA TZID (or is UTC) and every TZID used has its
VTIMEZONE block (RFC 5545 §3.6.5): without one, Thunderbird (Mozilla's ical.js) reads the
time as floating, a 19:00 Berlin meeting at 19:00 in every reader's own zone. A series is
one RRULE from the first meeting the calendar shows, with an EXDATE per skipped meeting
and a RECURRENCE-ID override per moved one. DTSTAMP is the event's last change (RFC 5545
§3.8.7.2, a calendar without METHOD), so an unchanged event reads the same every time.

The VEVENTs are written here directly (escaping, folding): the `icalendar` object model
took ~1 s for a 2,000-event feed (tests/bench/bench_feed.py); `icalendar` still makes the
VTIMEZONE blocks (once per zone per process) and the tests read everything back with two
independent parsers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import cast

from cogs.events.models import Event, OccurrenceChange
from cogs.events.series import calendar_anchor
from core.timeparse import get_zone

# The span the VTIMEZONE blocks cover (icalendar lists each transition): wide enough for
# any RRULE a reader expands.
ZONES_FROM, ZONES_UNTIL = date(2000, 1, 1), date(2038, 1, 1)
STATUS = {"scheduled": "CONFIRMED", "ended": "CONFIRMED", "cancelled": "CANCELLED"}
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"})


@dataclass(frozen=True)
class CalendarEntry:
    """An event as one calendar shows it: its changed meetings, and the reader's answer."""

    event: Event
    changes: tuple[OccurrenceChange, ...] = ()
    answer: str | None = None  # e.g. "Going" (the calendar feed: the member's own)


def uid_of(event: Event, domain: str = "huddle") -> str:
    return f"event-{event.id}-{event.guild_id}@{domain}"


# -- writing values ---------------------------------------------------------------------------


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF + space (§3.1), never splitting a
    UTF-8 character."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, begin, limit = [], 0, 75
    while len(raw) - begin > limit:
        cut = begin + limit
        while raw[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        parts.append(raw[begin:cut])
        begin, limit = cut, 74  # a continuation line starts with its space
    parts.append(raw[begin:])
    return b"\r\n ".join(parts).decode()


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, epoch: float, zone: str) -> str:
    """`DTSTART;TZID=Europe/Berlin:20261203T190000`, or `DTSTART:20261203T180000Z`."""
    if zone in UTC_NAMES:
        return f"{name}:{_utc(epoch)}"
    local = datetime.fromtimestamp(epoch, tz=UTC).astimezone(get_zone(zone))
    return f"{name};TZID={zone}:{local.strftime('%Y%m%dT%H%M%S')}"


# -- events ---------------------------------------------------------------------------------


def _description(entry: CalendarEntry) -> str:
    event = entry.event
    parts = [event.description] if event.description else []
    if entry.answer:
        which = " (next meeting)" if event.recurring else ""
        parts.append(f"Your answer{which}: {entry.answer}")
    if event.message_id:
        parts.append(f"On Discord: {event.link()}")
    return "\n\n".join(parts)


def _common(entry: CalendarEntry, changed: float, description: str) -> list[str]:
    event = entry.event
    lines = [
        f"UID:{uid_of(event)}",
        f"DTSTAMP:{_utc(changed)}",
        f"LAST-MODIFIED:{_utc(changed)}",
        f"CREATED:{_utc(event.created_at)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{_text(event.title)}",
        f"STATUS:{STATUS.get(event.status, 'CONFIRMED')}",
    ]
    if event.location_text:
        lines.append(f"LOCATION:{_text(event.location_text)}")
    if description:
        lines.append(f"DESCRIPTION:{_text(description)}")
    if event.message_id:
        lines.append(f"URL:{event.link()}")
    return lines


def event_lines(entry: CalendarEntry, since: float) -> list[str]:
    """The master VEVENT and, for a series, one override per moved meeting (unfolded
    content lines). `since`: the calendar's first moment (a series starts at its first
    meeting not over by then)."""
    event = entry.event
    zone = event.timezone
    changed = event.updated_at if event.updated_at is not None else event.created_at
    description = _description(entry)
    lines = ["BEGIN:VEVENT", *_common(entry, changed, description)]
    if not event.recurring:
        lines += [_when("DTSTART", event.start_at, zone), _when("DTEND", event.end_at, zone)]
        return [*lines, "END:VEVENT"]
    anchor = calendar_anchor(event, since)
    lines += [
        _when("DTSTART", anchor, zone),
        _when("DTEND", anchor + event.duration, zone),
        f"RRULE:{event.rrule}",
    ]
    shown = sorted((c for c in entry.changes if c.slot_at >= anchor - 1), key=lambda c: c.slot_at)
    # One EXDATE line per date: not every reader takes a list (ical.js doesn't for RDATE).
    lines += [_when("EXDATE", c.slot_at, zone) for c in shown if c.status == "skipped"]
    lines.append("END:VEVENT")
    for change in shown:
        if change.status != "moved" or change.start_at is None or change.end_at is None:
            continue
        lines += [
            "BEGIN:VEVENT",
            *_common(entry, max(changed, change.changed_at), description),
            _when("RECURRENCE-ID", change.slot_at, zone),
            _when("DTSTART", change.start_at, zone),
            _when("DTEND", change.end_at, zone),
            "END:VEVENT",
        ]
    return lines


# -- time zones -----------------------------------------------------------------------------


@lru_cache(maxsize=64)
def zone_block(tzid: str) -> str:
    """The zone's VTIMEZONE (folded text, CRLF) with one RDATE line per transition:
    ical.js reads only the first value of a multi-valued RDATE (found by the two-parser
    check), and would put every later summer in winter time."""
    import icalendar  # ~3 MB: only once someone asks for a calendar

    zone = icalendar.Timezone.from_tzid(tzid, first_date=ZONES_FROM, last_date=ZONES_UNTIL)
    for observance in zone.subcomponents:
        listed = observance.pop("RDATE", None)
        if listed is None:
            continue
        for prop in listed if isinstance(listed, list) else [listed]:
            for moment in prop.dts:
                observance.add("rdate", moment.dt)
    return zone.to_ical().decode()


# -- the calendar ---------------------------------------------------------------------------


def build_calendar(
    entries: Iterable[CalendarEntry | Event],
    now: float,
    name: str = "Huddle events",
    since: float | None = None,
    refresh_hours: int | None = None,
) -> bytes:
    """The calendar's text. `since`: its first moment (default `now`: upcoming only)."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Huddle//Events//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
    ]
    if refresh_hours:
        head += [
            f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_hours}H",
            f"X-PUBLISHED-TTL:PT{refresh_hours}H",
        ]
    start = now if since is None else since
    body: list[str] = []
    zones: set[str] = set()
    for entry in entries:
        # (by shape, not class: a reloaded extension brings a second CalendarEntry class)
        item = cast(CalendarEntry, entry) if hasattr(entry, "event") else CalendarEntry(entry)
        if item.event.timezone not in UTC_NAMES:
            zones.add(item.event.timezone)
        body += event_lines(item, start)
    text = "\r\n".join(_fold(line) for line in head) + "\r\n"
    text += "".join(zone_block(zone) for zone in sorted(zones))
    text += "\r\n".join(_fold(line) for line in [*body, "END:VCALENDAR"]) + "\r\n"
    return text.encode()

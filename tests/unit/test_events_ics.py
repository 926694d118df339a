"""The .ics export: TZID or UTC times with a VTIMEZONE for every TZID (never floating);
RRULE for series; skipped and moved meetings; both parsers read the same times."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from cogs.events.ics import build_calendar
from cogs.events.models import Event
from cogs.events.recurrence import rule_for
from core.timeparse import localize, to_local


def make_event(
    event_id: int, start: datetime, zone: str, repeat: str = "none", **extra: object
) -> Event:
    start_at = localize(start, zone)
    values = dict(
        id=event_id, guild_id=1, group_id=None, title=f"Meetup {event_id}", description="Bring snacks",
        location="Cafe Nord", voice_channel_id=None, start_at=start_at, end_at=start_at + 5400,
        timezone=zone, repeat=repeat, rrule=rule_for(repeat, to_local(start_at, zone)), remind="3600",
        capacity=None, channel_id=5, message_id=6, scheduled_event_id=None, status="scheduled",
        created_by=7, created_at=0.0,
    )  # fmt: skip
    values.update(extra)
    return Event(**values)  # type: ignore[arg-type]


def test_export_round_trips_with_zones_and_rules() -> None:
    events = [
        make_event(1, datetime(2026, 12, 3, 19, 0), "America/New_York", "monthly"),
        make_event(2, datetime(2026, 12, 5, 18, 0), "Europe/Berlin", "biweekly"),
        make_event(3, datetime(2026, 12, 6, 10, 0), "UTC"),
    ]
    calendar = icalendar.Calendar.from_ical(build_calendar(events, now=1_800_000_000.0))
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 3
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {
        "America/New_York",
        "Europe/Berlin",
    }  # one block per TZID used, none for UTC
    zones = {str(v["DTSTART"].params.get("TZID")) for v in vevents}
    assert {"America/New_York", "Europe/Berlin"} <= zones
    by_uid = {str(v["UID"]): v for v in vevents}
    assert len(by_uid) == 3
    first = vevents[0]
    assert first["SUMMARY"] == "Meetup 1" and first["LOCATION"] == "Cafe Nord"
    assert first["DESCRIPTION"] == "Bring snacks\n\nOn Discord: https://discord.com/channels/1/5/6"
    assert first["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TH"
    assert vevents[1]["RRULE"].to_ical() == b"FREQ=WEEKLY;INTERVAL=2"
    assert "RRULE" not in vevents[2]
    for vevent in vevents:
        for name in ("DTSTART", "DTEND"):
            moment = vevent[name].dt
            assert moment.tzinfo is not None  # never floating
            assert moment.timestamp() in {e.start_at for e in events} | {e.end_at for e in events}


def test_export_text_names_tzid_or_utc() -> None:
    text = build_calendar(
        [make_event(1, datetime(2026, 12, 3, 19, 0), "Europe/Berlin")], 0.0
    ).decode()
    assert "DTSTART;TZID=Europe/Berlin:20261203T190000" in text
    utc = build_calendar([make_event(2, datetime(2026, 12, 3, 19, 0), "UTC")], 0.0).decode()
    assert "DTSTART:20261203T190000Z" in utc


def _change(event: Event, slot: datetime, status: str, moved_to: datetime | None = None):
    from cogs.events.models import OccurrenceChange

    slot_at = localize(slot, event.timezone)
    start = localize(moved_to, event.timezone) if moved_to else None
    return OccurrenceChange(
        event.id, slot_at, status, start, start + event.duration if start else None, 0.0
    )


def test_both_parsers_read_a_series_across_dst_with_a_skipped_and_a_moved_meeting() -> None:
    """Weekly Thursdays 19:00 Berlin across the end of DST (25 Oct 2026): 17:00Z before,
    18:00Z after; 15 Oct skipped, 29 Oct moved to Friday 30 Oct 20:00 (19:00Z)."""
    from cogs.events.ics import CalendarEntry
    from tests.support.calendars import both_parsers

    event = make_event(9, datetime(2026, 10, 1, 19, 0), "Europe/Berlin", "weekly")
    event = Event(**{**event.__dict__, "series_start": event.start_at})
    changes = (
        _change(event, datetime(2026, 10, 15, 19, 0), "skipped"),
        _change(event, datetime(2026, 10, 29, 19, 0), "moved", datetime(2026, 10, 30, 20, 0)),
    )
    data = build_calendar([CalendarEntry(event, changes)], now=event.start_at)
    since, until = datetime(2026, 9, 30, tzinfo=UTC), datetime(2026, 11, 6, tzinfo=UTC)
    starts = [o["start"] for o in both_parsers(data, since, until)]
    assert starts == [
        "2026-10-01T17:00:00.000Z",
        "2026-10-08T17:00:00.000Z",
        "2026-10-22T17:00:00.000Z",
        "2026-10-30T19:00:00.000Z",
        "2026-11-05T18:00:00.000Z",
    ]


def test_without_vtimezone_icaljs_reads_floating_time() -> None:
    """The defect this guards against: the same file minus its VTIMEZONE blocks is read
    by ical.js as floating (19:00 in the reader's zone, here UTC)."""
    from tests.support.calendars import icaljs_occurrences

    event = make_event(1, datetime(2026, 12, 3, 19, 0), "Europe/Berlin")
    calendar = icalendar.Calendar.from_ical(build_calendar([event], 0.0))
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    since, until = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC)
    (read,) = icaljs_occurrences(calendar.to_ical(), since, until)
    assert read["floating"] and read["start"] == "2026-12-03T19:00:00.000Z"
    (fixed,) = icaljs_occurrences(build_calendar([event], 0.0), since, until)
    assert not fixed["floating"] and fixed["start"] == "2026-12-03T18:00:00.000Z"

"""The .ics export: TZID or UTC times, never floating (no VTIMEZONE lines); RRULE for series."""

from __future__ import annotations

from datetime import datetime

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
    assert not calendar.walk("VTIMEZONE")
    zones = {str(v["DTSTART"].params.get("TZID")) for v in vevents}
    assert {"America/New_York", "Europe/Berlin"} <= zones
    by_uid = {str(v["UID"]): v for v in vevents}
    assert len(by_uid) == 3
    first = vevents[0]
    assert first["SUMMARY"] == "Meetup 1" and first["LOCATION"] == "Cafe Nord"
    assert first["DESCRIPTION"] == "Bring snacks"
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

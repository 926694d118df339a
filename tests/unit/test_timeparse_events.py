"""Reading `when` in several zones; past times and bad text give errors that explain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import UserError
from core.timeparse import localize, parse_moment, parse_offsets, parse_when, to_local

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()  # a Tuesday


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("2026-12-03 18:30", "UTC", utc(2026, 12, 3, 18, 30)),
        ("2026-12-03 18:30", "Europe/Berlin", utc(2026, 12, 3, 17, 30)),
        ("2026-12-03 18:30", "America/New_York", utc(2026, 12, 3, 23, 30)),
        ("2026-12-03T18:30", "Asia/Tokyo", utc(2026, 12, 3, 9, 30)),
        ("friday 7pm", "Europe/Berlin", utc(2026, 12, 4, 18, 0)),
        ("friday 7pm", "America/New_York", utc(2026, 12, 5, 0, 0)),
        ("tomorrow 18:00", "Asia/Tokyo", utc(2026, 12, 2, 9, 0)),
        ("tomorrow 18:00", "UTC", utc(2026, 12, 2, 18, 0)),
        ("in 2 hours", "America/New_York", NOW + 7200),
        ("3d", "UTC", NOW + 3 * 86400),
    ],
)
def test_when_is_read_in_the_zone(text: str, zone: str, expected: float) -> None:
    assert parse_when(text, zone, NOW) == expected


def test_past_time_says_what_was_understood() -> None:
    with pytest.raises(UserError) as caught:
        parse_when("2026-11-30 10:00", "UTC", NOW)
    assert f"<t:{int(utc(2026, 11, 30, 10))}:F>" in caught.value.message
    assert "past" in caught.value.message


def test_unreadable_text_and_unknown_zone_are_user_errors() -> None:
    with pytest.raises(UserError, match="couldn't read"):
        parse_moment("when pigs fly over", "UTC", NOW)
    with pytest.raises(UserError, match="not a time zone"):
        parse_when("friday 7pm", "Mars/Olympus", NOW)


def test_offsets() -> None:
    assert parse_offsets("1d,1h") == [86400, 3600]
    assert parse_offsets("1h, 1d, 1h") == [86400, 3600]
    assert parse_offsets("none") == []
    with pytest.raises(UserError):
        parse_offsets("soon")


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)),
    st.sampled_from(
        ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
    ),
)
def test_localize_round_trips_except_in_gaps(naive: datetime, zone: str) -> None:
    naive = naive.replace(second=0, microsecond=0)
    back = to_local(localize(naive, zone), zone)
    # Times that exist come back unchanged; a time in a DST gap moves forward by the gap.
    assert back == naive or (back > naive and (back - naive).total_seconds() <= 3600)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("19:00", "19:00"), ("7pm", "19:00"), ("7 PM", "19:00"), ("7:30 p.m.", "19:30"),
     ("noon", "12:00"), ("evening", "19:00"), ("9am", "09:00")],
)  # fmt: skip
def test_a_time_of_day_in_the_words_event_create_takes(text, expected):
    from core.timeparse import parse_clock

    assert parse_clock(text).strftime("%H:%M") == expected


@pytest.mark.parametrize("text", ["7", "friday 7pm", "in 2 hours", "7pm-9pm", "now", "blah"])
def test_not_a_time_of_day_is_refused(text):
    from core.timeparse import parse_clock

    with pytest.raises(UserError, match="not a time of day"):
        parse_clock(text)

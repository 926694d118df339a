"""Properties of `core.timeread.read_time` over random zones and moments (hypothesis),
plus refusals, alternatives and autocomplete previews that read back exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import UserError
from core.timeparse import parse_moment, parse_when, preview_choices
from core.timeread import read_time

ZONES = [
    "Pacific/Honolulu", "America/Los_Angeles", "America/Chicago", "America/New_York",
    "America/Sao_Paulo", "UTC", "Europe/London", "Europe/Berlin", "Africa/Cairo",
    "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Australia/Adelaide", "Australia/Sydney",
    "Pacific/Auckland", "Pacific/Tongatapu", "Pacific/Chatham",
]  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

moments = st.integers(
    min_value=int(datetime(2020, 1, 1, tzinfo=UTC).timestamp()),
    max_value=int(datetime(2035, 12, 31, tzinfo=UTC).timestamp()),
).map(float)
zones = st.sampled_from(ZONES)
clocks = st.tuples(st.integers(0, 23), st.sampled_from([0, 5, 15, 30, 45, 59]))


def local(epoch: float, zone: str) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC).astimezone(ZoneInfo(zone))


def exists(day: date, hour: int, minute: int, zone: str) -> bool:
    """False for a wall time in a DST gap (it does not exist that day)."""
    naive = datetime(day.year, day.month, day.day, hour, minute)
    back = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).astimezone(ZoneInfo(zone))
    return back.replace(tzinfo=None) == naive


@settings(max_examples=300, deadline=None)
@given(moments, zones, clocks)
def test_a_bare_clock_time_is_the_next_occurrence_at_that_wall_time(
    now: float, zone: str, clock: tuple[int, int]
) -> None:
    hour, minute = clock
    reading = read_time(f"{hour:02}:{minute:02}", zone, now)
    assert now < reading.start <= now + 25 * 3600  # 25: a day with a DST change
    got = local(reading.start, zone)
    today = local(now, zone).date()
    if exists(got.date(), hour, minute, zone):
        assert (got.hour, got.minute) == (hour, minute)
        assert got.date() in (today, today + timedelta(days=1))
        # it is the *next* one: the same wall time a day earlier is not ahead
        if got.date() == today + timedelta(days=1) and exists(today, hour, minute, zone):
            earlier = datetime(today.year, today.month, today.day, hour, minute)
            assert earlier.replace(tzinfo=ZoneInfo(zone), fold=0).timestamp() <= now
    else:  # in a DST gap: moved forward by the gap
        assert got.replace(tzinfo=None) > datetime.combine(got.date(), datetime.min.time())


@settings(max_examples=300, deadline=None)
@given(moments, zones, st.integers(1, 12), st.sampled_from(["am", "pm"]))
def test_am_pm_clock_time_is_within_24_hours(now: float, zone: str, h: int, ap: str) -> None:
    reading = read_time(f"{h}{ap}", zone, now)
    assert now < reading.start <= now + 25 * 3600
    expected = h % 12 + (12 if ap == "pm" else 0)
    got = local(reading.start, zone)
    if exists(got.date(), expected, 0, zone):
        assert (got.hour, got.minute) == (expected, 0)


@settings(max_examples=300, deadline=None)
@given(moments, zones, clocks)
def test_tomorrow_at_t_is_the_next_calendar_day_at_wall_time_t(
    now: float, zone: str, clock: tuple[int, int]
) -> None:
    hour, minute = clock
    reading = read_time(f"tomorrow at {hour:02}:{minute:02}", zone, now)
    tomorrow = local(now, zone).date() + timedelta(days=1)
    got = local(reading.start, zone)
    if exists(tomorrow, hour, minute, zone):
        assert (got.date(), got.hour, got.minute) == (tomorrow, hour, minute)
    else:
        # DST gap: the wall time does not exist that day; it moves forward by the gap
        # (02:30 on a spring-forward night is 03:30), still on that day
        naive = datetime(tomorrow.year, tomorrow.month, tomorrow.day, hour, minute)
        assert got.date() == tomorrow
        assert timedelta(0) < got.replace(tzinfo=None) - naive <= timedelta(hours=1)


@settings(max_examples=300, deadline=None)
@given(moments, zones, st.sampled_from(WEEKDAYS), st.sampled_from(["", " 7pm", " 09:30", " noon"]))
def test_a_weekday_is_within_the_next_7_days(now: float, zone: str, day: str, time: str) -> None:
    reading = read_time(day + time, zone, now)
    assert now < reading.start <= now + 7 * 86400 + 3600
    assert local(reading.start, zone).strftime("%A").lower() == day


@settings(max_examples=200, deadline=None)
@given(moments, zones, st.sampled_from(WEEKDAYS))
def test_next_weekday_is_in_next_week(now: float, zone: str, day: str) -> None:
    reading = read_time(f"next {day}", zone, now)
    today = local(now, zone).date()
    monday_next = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    got = local(reading.start, zone).date()
    assert monday_next <= got < monday_next + timedelta(days=7)


@settings(max_examples=200, deadline=None)
@given(moments, zones, st.integers(1, 48))
def test_in_n_hours_is_exact(now: float, zone: str, n: int) -> None:
    assert read_time(f"in {n} hours", zone, now).start == now + n * 3600
    assert parse_moment(f"{n}h", zone, now) == now + n * 3600


@settings(max_examples=200, deadline=None)
@given(
    moments,
    zones,
    st.sampled_from(
        [
            "friday 7-9pm",
            "at 8",
            "3/4 10am",
            "next friday",
            "tomorrow 23:00-01:00",
            "in 2 hours",
            "Dec 3 7pm",
        ]
    ),
)
def test_previews_read_back_exactly(now: float, zone: str, text: str) -> None:
    choices = preview_choices(text, zone, now)
    assert choices
    for name, value in choices:
        assert len(name) <= 100 and len(value) <= 100
        back = read_time(value, zone, now)
        assert back.label == name
        assert not back.alternatives


def test_preview_of_unreadable_text_is_empty() -> None:
    assert preview_choices("when pigs fly", "UTC", 0.0) == []
    assert preview_choices("", "UTC", 0.0) == []


def test_alternatives_for_ambiguous_text() -> None:
    now = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Berlin")).timestamp()
    reading = read_time("at 8", "Europe/Berlin", now)
    assert reading.label == "Tue 1 Dec 2026, 20:00 (Europe/Berlin)"
    assert [a.label for a in reading.alternatives] == ["Wed 2 Dec 2026, 08:00 (Europe/Berlin)"]
    reading = read_time("3/4", "Europe/Berlin", now)
    assert "3 Apr" in reading.label and "4 Mar" in reading.alternatives[0].label
    reading = read_time("friday 7-9pm", "Europe/Berlin", now)
    assert reading.duration == 7200
    assert reading.label == "Fri 4 Dec 2026, 19:00–21:00 (Europe/Berlin)"


def test_refusal_says_what_was_understood() -> None:
    with pytest.raises(UserError) as caught:
        read_time("friday at the pub", "UTC", 0.0)
    assert "`friday`" in caught.value.message and "`pub`" in caught.value.message


def test_past_is_refused_by_parse_when_with_the_reading() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()
    with pytest.raises(UserError, match="past") as caught:
        parse_when("yesterday 9am", "UTC", now)
    assert "Mon 30 Nov 2026, 09:00 (UTC)" in caught.value.message


@pytest.mark.parametrize(
    ("zone", "ref", "text"),
    [
        ("Asia/Tokyo", (2026, 12, 1, 12), "7pm"),
        ("Europe/Berlin", (2026, 12, 1, 10), "11am"),
        ("America/Chicago", (2026, 12, 1, 16), "3pm"),
    ],
)
def test_the_old_utc_offset_defects_are_gone(zone: str, ref: tuple, text: str) -> None:
    now = datetime(*ref, tzinfo=ZoneInfo(zone)).timestamp()
    start = parse_when(text, zone, now)
    assert now < start <= now + 86400

"""Recurring events keep their local wall-clock time across DST changes."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.events.recurrence import describe, next_after, next_occurrence, rule_for, week_of_month
from core.timeparse import localize, to_local


def test_weekly_berlin_stays_at_18_across_october_change() -> None:
    zone = "Europe/Berlin"
    start = localize(datetime(2026, 10, 15, 18, 0), zone)
    rule = rule_for("weekly", to_local(start, zone))
    seen = []
    for _ in range(4):
        start = next_occurrence(start, zone, rule)
        seen.append(to_local(start, zone))
    assert [d.hour for d in seen] == [18, 18, 18, 18]
    assert [d.day for d in seen] == [22, 29, 5, 12]
    # 29 October is after the change: the UTC hour moved, the local one did not.
    assert datetime.utcfromtimestamp(localize(seen[1], zone)).hour == 17
    assert datetime.utcfromtimestamp(localize(seen[0], zone)).hour == 16


def test_monthly_first_thursday_new_york_across_march_change() -> None:
    zone = "America/New_York"
    start = localize(datetime(2027, 2, 4, 19, 0), zone)  # first Thursday of February 2027
    rule = rule_for("monthly", to_local(start, zone))
    assert rule == "FREQ=MONTHLY;BYDAY=1TH"
    march = next_occurrence(start, zone, rule)
    april = next_occurrence(march, zone, rule)
    assert to_local(march, zone) == datetime(2027, 3, 4, 19, 0)
    assert to_local(april, zone) == datetime(2027, 4, 1, 19, 0)  # after the 14 March change
    assert (april - march) % 86400 == 86400 - 3600  # one hour less in UTC terms


def test_monthly_fifth_week_means_last() -> None:
    assert week_of_month(29) == -1
    rule = rule_for("monthly", datetime(2026, 10, 29, 18, 0))  # last Thursday of October
    assert rule == "FREQ=MONTHLY;BYDAY=-1TH"
    start = localize(datetime(2026, 10, 29, 18, 0), "UTC")
    assert to_local(next_occurrence(start, "UTC", rule), "UTC") == datetime(2026, 11, 26, 18, 0)


def test_biweekly_and_daily_rules() -> None:
    assert rule_for("biweekly", datetime(2026, 12, 3)) == "FREQ=WEEKLY;INTERVAL=2"
    assert rule_for("daily", datetime(2026, 12, 3)) == "FREQ=DAILY"
    assert rule_for("none", datetime(2026, 12, 3)) is None
    assert describe("monthly", datetime(2026, 12, 3)) == "every first Thursday of the month"


def test_next_after_skips_occurrences_missed_while_down() -> None:
    start = localize(datetime(2026, 12, 1, 18, 0), "UTC")
    now = start + 10 * 86400 + 60
    following = next_after(start, 3600, "UTC", "FREQ=DAILY", now)
    # 11 December 18:00–19:00 is still running at 18:01, so that one is next.
    assert to_local(following, "UTC") == datetime(2026, 12, 11, 18, 0)


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    st.sampled_from(["daily", "weekly", "biweekly", "monthly"]),
    st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/London"]),
    st.integers(min_value=0, max_value=23),
)
def test_recurrence_keeps_wall_clock_time(day: datetime, repeat: str, zone: str, hour: int) -> None:
    local = day.replace(hour=hour, minute=30, second=0, microsecond=0)
    start = localize(local, zone)
    local = to_local(start, zone)  # a time in a DST gap was moved; that is the anchor
    rule = rule_for(repeat, local)
    assert rule is not None
    current = start
    for _ in range(14):
        current = next_occurrence(current, zone, rule)
        seen = to_local(current, zone)
        # Same wall-clock time unless this occurrence falls into a DST gap (then +1h).
        assert (seen.hour, seen.minute) in {
            (local.hour, local.minute),
            ((local.hour + 1) % 24, local.minute),
        }
        if repeat == "monthly":
            assert seen.weekday() == local.weekday()

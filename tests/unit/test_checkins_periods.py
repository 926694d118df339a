"""Check-in periods: boundaries in the group's zone, DST, gaps and folds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.checkins import logic
from cogs.checkins.logic import CALENDAR_DAYS, Rule

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ZONES = [BERLIN, NEW_YORK, ZoneInfo("UTC"), ZoneInfo("Australia/Lord_Howe")]
DAILY_18 = Rule("daily", time(18, 0))


def local(epoch: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(epoch, tz=zone)


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        (BERLIN, date(2026, 3, 28), date(2026, 3, 29)),  # spring forward
        (BERLIN, date(2026, 10, 24), date(2026, 10, 25)),  # fall back
        (NEW_YORK, date(2026, 3, 7), date(2026, 3, 8)),
        (NEW_YORK, date(2026, 10, 31), date(2026, 11, 1)),
    ],
)
def test_daily_18_00_stays_18_00_across_dst(zone: ZoneInfo, before: date, after: date) -> None:
    first = logic.period_for_day(DAILY_18, zone, before)
    second = logic.next_period(DAILY_18, zone, first)
    assert first.end == second.start
    for period in (first, second):
        start = local(period.start, zone)
        assert (start.hour, start.minute) == (18, 0)
    assert second.key == after.isoformat()
    # The period spanning the change is 23 or 25 hours long, never shifted.
    assert first.end - first.start in (23 * 3600, 24 * 3600, 25 * 3600)
    assert first.end - first.start != 24 * 3600


def test_berlin_spring_forward_period_is_23_hours() -> None:
    period = logic.period_for_day(DAILY_18, BERLIN, date(2026, 3, 28))
    assert period.end - period.start == 23 * 3600
    assert period.start == utc(2026, 3, 28, 17, 0)  # 18:00 CET
    assert period.end == utc(2026, 3, 29, 16, 0)  # 18:00 CEST


def test_nonexistent_0230_moves_to_first_valid_instant() -> None:
    # 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    rule = Rule("daily", time(2, 30))
    instant = logic.wall_instant(date(2026, 3, 29), time(2, 30), BERLIN)
    assert instant == utc(2026, 3, 29, 1, 0)  # the transition itself
    assert local(instant, BERLIN).strftime("%H:%M") == "03:00"
    period = logic.period_at(rule, BERLIN, instant)
    assert period.key == "2026-03-29"
    assert period.start == instant
    assert local(period.end, BERLIN).strftime("%Y-%m-%d %H:%M") == "2026-03-30 02:30"
    previous = logic.previous_period(rule, BERLIN, period)
    assert local(previous.start, BERLIN).strftime("%H:%M") == "02:30"
    assert previous.end == period.start


def test_new_york_nonexistent_0230() -> None:
    instant = logic.wall_instant(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert local(instant, NEW_YORK).strftime("%H:%M") == "03:00"
    assert instant == utc(2026, 3, 8, 7, 0)


def test_ambiguous_time_takes_the_first_occurrence() -> None:
    # 2026-10-25 in Berlin: 02:30 happens twice (CEST then CET); take the first.
    instant = logic.wall_instant(date(2026, 10, 25), time(2, 30), BERLIN)
    assert instant == utc(2026, 10, 25, 0, 30)
    # New York, 2026-11-01: 01:30 EDT first.
    assert logic.wall_instant(date(2026, 11, 1), time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_period_keys_are_local_dates_of_the_start() -> None:
    # 23:30 in New York is already the next day in UTC; the key stays the local date.
    rule = Rule("daily", time(23, 30))
    period = logic.period_at(rule, NEW_YORK, utc(2026, 12, 2, 5, 0))  # 00:00 local on Dec 2
    assert period.key == "2026-12-01"
    assert local(period.start, NEW_YORK).strftime("%Y-%m-%d %H:%M") == "2026-12-01 23:30"


def test_weekly_periods_start_on_the_weekday() -> None:
    rule = Rule("weekly", time(9, 0), weekday=1)  # Tuesday
    moment = utc(2026, 12, 1, 12, 0)  # Tuesday 2026-12-01, 13:00 Berlin
    period = logic.period_at(rule, BERLIN, moment)
    assert period.key == "2026-12-01"
    assert period.end - period.start == 7 * 86400
    before = logic.period_at(rule, BERLIN, utc(2026, 12, 1, 7, 59))  # 08:59 Berlin
    assert before.key == "2026-11-24"
    assert before.index == period.index - 1


def test_weekly_period_across_dst_is_a_week_of_wall_clock() -> None:
    rule = Rule("weekly", time(18, 0), weekday=3)
    period = logic.period_for_day(rule, BERLIN, date(2026, 10, 22))
    assert period.end - period.start == 7 * 86400 + 3600
    assert local(period.end, BERLIN).strftime("%A %H:%M") == "Thursday 18:00"


def test_calendar_days_without_a_schedule() -> None:
    period = logic.period_at(CALENDAR_DAYS, NEW_YORK, utc(2026, 12, 1, 3, 0))  # 22:00 Nov 30
    assert period.key == "2026-11-30"
    assert local(period.start, NEW_YORK).strftime("%H:%M") == "00:00"
    assert period.end - period.start == 86400


def test_parse_weekday_by_name() -> None:
    assert logic.parse_weekday("Tuesday") == 1
    assert logic.parse_weekday("sun") == 6
    with pytest.raises(ValueError):
        logic.parse_weekday("Funday")


def test_nudge_time() -> None:
    period = logic.period_for_day(DAILY_18, BERLIN, date(2026, 12, 1))
    assert logic.nudge_at(period, 0) is None
    assert logic.nudge_at(period, 2) == period.end - 7200
    assert logic.nudge_at(period, 24) is None


def test_status_normalised() -> None:
    assert logic.normalise_status(" Partial ") == "partial"
    assert logic.normalise_status(None) == "done"
    assert logic.normalise_status("") == "done"
    with pytest.raises(ValueError):
        logic.normalise_status("maybe")


# -- properties ---------------------------------------------------------------------------

moments = st.integers(min_value=utc(2020, 1, 1), max_value=utc(2035, 12, 31))
clock_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
rules = st.one_of(
    st.builds(Rule, st.just("daily"), clock_times, st.none()),
    st.builds(Rule, st.just("weekly"), clock_times, st.integers(0, 6)),
)


@settings(max_examples=300, deadline=None)
@given(rule=rules, zone=st.sampled_from(ZONES), moment=moments)
def test_every_instant_lies_in_exactly_one_period(rule: Rule, zone: ZoneInfo, moment: int) -> None:
    period = logic.period_at(rule, zone, moment)
    assert period.start <= moment < period.end
    following = logic.next_period(rule, zone, period)
    assert following.start == period.end
    assert following.index == period.index + 1
    assert logic.period_at(rule, zone, period.end).key == following.key
    assert logic.period_at(rule, zone, period.end - 1).key == period.key
    assert logic.previous_period(rule, zone, period).end == period.start
    assert period.key == local(period.start, zone).date().isoformat() or _in_gap(rule, zone, period)


def _in_gap(rule: Rule, zone: ZoneInfo, period) -> bool:
    """A start moved forward out of a gap may land on the next local day only if the
    gap straddles midnight; the key remains the intended date."""
    intended = datetime.combine(date.fromisoformat(period.key), rule.at)
    return local(period.start, zone).replace(tzinfo=None) > intended


@settings(max_examples=200, deadline=None)
@given(rule=rules, zone=st.sampled_from(ZONES), moment=moments)
def test_prompts_keep_their_wall_clock_time(rule: Rule, zone: ZoneInfo, moment: int) -> None:
    period = logic.period_at(rule, zone, moment)
    for _ in range(3):
        start = local(period.start, zone)
        intended = datetime.combine(date.fromisoformat(period.key), rule.at)
        if start.replace(tzinfo=None) == intended:
            assert (start.hour, start.minute) == (rule.at.hour, rule.at.minute)
        else:  # only inside a DST gap: moved forward, by less than the gap
            assert timedelta(0) < start.replace(tzinfo=None) - intended <= timedelta(hours=1)
        if rule.weekday is not None:
            assert date.fromisoformat(period.key).weekday() == rule.weekday
        period = logic.next_period(rule, zone, period)

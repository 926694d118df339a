"""Check-in rules: periods in a group's time zone, one check-in per period, streaks.

A schedule at local time T defines the periods: a daily period runs from one prompt
(local T) to the next (local T the next day); a weekly one from a prompt to the prompt a
week later, on the schedule's weekday. A group without a schedule uses calendar days
(local midnight to local midnight). A period's key is the ISO local date of its start.

Each prompt instant is computed from the local wall clock (zoneinfo), so an 18:00 prompt
stays at 18:00 on both sides of a DST change. A local time that does not exist (spring
forward) moves forward to the first valid instant; an ambiguous one (fall back) takes the
first occurrence.

Periods of one rule are numbered by an integer index (consecutive periods differ by 1),
which makes streaks plain arithmetic. No I/O, no discord imports.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

CADENCES = ("daily", "weekly")
STATUSES = ("done", "partial", "blocked")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MILESTONES = (7, 30, 100)
BOARD_WINDOWS = {"week": 7 * 86400, "month": 30 * 86400, "all": None}


@dataclass(frozen=True)
class Rule:
    """When periods start: `cadence` daily/weekly at local `at` (weekly on `weekday`, 0=Mon)."""

    cadence: str = "daily"
    at: time = time(0, 0)
    weekday: int | None = None

    @property
    def step_days(self) -> int:
        return 7 if self.cadence == "weekly" else 1


CALENDAR_DAYS = Rule("daily", time(0, 0), None)


@dataclass(frozen=True)
class Period:
    key: str  # ISO local date of the start
    start: int  # UTC epoch seconds (inclusive)
    end: int  # UTC epoch seconds (exclusive) = the next period's start
    index: int  # consecutive periods of one rule differ by exactly 1


def parse_weekday(text: str) -> int:
    """`Tuesday` (or a prefix like `tue`) to 0..6, Monday = 0. ValueError if not a weekday."""
    cleaned = text.strip().lower().rstrip(".")
    if cleaned.endswith("days"):
        cleaned = cleaned[:-1]  # "Tuesdays"
    for number, name in enumerate(WEEKDAYS):
        if cleaned and name.lower().startswith(cleaned) and len(cleaned) >= 2:
            return number
    raise ValueError(text)


def wall_instant(day: date, at: time, zone: ZoneInfo) -> int:
    """The UTC epoch of local wall-clock `at` on `day`: a nonexistent time moves forward
    to the first valid instant, an ambiguous one takes the first occurrence."""
    naive = datetime.combine(day, at)
    first = int(naive.replace(tzinfo=zone, fold=0).timestamp())
    if _wall(first, zone) == naive:
        return first
    # In a gap: fold=0 reads it with the offset before the change (too late), fold=1 with
    # the offset after (too early). The transition lies between; find its first second.
    low = int(naive.replace(tzinfo=zone, fold=1).timestamp())
    high = first
    while low < high:
        middle = (low + high) // 2
        if _wall(middle, zone) >= naive:
            high = middle
        else:
            low = middle + 1
    return high


def _wall(epoch: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(epoch, tz=zone).replace(tzinfo=None)


def _index(rule: Rule, day: date) -> int:
    ordinal = day.toordinal()
    return ordinal // 7 if rule.cadence == "weekly" else ordinal


def _aligned(rule: Rule, day: date) -> date:
    """The latest date on or before `day` on which a period of `rule` starts."""
    if rule.cadence != "weekly":
        return day
    weekday = rule.weekday if rule.weekday is not None else 0
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def period_for_day(rule: Rule, zone: ZoneInfo, day: date) -> Period:
    """The period starting on local `day` (which must be aligned to the rule)."""
    step = timedelta(days=rule.step_days)
    start = wall_instant(day, rule.at, zone)
    end = wall_instant(day + step, rule.at, zone)
    return Period(day.isoformat(), start, end, _index(rule, day))


def period_at(rule: Rule, zone: ZoneInfo, epoch: float) -> Period:
    """The period containing the instant `epoch`."""
    moment = int(epoch) if epoch >= 0 else int(epoch) - 1
    step = timedelta(days=rule.step_days)
    day = _aligned(rule, datetime.fromtimestamp(moment, tz=zone).date())
    if moment < wall_instant(day, rule.at, zone):
        day -= step
    period = period_for_day(rule, zone, day)
    while moment >= period.end:  # defensive: odd zones with transitions at midnight
        period = period_for_day(rule, zone, day := day + step)
    while moment < period.start:
        period = period_for_day(rule, zone, day := day - step)
    return period


def next_period(rule: Rule, zone: ZoneInfo, period: Period) -> Period:
    return period_for_day(rule, zone, date.fromisoformat(period.key) + timedelta(rule.step_days))


def previous_period(rule: Rule, zone: ZoneInfo, period: Period) -> Period:
    return period_for_day(rule, zone, date.fromisoformat(period.key) - timedelta(rule.step_days))


@lru_cache(maxsize=200_000)
def index_of(rule: Rule, zone: ZoneInfo, period_start: float) -> int:
    """The index, under `rule`, of the period containing a stored period start (check-ins
    recorded under another rule, e.g. before a schedule changed, map to where they fall).
    Cached: a group's members share the same few period starts."""
    return period_at(rule, zone, period_start).index


def nudge_at(period: Period, nudge_hours: int) -> int | None:
    """When to nudge for `period`: `nudge_hours` before it closes; None if off or if that
    would be at or before the period starts."""
    if nudge_hours <= 0:
        return None
    when = period.end - nudge_hours * 3600
    return when if when > period.start else None


def nudge_problem(cadence: str, hours: int) -> str | None:
    """Why `hours` before a period closes can't be the nudge time, or None."""
    if hours < 0:
        return "`nudge` is a number of hours: 0 (no nudge) or more."
    length = 168 if cadence == "weekly" else 24
    if hours >= length:
        return (
            f"`nudge` is hours before the period closes: for {cadence} check-ins use 1 to"
            f" {length - 1} (or 0 for no nudge)."
        )
    return None


# -- streaks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreakStats:
    current: int
    best: int
    periods_done: int  # periods with a check-in, counted for the rate
    periods_total: int  # periods the member was expected to check in

    @property
    def rate(self) -> int | None:
        """Completion rate in whole percent, or None when nothing is counted yet."""
        if self.periods_total <= 0:
            return None
        return round(100 * self.periods_done / self.periods_total)


def current_streak(indices: set[int], current: int) -> int:
    """Consecutive periods with a check-in, ending at the current period if it has one,
    else at the previous one: an open period never breaks a streak before it closes."""
    cursor = current if current in indices else current - 1
    count = 0
    while cursor in indices:
        count += 1
        cursor -= 1
    return count


def streak_ending_at(indices: set[int], index: int) -> int:
    count = 0
    while index - count in indices:
        count += 1
    return count


def best_streak(indices: Iterable[int]) -> int:
    best = run = 0
    previous: int | None = None
    for index in sorted(set(indices)):
        run = run + 1 if previous is not None and index == previous + 1 else 1
        best = max(best, run)
        previous = index
    return best


def streak_stats(indices: Iterable[int], current: int, since: int | None = None) -> StreakStats:
    """Streaks and completion for one member. `since` is the index of the first period the
    member is counted from (joined / schedule start); closed periods from there on count,
    and the open period counts only once the member has checked in."""
    done = {i for i in indices if i <= current}
    first = min(done) if done else None
    if since is None or (first is not None and first < since):
        since = first
    if since is None:
        return StreakStats(0, 0, 0, 0)
    counted = {i for i in done if i >= since}
    total = max(current - since, 0) + (1 if current in done else 0)
    return StreakStats(current_streak(done, current), best_streak(done), len(counted), total)


def milestone_reached(streak: int) -> int | None:
    return streak if streak in MILESTONES else None


# -- board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    user_id: int
    checkins: int
    streak: int


def rank_board(
    members: Iterable[int], counts: dict[int, int], streaks: dict[int, int]
) -> list[BoardRow]:
    """Most check-ins first, then the longer current streak; every member is listed."""
    rows = [BoardRow(u, counts.get(u, 0), streaks.get(u, 0)) for u in members]
    rows.sort(key=lambda r: (-r.checkins, -r.streak, r.user_id))
    return rows


def board_since(window: str, now: float) -> float | None:
    seconds = BOARD_WINDOWS[window]
    return None if seconds is None else now - seconds


def normalise_status(text: str | None) -> str:
    """`done` / `partial` / `blocked` (any case, surrounding spaces); ValueError if not."""
    cleaned = (text or "done").strip().lower() or "done"
    if cleaned not in STATUSES:
        raise ValueError(text)
    return cleaned


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""

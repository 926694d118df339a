"""Resolving what `core.timeread` understood into moments.

What this module holds: `resolve`, which turns `Parts` into (start, end) UTC epoch
seconds in the reader's zone, preferred reading first. Days are chosen on the calendar
and clock times applied as wall times, so DST is handled where people expect it: a day
moved by `tomorrow` / `in 3 days` keeps its wall-clock time across a DST change, a
clock time alone is its next occurrence as a wall time, a wall time in a DST gap moves
forward by the gap and one in an overlap is the first occurrence (fold=0).
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as dtime

from core import fit
from core.errors import UserError
from core.timeread.parts import Clock, Parts, has_day, hour24, refuse
from core.timeread.words import DEFAULT_DAY_HOUR

Span = tuple[float, float | None]  # (start, end) in UTC epoch seconds
DayChoice = tuple[str, date | None]  # (kind, day): see _Resolver.candidate_days


def resolve(parts: Parts, tz: zoneinfo.ZoneInfo, now: float, text: str) -> list[Span]:
    """The moments `parts` can mean at `now` in `tz`, preferred first (never empty)."""
    _start_meridiem_from_end(parts)
    results = _Resolver(parts, tz, now, text).resolve()
    if not results:
        raise refuse(text, parts, "", tz.key)
    return results


def _start_meridiem_from_end(parts: Parts) -> None:
    """`7-9pm`: the start takes the end's am/pm when that keeps it before the end."""
    start, end = parts.clock, parts.end_clock
    if start is None or end is None or start.meridiem is not None or end.meridiem is None:
        return
    if not 1 <= start.hour <= 12:
        return
    trial = Clock(start.hour, start.minute, start.second, end.meridiem)
    if (hour24(trial), trial.minute) < (hour24(end), end.minute):
        start.meridiem = end.meridiem
    else:
        start.meridiem = "am" if end.meridiem == "pm" else "pm"


# --- calendar arithmetic -----------------------------------------------------------------


def to_epoch(day: date, clock: dtime, tz: zoneinfo.ZoneInfo | timezone) -> float:
    # fold=0: in an overlap the first occurrence; in a gap zoneinfo moves forward by it
    return datetime.combine(day, clock).replace(tzinfo=tz, fold=0).timestamp()


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clipped to the month's last day (Jan 31 -> Feb 28)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _shift_day(day: date, n: int, unit: str) -> date:
    if unit == "d":
        return day + timedelta(days=n)
    if unit == "w":
        return day + timedelta(weeks=n)
    return add_months(day, n if unit == "mo" else 12 * n)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Resolver:
    def __init__(self, parts: Parts, tz: zoneinfo.ZoneInfo, now: float, text: str) -> None:
        self.parts = parts
        self.tz = tz
        # a written offset (`+01:00`, `EST`) replaces the zone for the wall time
        self.wall_tz: zoneinfo.ZoneInfo | timezone = (
            tz if parts.offset is None else timezone(timedelta(minutes=parts.offset))
        )
        self.now = now
        self.local_now = datetime.fromtimestamp(now, tz=UTC).astimezone(self.wall_tz)
        self.today = self.local_now.date()
        self.text = text

    def after(self, day: date, clock: dtime) -> bool:
        return to_epoch(day, clock, self.wall_tz) > self.now

    # --- the whole reading ---------------------------------------------------------------

    def resolve(self) -> list[Span]:
        p = self.parts
        if p.is_now and not (has_day(p) or p.clock or p.seconds):
            return [(self.now, None)]
        if not has_day(p) and p.clock is None:
            return self._from_now()
        if p.seconds and p.clock is not None and not p.calendar:
            raise refuse(self.text, p, "", self.tz.key)  # `7pm in 2 hours`
        results: list[Span] = []
        for day_choice in self.days():
            for day, clock, exact in self.with_clock(day_choice):
                if exact:
                    start = self.now + p.seconds
                else:
                    start = to_epoch(day, clock, self.wall_tz) + p.seconds
                span = (start, self._end(start, day, clock))
                if span not in results:
                    results.append(span)
        return results

    def _from_now(self) -> list[Span]:
        """No day and no clock time: an amount of elapsed time from now."""
        p = self.parts
        if not p.seconds and p.duration and p.end_clock is None:
            return [(self.now + p.duration, None)]  # `for 5 minutes`: a timer
        if not p.seconds:
            raise refuse(self.text, p, "", self.tz.key)
        start = self.now + p.seconds
        return [(start, self._end(start, None, None))]

    # --- days ----------------------------------------------------------------------------

    def days(self) -> list[DayChoice]:
        """The candidate days, with `+10 days` after a day (`post`) applied to each."""
        choices = self.candidate_days()
        if not self.parts.post:
            return choices
        out: list[DayChoice] = []
        for kind, day in choices:
            assert day is not None
            if kind != "fixed":  # the next occurrence first, then the shift
                day = self.with_clock((kind, day))[0][0]
            for n, unit in self.parts.post:
                day = _shift_day(day, n, unit)
            out.append(("fixed", day))
        return out

    def candidate_days(self) -> list[DayChoice]:
        """Candidate days: ("fixed", day) is that day; ("daily" / "weekly" / "yearly" /
        "monthly", day) means the first such repeat on or after `day` whose time is ahead."""
        p = self.parts
        if p.end_of is not None:
            return [("fixed", self._end_of())]
        if p.start_of is not None:
            t = self.today
            return [("fixed", t.replace(day=1) if p.start_of == "month" else date(t.year, 1, 1))]
        if p.bizday is not None:
            return [("fixed", self._working_day())]
        base = self._shifted_today()
        if p.calendar and p.date is None and p.weekday is None and p.weekend is None:
            return [("fixed", base)]
        if p.date is not None:
            return self._dates()
        if p.weekend is not None:
            return [("fixed", self._weekend())]
        if p.weekday is not None:
            return self._weekdays(base)
        if p.weekday_mod == "week-pending":
            return [("fixed", self.today + timedelta(weeks=p.week_shift))]
        if p.day_shift is not None:
            return [("fixed", base + timedelta(days=p.part_day_shift or 0))]
        return [("daily", self.today)]

    def _end_of(self) -> date:
        """The last day of this / next / last week (Sunday), month or year."""
        assert self.parts.end_of is not None
        unit, shift = self.parts.end_of
        t = self.today
        if unit == "week":
            return t + timedelta(days=6 - t.weekday(), weeks=shift)
        if unit == "month":
            return add_months(t.replace(day=1), shift + 1) - timedelta(days=1)
        return date(t.year + shift, 12, 31)

    def _working_day(self) -> date:
        step = self.parts.bizday
        assert step is not None
        day = self.today + timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
        return day

    def _shifted_today(self) -> date:
        """Today moved by `tomorrow` / `yesterday` and by calendar amounts (`in 3 days`)."""
        p = self.parts
        base = self.today
        if p.day_shift is not None:
            base = self.today + timedelta(days=p.day_shift)
        for n, unit in p.calendar:
            if unit == "d":
                base += timedelta(days=n)
            elif unit == "w":
                base += timedelta(weeks=n)
            elif unit == "mo":
                base = add_months(base, n)
            elif unit == "y":
                base = add_months(base, 12 * n)
        return base

    def _dates(self) -> list[DayChoice]:
        """The written date and its alternative reading (`3/4`); a date without a year
        repeats yearly, a lone ordinal (`the 3rd`) monthly. An impossible date is refused,
        an impossible alternative dropped."""
        p = self.parts
        choices: list[DayChoice] = []
        for value in (p.date, p.alt_date):
            if value is None:
                continue
            year, month, day = value
            if month == 0:
                choices.append(("monthly", date(1, 1, day)))
            elif year is not None:
                d = _valid(year, month, day)
                if d is None:
                    if value is p.alt_date:
                        continue
                    raise UserError(
                        f"{fit.code(self.text)}: {year}-{month:02}-{day:02} is not a date."
                    )
                choices.append(("fixed", d))
            else:
                if _valid(2024, month, day) is None:  # 2024: a leap year, Feb 29 exists
                    if value is p.alt_date:
                        continue
                    raise UserError(f"{fit.code(self.text)}: there is no {day} in month {month}.")
                choices.append(("yearly", date(2024, month, day)))
        return choices

    def _weekend(self) -> date:
        """The Saturday of this (today, on a Sunday), next or last weekend."""
        shift = self.parts.weekend
        assert shift is not None
        today = self.today
        sat = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            sat = today if shift == 0 else today + timedelta(days=6)
        sat += timedelta(weeks=shift if shift >= 0 else 0)
        if shift < 0:
            sat = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
            sat = sat if sat < today else sat - timedelta(days=7)
        return sat

    def _weekdays(self, base: date) -> list[DayChoice]:
        """`friday` is the next one (today included while ahead); `next friday` the one of
        next week (weeks start on Monday), the coming one offered too; `last friday` the
        most recent before `base`."""
        p = self.parts
        wd = p.weekday
        assert wd is not None
        mod = p.weekday_mod
        if mod in ("next", "week", "week-pending") or p.week_shift:
            shift = p.week_shift if mod != "next" else p.week_shift + 1
            if mod == "next" and p.week_shift == 0:
                shift = 1
            monday = base - timedelta(days=base.weekday()) + timedelta(weeks=shift)
            day = monday + timedelta(days=wd)
            out: list[DayChoice] = [("fixed", day)]
            if mod == "next":
                coming = base + timedelta(days=(wd - base.weekday()) % 7 or 7)
                if coming != day:
                    out.append(("fixed", coming))
            return out
        if mod == "last":
            back = (base.weekday() - wd) % 7 or 7
            return [("fixed", base - timedelta(days=back))]
        return [("weekly", base + timedelta(days=(wd - base.weekday()) % 7))]

    # --- clock times on those days -------------------------------------------------------

    def clock_candidates(self) -> list[dtime]:
        """The wall times the clock part can mean, preferred first (before `now` ordering)."""
        clock = self.parts.clock
        assert clock is not None
        if clock.meridiem is None and 1 <= clock.hour <= 12 and not clock.literal:
            # `at 8`: 08:00 or 20:00, whichever comes first
            first = dtime(
                clock.hour % 12 if clock.hour == 12 else clock.hour, clock.minute, clock.second
            )
            if clock.hour == 12:
                first = dtime(12, clock.minute, clock.second)
                second = dtime(0, clock.minute, clock.second)
                if has_day(self.parts) and not self.parts.part:
                    return [first]  # `Aug 3 at 12`, `friday 12`: noon, not the midnight before
            else:
                second = dtime(clock.hour + 12, clock.minute, clock.second)
            return [first, second]
        if clock.hour == 24:
            return [dtime(0, clock.minute, clock.second)]
        return [dtime(hour24(clock), clock.minute, clock.second)]

    def with_clock(self, choice: DayChoice) -> list[tuple[date, dtime, bool]]:
        """(day, wall time, exact) readings of a candidate day, preferred first; `exact`
        means `now` itself (`today` without a time keeps the current moment)."""
        kind, day = choice
        assert day is not None
        p = self.parts
        if p.clock is None:
            kept = self._kept_wall_time(kind, day)
            if kept is not None:
                return kept
            candidates = [dtime(DEFAULT_DAY_HOUR)]
        else:
            candidates = self.clock_candidates()
        bump = timedelta(0)
        if self._midnight_ends_day():
            bump = timedelta(days=1)
            day = day + bump
        if kind == "fixed":
            ahead = [c for c in candidates if self.after(day, c)]
            first = ahead[0] if ahead else candidates[0]
            return [(day, first, False)] + [(day, c, False) for c in candidates if c != first]
        return self._next_occurrence(kind, day, candidates, bump)

    def _kept_wall_time(self, kind: str, day: date) -> list[tuple[date, dtime, bool]] | None:
        """A relative day without a time (`tomorrow`, `in 3 days`, `next week`) keeps the
        current wall-clock time, so it survives a DST change; None when that doesn't apply."""
        p = self.parts
        relative_day = (
            p.day_shift is not None or bool(p.calendar) or p.weekday_mod == "week-pending"
        )
        if not relative_day or p.date is not None or p.weekday is not None:
            return None
        if p.weekend is not None or kind != "fixed":
            return None
        wall = self.local_now.time().replace(microsecond=0, tzinfo=None)
        return [(day, wall, day == self.today and not p.calendar)]

    def _midnight_ends_day(self) -> bool:
        # `friday midnight`, `midnight tonight`: the midnight that ends that day
        p = self.parts
        if not (p.midnight and p.clock is not None and p.clock.hour == 0):
            return False
        return bool(
            p.date is not None or p.weekday is not None or p.day_shift is not None or p.part
        )

    def _next_occurrence(
        self, kind: str, day: date, candidates: list[dtime], bump: timedelta
    ) -> list[tuple[date, dtime, bool]]:
        """The first (day, clock) of a repeating day that is ahead; with two clock
        candidates (`at 8`), the other half of the day the next time it comes, too."""
        options = self._occurrences(kind, day, candidates, bump)
        options.sort(key=lambda o: to_epoch(o[0], o[1], self.wall_tz))
        ahead = [o for o in options if self.after(*o)] or options
        best = ahead[0]
        out = [(best[0], best[1], False)]
        if len(candidates) > 1:
            other = [o for o in ahead if o[1] != best[1]]
            if other:
                out.append((other[0][0], other[0][1], False))
        return out

    def _occurrences(
        self, kind: str, day: date, candidates: list[dtime], bump: timedelta
    ) -> list[tuple[date, dtime]]:
        """Enough repeats of `day` that one of them is ahead of now."""
        days: list[date] = []
        written = day - bump  # the date as written: `bump` is added once, below
        if kind == "daily":
            days = [day + timedelta(days=offset) for offset in range(0, 3)]
        elif kind == "weekly":
            days = [day + timedelta(days=offset) for offset in (0, 7)]
        elif kind == "yearly":  # 9 years: Feb 29 comes at least once
            years = range(self.today.year, self.today.year + 9)
            found = (_valid(year, written.month, written.day) for year in years)
            days = [d + bump for d in found if d is not None]
        elif kind == "monthly":  # 3 months: the 31st comes at least once
            firsts = (add_months(self.today.replace(day=1), n) for n in range(0, 3))
            found = (_valid(f.year, f.month, written.day) for f in firsts)
            days = [d + bump for d in found if d is not None]
        return [(d, c) for d in days for c in candidates]

    # --- the end of a range --------------------------------------------------------------

    def _end(self, start: float, day: date | None, clock: dtime | None) -> float | None:
        p = self.parts
        if p.duration is not None:
            return start + p.duration
        if p.end_days and day is not None and clock is not None:
            return to_epoch(day + timedelta(days=p.end_days), clock, self.wall_tz)
        if p.end_clock is None or day is None or clock is None:
            return None
        end = p.end_clock
        start_local = datetime.combine(day, clock)
        best = None
        for hour in self._end_hours(end):
            # an end not after the start is on the next day (`11pm-1am`)
            candidate = datetime.combine(day, dtime(hour, end.minute, end.second))
            if candidate <= start_local:
                candidate += timedelta(days=1)
            if best is None or candidate < best:
                best = candidate
        assert best is not None
        return best.replace(tzinfo=self.wall_tz, fold=0).timestamp()

    def _end_hours(self, end: Clock) -> list[int]:
        """The 24-hour hours the range's end can mean; the first after the start wins."""
        start_clock = self.parts.clock
        assert start_clock is not None
        if end.meridiem is None and start_clock.meridiem is None and 1 <= end.hour <= 12:
            return [end.hour, (end.hour + 12) % 24] if end.hour != 12 else [12, 0]
        if end.meridiem is None and 1 <= end.hour <= 12:
            return [end.hour % 12 if end.hour == 12 else end.hour, end.hour % 12 + 12]
        return [hour24(end) % 24]

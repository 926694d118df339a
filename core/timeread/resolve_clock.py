"""Resolving a reading, the clock part: the wall times a clock can mean (`at 8`: 08:00 or
20:00), applied to a candidate day, and the next occurrence of a repeating day.

`ResolverBase` holds what every step of a resolution reads: the parts, the zone, now."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as dtime

from core.timeread.daymath import add_months, to_epoch, valid_date
from core.timeread.parts import Parts, has_day, hour24
from core.timeread.words import DEFAULT_DAY_HOUR

DayChoice = tuple[str, date | None]  # (kind, day): see DayChoices.candidate_days


class ResolverBase:
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


class ClockReadings(ResolverBase):
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
            found = (valid_date(year, written.month, written.day) for year in years)
            days = [d + bump for d in found if d is not None]
        elif kind == "monthly":  # 3 months: the 31st comes at least once
            firsts = (add_months(self.today.replace(day=1), n) for n in range(0, 3))
            found = (valid_date(f.year, f.month, written.day) for f in firsts)
            days = [d + bump for d in found if d is not None]
        return [(d, c) for d in days for c in candidates]

"""Resolving what `core.timeread` understood into moments.

What this module holds: `resolve`, which turns `Parts` into (start, end) UTC epoch
seconds in the reader's zone, preferred reading first. Days are chosen on the calendar
and clock times applied as wall times, so DST is handled where people expect it: a day
moved by `tomorrow` / `in 3 days` keeps its wall-clock time across a DST change, a
clock time alone is its next occurrence as a wall time, a wall time in a DST gap moves
forward by the gap and one in an overlap is the first occurrence (fold=0).

The candidate days are in resolve_days.py, the clock times on them in resolve_clock.py,
calendar arithmetic in daymath.py; here the readings are put together with their ends.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from datetime import time as dtime

from core.timeread.daymath import to_epoch
from core.timeread.parts import Clock, Parts, has_day, hour24, refuse
from core.timeread.resolve_days import DayChoices

Span = tuple[float, float | None]  # (start, end) in UTC epoch seconds


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


class _Resolver(DayChoices):
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

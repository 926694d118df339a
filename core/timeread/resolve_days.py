"""Resolving a reading, the day part: the candidate days a reading names (a fixed day,
or the next of a daily, weekly, monthly or yearly repeat), shifts after a day included."""

from __future__ import annotations

from datetime import date, timedelta

from core import fit
from core.errors import UserError
from core.timeread.daymath import add_months, shift_day, valid_date
from core.timeread.resolve_clock import ClockReadings, DayChoice


class DayChoices(ClockReadings):
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
                day = shift_day(day, n, unit)
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
                d = valid_date(year, month, day)
                if d is None:
                    if value is p.alt_date:
                        continue
                    raise UserError(
                        f"{fit.code(self.text)}: {year}-{month:02}-{day:02} is not a date."
                    )
                choices.append(("fixed", d))
            else:
                if valid_date(2024, month, day) is None:  # 2024: a leap year, Feb 29 exists
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

"""The grammar's handlers for the patterns that name a day (`core.timeread.grammar`).

What this module holds: one handler per day-naming pattern kind of
`core.timeread.patterns` — written dates (ISO, `3/4`, `Dec 3`, `10 - 22 August`, `the
3rd`), days named by their place (`end of month`, `next weekday`, `this month`), weekdays
and week/month shifts (`next friday`, `friday next week`, `next weekend`) and named days
(`today`, `tomorrow`, `tonight`). A handler records the match in `Parts` or declines it
(returns False) so the next pattern is tried; a second date or weekday is declined.
"""

from __future__ import annotations

import re

from core.timeread.parts import (
    Clock,
    Handler,
    Parts,
    add_amounts,
    has_day,
    set_clock,
    set_date,
    set_part_of_day,
    set_slash,
)
from core.timeread.words import MONTHS, UNITS, WEEKDAYS

Match = re.Match[str]


def _year(text: str | None) -> int | None:
    """A written year; two digits are 1950-2049."""
    if not text:
        return None
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 50 else 2000
    return year


def _offset_minutes(off: str) -> int:
    """`z`, `+01:00`, `-0530` as minutes east of UTC."""
    if off == "z":
        return 0
    digits = off[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return minutes if off[0] == "+" else -minutes


# --- dates ---------------------------------------------------------------------------------


def _iso(parts: Parts, m: Match, pending_range: bool) -> bool:
    if not set_date(parts, (int(m["y"]), int(m["mo"]), int(m["d"]))):
        return False
    parts.exact_iso = True
    if m["h"] is not None:
        clock = Clock(int(m["h"]), int(m["mi"]), int(m["s"] or 0), literal=True)
        if not set_clock(parts, clock):
            return False
        if m["off"]:
            parts.offset = _offset_minutes(m["off"])
    return True


def _month_slash_year(parts: Parts, m: Match, pending_range: bool) -> bool:
    return set_date(parts, (int(m["y"]), int(m["mo"]), 1))


def _year_month_day(parts: Parts, m: Match, pending_range: bool) -> bool:
    return set_date(parts, (int(m["y"]), MONTHS[m["mon"]], int(m["d"])))


def _slash(parts: Parts, m: Match, pending_range: bool) -> bool:
    a, b, c = int(m["a"]), int(m["b"]), m["c"]
    if len(m["a"]) == 4:  # 2026/12/03
        if c is None:
            return False
        return set_date(parts, (a, b, int(c)))
    year = None
    if c is not None:
        year = int(c) + (2000 if len(c) == 2 else 0)
    return set_slash(parts, a, b, year)


def _day_range(parts: Parts, m: Match, pending_range: bool) -> bool:
    year = int(m["y"]) if m["y"] else None
    d1, d2 = int(m["d1"]), int(m["d2"])
    if d2 <= d1 or not set_date(parts, (year, MONTHS[m["mon1"] or m["mon2"]], d1)):
        return False
    parts.end_days = d2 - d1
    return True


def _month_and_day(parts: Parts, m: Match, pending_range: bool) -> bool:
    return set_date(parts, (_year(m["y"]), MONTHS[m["mon"]], int(m["d"])))


def _month_year(parts: Parts, m: Match, pending_range: bool) -> bool:
    return set_date(parts, (int(m["y"]), MONTHS[m["mon"]], 1))


def _ordinal(parts: Parts, m: Match, pending_range: bool) -> bool:
    if parts.date is not None:
        return False
    parts.date = (None, 0, int(m["d"]))  # month resolved later
    return 1 <= int(m["d"]) <= 31


# --- days named by their place: end of month, next working day, weekdays, shifts -----------


def _end_of(parts: Parts, m: Match, pending_range: bool) -> bool:
    if has_day(parts):
        return False
    mod = m["mod"] or "this"
    parts.end_of = (m["unit"], {"next": 1, "coming": 1, "last": -1, "previous": -1}.get(mod, 0))
    return True


def _business_day(parts: Parts, m: Match, pending_range: bool) -> bool:
    if has_day(parts):
        return False
    parts.bizday = 1 if m["mod"] == "next" else -1
    return True


def _start_of(parts: Parts, m: Match, pending_range: bool) -> bool:
    if has_day(parts):
        return False
    parts.start_of = m["unit"]
    return True


def _after_this(parts: Parts, m: Match, pending_range: bool) -> bool:
    add_amounts(parts, [(1, UNITS[m["unit"]])], 1)
    return True


def _weekday(parts: Parts, m: Match, pending_range: bool) -> bool:
    if parts.weekday is not None:
        return False
    parts.weekday = WEEKDAYS[m["wd"]]
    mod = m["mod"]
    parts.weekday_mod = {"coming": "this", "past": "last", "previous": "last"}.get(mod or "", mod)
    wmod = m["wmod"]
    if wmod:  # `friday next week`
        parts.week_shift += {"this": 0, "last": -1}.get(wmod, 1)
        if parts.weekday_mod is None:
            parts.weekday_mod = "week"
    return True


def _shift(parts: Parts, m: Match, pending_range: bool) -> bool:
    """`next week`, `last month`, `this weekend`, `next hour` ..."""
    mod, unit = m["mod"], m["unit"]
    sign = {"this": 0, "next": 1, "coming": 1, "following": 1}.get(mod, -1)
    if unit == "weekend":
        if parts.weekend is not None:
            return False
        parts.weekend = sign
        return True
    if unit == "week":
        # a week shift moves a weekday said before or after it (`next week friday`);
        # "week-pending" marks a week said without one (yet)
        parts.week_shift += sign
        if parts.weekday is not None and parts.weekday_mod is None:
            parts.weekday_mod = "week"
        elif parts.weekday is None:
            parts.weekday_mod = "week-pending"
        return True
    if sign == 0:
        return unit in ("day",)
    add_amounts(parts, [(1, UNITS.get(unit, unit))], sign)
    return True


def _weekend(parts: Parts, m: Match, pending_range: bool) -> bool:
    if parts.weekend is not None:
        return False
    parts.weekend = 0
    return True


_DAY_SHIFTS = {"today": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tomorow": 1, "yesterday": -1}


def _named_day(parts: Parts, m: Match, pending_range: bool) -> bool:
    """`now`, `today`, `tonight`, `tomorrow`, `the day after tomorrow` ..."""
    w = m["w"]
    if w.endswith("now"):
        parts.is_now = True
        return True
    if parts.day_shift is not None:
        return False
    if w in ("tonight", "tonite"):
        parts.day_shift = 0
        return set_part_of_day(parts, "tonight")
    if w in _DAY_SHIFTS:
        parts.day_shift = _DAY_SHIFTS[w]
    else:
        parts.day_shift = 2 if "after" in w else -2
    return True


DAY_HANDLERS: dict[str, Handler] = {
    "iso": _iso,
    "dayrange": _day_range,
    "monthslashyear": _month_slash_year,
    "slash": _slash,
    "ymonthd": _year_month_day,
    "monthday": _month_and_day,
    "daymonth": _month_and_day,
    "monthyear": _month_year,
    "ordinal": _ordinal,
    "endof": _end_of,
    "bizday": _business_day,
    "startof": _start_of,
    "afterthis": _after_this,
    "weekday": _weekday,
    "shift": _shift,
    "weekend": _weekend,
    "day": _named_day,
}

"""What `core.timeread` understood in a text, before it is resolved against `now`.

What this module holds: `Clock` (a clock time as written) and `Parts` (everything the
grammar took from the text: date, weekday, shifts, amounts, clock, range end, offset ...);
the setters the grammar's handlers go through, which refuse a second date or clock (so
`friday monday` is refused rather than half read) and apply a part of the day to a clock;
`has_day` / `says_time_clearly`, questions both the grammar and the resolver ask; and
`refuse`, the refusal that tells the user what was understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core import fit
from core.errors import UserError
from core.timeread.words import PARTS, SECONDS

Date = tuple[int | None, int, int]  # (year or None, month, day); month 0: resolved later


@dataclass
class Clock:
    hour: int
    minute: int = 0
    second: int = 0
    meridiem: str | None = None  # "am" / "pm"
    soft: bool = False  # from a part of the day, not written
    literal: bool = False  # minutes written (`7:30`, `19:00`): 24-hour, not ambiguous


@dataclass
class Parts:
    understood: list[str] = field(default_factory=list)
    date: Date | None = None
    alt_date: Date | None = None
    weekday: int | None = None
    weekday_mod: str | None = None
    week_shift: int = 0
    day_shift: int | None = None
    weekend: int | None = None  # 0 this, 1 next, -1 last
    calendar: list[tuple[int, str]] = field(default_factory=list)  # (n, unit) day+
    seconds: float = 0.0
    is_now: bool = False
    clock: Clock | None = None
    end_clock: Clock | None = None
    duration: float | None = None
    part: str | None = None
    part_day_shift: int | None = None
    offset: int | None = None  # minutes east of UTC written in the text
    midnight: bool = False
    exact_iso: bool = False
    month_first: bool = True
    end_days: int = 0  # a range of days: `10 - 22 August`
    end_of: tuple[str, int] | None = None  # (`month`/`week`/`year`, shift): its last day
    start_of: str | None = None  # `this month`: its first day
    bizday: int | None = None  # next (1) / last (-1) working day
    post: list[tuple[int, str]] = field(default_factory=list)  # `+10 days` after a day


# A grammar handler: records a pattern's match in `Parts` and returns True, or declines it
# (False) so the scanner tries the next pattern. Arguments: parts, match, and whether the
# word before was a range word (`7pm to 9pm`).
Handler = Callable[[Parts, re.Match[str], bool], bool]


def refuse(text: str, parts: Parts | None, rest: str, zone: str) -> UserError:
    """The refusal of `text`, saying what was understood and where reading stopped."""
    understood = ""
    if parts is not None and parts.understood:
        # a long text is understood in many pieces: the first few say enough
        pieces = fit.join_fitting([fit.code(u, 40) for u in parts.understood], 200)
        understood = f" I understood {pieces}"
        understood += f" but not {fit.code(rest, 60)}." if rest.strip() else "."
    return UserError(
        f"I couldn't read {fit.code(text)} as a time.{understood} Try `friday 7pm`, "
        f"`Dec 3 18:30`, `tomorrow at 9am`, `2026-12-03 18:30` or `in 2 hours` "
        f"(read in {zone})."
    )


def has_day(parts: Parts) -> bool:
    """The text names a day (or moves by whole days), not only a clock time or seconds."""
    return (
        any(
            x is not None
            for x in (
                parts.date,
                parts.weekday,
                parts.day_shift,
                parts.weekend,
                parts.end_of,
                parts.start_of,
                parts.bizday,
            )
        )
        or bool(parts.calendar)
        or parts.week_shift != 0
        or parts.weekday_mod == "week-pending"
    )


def says_time_clearly(parts: Parts) -> bool:
    """Says a time clearly enough to be taken out of a sentence (not a bare number)."""
    clock = parts.clock
    return (
        has_day(parts)
        or bool(parts.seconds)
        or parts.is_now
        or parts.part is not None
        or parts.duration is not None
        or (clock is not None and (clock.meridiem is not None or clock.literal or clock.hour > 12))
    )


def hour24(clock: Clock) -> int:
    """The clock's hour on a 24-hour clock (an hour without am/pm is taken as written)."""
    h = clock.hour
    if h > 12:
        return h % 24
    if clock.meridiem == "am":
        return 0 if h == 12 else h
    if clock.meridiem == "pm":
        return h if h == 12 else h + 12
    return h


# --- setters: one date and one clock per text --------------------------------------------


def set_date(parts: Parts, value: Date) -> bool:
    if parts.date is not None:
        return False
    _year, month, day = value
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return False
    parts.date = value
    return True


def set_slash(parts: Parts, a: int, b: int, year: int | None) -> bool:
    """`3/4`: month/day or day/month by the zone; the other reading, when it is a date
    too, is kept as the alternative."""
    if parts.date is not None:
        return False
    month_first = parts.month_first
    first = (year, a, b) if month_first else (year, b, a)
    second = (year, b, a) if month_first else (year, a, b)
    if not 1 <= first[1] <= 12 or not 1 <= first[2] <= 31:
        first, second = second, None  # type: ignore[assignment]
    if not 1 <= first[1] <= 12 or not 1 <= first[2] <= 31:
        return False
    parts.date = first
    if second is not None and second != first and 1 <= second[1] <= 12:
        parts.alt_date = second
    return True


def set_clock(parts: Parts, clock: Clock) -> bool:
    """Take `clock` unless a written one is already there; a soft clock (from a part of
    the day) is replaced but lends its am/pm (`tonight at 8`)."""
    if parts.clock is not None and not parts.clock.soft:
        return False
    if clock.meridiem and not 1 <= clock.hour <= 12:
        return (  # `0am` is 12am; `13pm` is refused
            clock.hour == 0
            and clock.meridiem == "am"
            and set_clock(parts, Clock(12, clock.minute, clock.second, "am"))
        )
    if clock.hour > 24 or (clock.hour == 24 and (clock.minute or clock.second)):
        return False
    if parts.clock is not None and parts.clock.soft and clock.meridiem is None:
        clock.meridiem = parts.clock.meridiem
    parts.clock = clock
    return True


def set_part_of_day(parts: Parts, part: str) -> bool:
    """`morning` ... `tonight`: the default clock when none is given, else the am/pm of
    the one given (`8 tonight` is 20:00, `12 tonight` midnight, `2 tonight` 02:00 after)."""
    if parts.part is not None:
        return False
    parts.part = part
    meridiem = "am" if part == "morning" else "pm"
    if parts.clock is None:
        parts.clock = Clock(PARTS[part], 0, 0, meridiem, soft=True)
    elif parts.clock.meridiem is None:
        parts.clock.meridiem = meridiem
        if part in ("night", "tonight") and parts.clock.hour in (12,):
            parts.midnight = True
            parts.clock = Clock(0, parts.clock.minute, 0, None)
        elif part in ("night", "tonight") and 1 <= parts.clock.hour <= 4:
            parts.clock.meridiem = "am"
            parts.part_day_shift = 1
    return True


def add_amounts(parts: Parts, amounts: list[tuple[float, str]], sign: int) -> None:
    """Add `amounts` ((n, unit) terms) from now: hours and less as seconds, days and more
    on the calendar."""
    for n, unit in amounts:
        if unit in SECONDS:
            parts.seconds += sign * n * SECONDS[unit]
        elif unit == "fn":
            add_calendar(parts, sign * n * 14, "d")
        elif unit == "q":
            add_calendar(parts, sign * n * 3, "mo")
        else:
            add_calendar(parts, sign * n, unit)


def add_calendar(parts: Parts, n: float, unit: str) -> None:
    if n != int(n):  # 1.5 days: the half as exact time
        whole = int(n)
        frac = n - whole
        per = {"d": 86400, "w": 7 * 86400, "mo": 30 * 86400, "y": 365 * 86400}[unit]
        parts.seconds += frac * per
        n = whole
    if n:
        parts.calendar.append((int(n), unit))

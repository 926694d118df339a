"""Reading a time the way people mean it (SPEC §4 "Reading a time").

A small grammar of our own, no natural-language library: the text is scanned left to
right by a handful of anchored patterns (dates, weekdays, clock times and ranges, parts of
the day, relative amounts); every word must be understood or the text is refused, saying
what was understood. The parts are then resolved against `now` in the reader's zone.

Rules (the ones people rely on, and the defaults we picked):
- A clock time alone (`7pm`, `19:00`, `noon`) is its next occurrence: today if still
  ahead, else tomorrow, at exactly that wall time in the zone (never a UTC-offset artefact).
- A lone number is an hour, never a day or a month. Without am/pm, 1-12 is read as the next
  time the clock shows that hour: `at 8` at 10:00 is 20:00 today, at 06:00 it is 08:00
  today; the other half of the day is offered as an alternative. With a day (`friday at 8`)
  the first of the two that is still ahead on that day is used (08:00 on a future day). A
  part of the day decides it (`tonight at 8`, `8 in the morning`). 0 and 13-23 are 24-hour.
- Parts of the day, when no clock time is given: morning 09:00, noon 12:00, afternoon
  15:00, evening 19:00, tonight / night 20:00, midnight 00:00 (`friday midnight` is the
  midnight that ends Friday).
- A day without a clock time (`friday`, `Dec 3`, `next week`-style shifts excepted) is
  read at 12:00. Relative days (`tomorrow`, `in 3 days`, `next week`, `3d`) keep the
  current wall-clock time unless a time is given; they count calendar days, so the
  wall-clock time survives a DST change. Hours, minutes and seconds (`in 2 hours`, `30m`)
  are exact amounts of elapsed time.
- A weekday is the next such day, today included if the time is still ahead; `this friday`
  the same; `next friday` the Friday of next week (weeks start on Monday); `friday next
  week` the same; `last friday` the most recent one before today. `this weekend` is the
  coming Saturday (today, on a Sunday), `next weekend` the Saturday of next week.
- A date without a year is its next occurrence, today included if the time is still ahead.
  `3/4` is month/day in zones of the Americas and in UTC, day/month elsewhere; when both
  readings are possible the other is an alternative. A first number above 12 is a day.
- A range (`friday 7-9pm`, `10:00 - 21:45`, `7pm to 9pm`, `7pm for 2 hours`) sets `end`;
  an end not after the start is on the next day (`11pm-1am`).
- A wall time in a DST gap (02:30 on the night clocks go forward) is moved forward by the
  gap (03:30); in an overlap the first occurrence is used unless an offset is written
  (`2025-10-26 02:30+01:00`).
- Past readings are returned as read (`yesterday`, `2 days ago`); refusing the past is the
  caller's choice (`core.timeparse.parse_when`).
- Also read: `+2 months`, `-3 days`, `next 2 weeks` / `last 2 weeks` (amounts from now);
  `next tuesday +10 days` (the amount after the day); `end of (next) month/week/year`
  (its last day; weeks end on Sunday), `this month` / `this year` (its first day),
  `next weekday` (working day); `friday to monday`, `10 August - 12 September 2013` (two
  days: the end is the right side's first reading after the start, a year said once
  applies to both); 2-digit years only from 25 up (`3 Aug 96`; `Dec 3 19` is 19:00).
- A time phrase inside a sentence (`The deadline is today 5pm`, `5 days ago, we did
  something`) is read only when the dropped words are plain (see core.timeread_span), the
  opening ends like `... is` / `let's meet` and the closing is a clause of its own, and the
  phrase says a time clearly (never a bare number): `friday at the pub` is refused.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as dtime

from core import timeread_span
from core.errors import UserError

__all__ = ["Reading", "preview_choices", "read_time"]

MORNING, NOON, AFTERNOON, EVENING, NIGHT = 9, 12, 15, 19, 20
DEFAULT_DAY_HOUR = 12

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3, "several": 3,
}  # fmt: skip
_UNITS = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "min", "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "fortnight": "fn", "fortnights": "fn",
    "mo": "mo", "mon": "mo", "month": "mo", "months": "mo",
    "q": "q", "qtr": "q", "quarter": "q", "quarters": "q",
    "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}  # fmt: skip
_SECONDS = {"s": 1, "min": 60, "h": 3600}
_ABBREVIATIONS = {
    "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "akst": -540, "akdt": -480,
    "hst": -600, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180, "ist": 330,
    "jst": 540, "kst": 540, "aest": 600, "aedt": 660, "acst": 570, "awst": 480,
    "nzst": 720, "nzdt": 780,
}  # fmt: skip
_PARTS = {
    "morning": MORNING, "noon": NOON, "midday": NOON, "afternoon": AFTERNOON,
    "evening": EVENING, "night": NIGHT, "tonight": NIGHT, "midnight": 0,
}  # fmt: skip

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_NUM_RE = (
    r"\d+(?:\.\d+)?|(?:"
    + "|".join(re.escape(w) for w in sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?![a-z])"
)
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_B = r"(?![a-z0-9])"  # word end
_AMOUNT_RE = rf"(?:(?:{_NUM_RE})\s*(?:{_UNIT_RE})(?![a-z])(?:\s+and\s+a\s+half)?)"

_CLOCK = (
    r"(?P<{p}h>\d{{1,2}})(?:[:.](?P<{p}m>[0-5]\d)(?::(?P<{p}s>[0-5]\d))?)?"
    r"\s*(?P<{p}ap>a\.?m\.?|p\.?m\.?|a|p)?(?![a-z0-9])"
)
_CLOCK_COMPACT = r"(?P<{p}h>\d{{1,2}})(?P<{p}m>[0-5]\d)\s*(?P<{p}ap>am|pm|a|p)(?![a-z0-9])"


def _clock(prefix: str) -> str:
    return "(?:" + _CLOCK_COMPACT.format(p=prefix + "c") + "|" + _CLOCK.format(p=prefix) + ")"


_RANGE_SEP = r"\s*(?:-|–|—|~|to|until|till|til|through|thru)\s*"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "iso",
        re.compile(
            r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
            r"(?:(?:t|\s+)(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
            r"(?P<off>z|[+-]\d{2}:?\d{2})?)?" + _B
        ),
    ),
    (
        "dayrange",
        re.compile(
            rf"(?:(?P<mon1>{_MONTH_RE})\.?\s*)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?{_RANGE_SEP}"
            rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?(mon1)|\s*(?:of\s+)?(?P<mon2>{_MONTH_RE})\.?)"
            r"(?:\s*,?\s*(?P<y>\d{4}))?" + _B
        ),
    ),
    ("monthslashyear", re.compile(r"(?P<mo>\d{1,2})/(?P<y>\d{4})" + _B)),
    ("slash", re.compile(r"(?P<a>\d{1,4})/(?P<b>\d{1,2})(?:/(?P<c>\d{2,4}))?" + _B)),
    ("slash", re.compile(r"(?P<a>\d{1,4})(?P<sep>[.-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})" + _B)),
    (
        "ymonthd",
        re.compile(rf"(?P<y>\d{{4}})\s+(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})" + _B),
    ),
    (
        "monthday",
        re.compile(
            rf"(?P<mon>{_MONTH_RE})\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?!\s*(?::|\.\d|am|pm|a\.m|p\.m|a{_B}|p{_B}|-|to{_B}|o'?clock))"
            r"(?:\s*,?\s*(?P<y>\d{4}|[2-9]\d(?!\s*(?::|\.\d|am|pm|a\.m|p\.m|a\b|p\b|o'?clock))))?"
            + _B
        ),
    ),
    (
        "daymonth",
        re.compile(
            rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<mon>{_MONTH_RE})\.?"
            r"(?:\s*,?\s*(?P<y>\d{4}|[2-9]\d(?!\s*(?::|\.\d|am|pm|a\.m|p\.m|a\b|p\b|o'?clock))))?"
            + _B
        ),
    ),
    ("monthyear", re.compile(rf"(?P<mon>{_MONTH_RE})\.?\s+(?P<y>\d{{4}})" + _B)),
    ("ordinal", re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)" + _B)),
    (
        "endof",
        re.compile(
            r"(?:the\s+)?(?:end|last\s+day)\s+of\s+(?:the\s+)?"
            r"(?:(?P<mod>this|next|last|current|coming|previous)\s+)?(?P<unit>month|week|year)" + _B
        ),
    ),
    (
        "bizday",
        re.compile(
            r"(?P<mod>next|last|previous)\s+(?:business\s+|working\s+)?(?:weekday|work\s*day|business\s+day)"
            + _B
        ),
    ),
    ("startof", re.compile(r"(?P<mod>this|current)\s+(?P<unit>month|year)" + _B)),
    ("afterthis", re.compile(r"after\s+this\s+(?P<unit>week|month|year)" + _B)),
    (
        "weekday",
        re.compile(
            rf"(?:(?P<mod>this|next|last|past|coming|previous)\s+)?(?P<wd>{_WEEKDAY_RE})\.?"
            r"(?:\s*,?\s*(?:of\s+)?(?P<wmod>this|next|last|the\s+following)\s+week)?" + _B
        ),
    ),
    (
        "shift",
        re.compile(
            r"(?P<mod>this|next|last|past|coming|previous|following)\s+"
            r"(?P<unit>weekend|week|month|year|quarter|qtr|day|hour|minute)" + _B
        ),
    ),
    ("weekend", re.compile(r"weekend" + _B)),
    (
        "day",
        re.compile(
            r"(?P<w>now|right\s+now|today|tonite|tonight|tomorrow|tmrw|tmr|tomorow|"
            r"yesterday|(?:the\s+)?day\s+after\s+tomorrow|(?:the\s+)?day\s+before\s+yesterday)" + _B
        ),
    ),
    (
        "half",
        re.compile(
            r"(?:(?P<in>in|within)\s+)?(?:a\s+)?half\s+(?:an?\s+)?(?P<unit>hour|day|year|minute)"
            r"(?:\s+(?P<dir>from\s+now|later|ago|hence|after|before|earlier))?" + _B
        ),
    ),
    (
        "relative",
        re.compile(
            rf"(?:(?P<in>in|within|after|next|last|past|the\s+next|the\s+last|the\s+past)\s+"
            r"(?:(?:around|about|approximately|approx|roughly|some)\s+)?)?"
            rf"(?P<amount>{_AMOUNT_RE}(?:\s*(?:and\s+)?{_AMOUNT_RE})*)"
            r"(?:\s*(?P<dir>from\s+now|from\s+today|later|ago|hence|after|before|earlier"
            r"|back|out))?" + _B
        ),
    ),
    (
        "signed",
        re.compile(
            rf"(?P<sign>[+-])\s*(?P<amount>{_AMOUNT_RE}(?:\s*(?:and\s+)?{_AMOUNT_RE})*)" + _B
        ),
    ),
    (
        "theunit",
        re.compile(
            r"the\s+(?P<u>min|minute|hour|day|week|month|year)\s+(?P<dir>before|after)" + _B
        ),
    ),
    (
        "pastto",
        re.compile(
            r"(?P<q>quarter|half|\d{1,2}(?:\s*min(?:ute)?s?)?)\s+(?P<rel>past|after|to|before)\s+"
            r"(?P<h>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|midnight)"
            r"(?:\s*(?P<ap>am|pm))?" + _B
        ),
    ),
    (
        "partofday",
        re.compile(
            r"(?:(?P<mod>this|in\s+the|at|last|tomorrow|yesterday)\s+)?"
            r"(?P<part>morning|noon|midday|afternoon|evening|night|midnight)" + _B
        ),
    ),
    (
        "time",
        re.compile(
            rf"(?!\d{{1,2}}(?:st|nd|rd|th)?\s*(?:{_RANGE_SEP}\s*\d{{1,2}}(?:st|nd|rd|th)?\s*)?"
            rf"(?:of\s+)?(?:{_MONTH_RE}){_B})"
            + _clock("a")
            + r"(?:\s*(?P<oclock>o'?\s*clock))?"
            + r"(?:"
            + _RANGE_SEP
            + _clock("b")
            + r")?"
            + r"(?:\s*for\s+(?P<dur>(?:(?:"
            + _NUM_RE
            + r")\s*(?:"
            + _UNIT_RE
            + r")(?![a-z])\s*(?:and\s+)?)+))?"
        ),
    ),
    (
        "duration_for",
        re.compile(rf"for\s+(?P<dur>(?:(?:{_NUM_RE})\s*(?:{_UNIT_RE})(?![a-z])\s*(?:and\s+)?)+)"),
    ),
    ("tz", re.compile(r"(?P<abbr>" + "|".join(_ABBREVIATIONS) + r")" + _B)),
    (
        "offset",
        re.compile(
            r"(?:(?:utc|gmt)\s*(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?"
            r"|(?P<sign2>[+-])(?P<oh2>\d{2})(?P<om2>\d{2}))" + _B
        ),
    ),
    ("range", re.compile(r"(?:-|–|to|until|till)" + _B)),
    (
        "filler",
        re.compile(
            r"(?:at|on|the|of|by|around|about|@|from|starting|between|and|,|this"
            r"|(?:before|after|no\s+later\s+than)(?=\s+\d))" + _B
        ),
    ),
]
_AMOUNT_PART = re.compile(
    rf"(?:(?<![a-z])|(?=\d))(?P<n>{_NUM_RE})\s*(?P<u>{_UNIT_RE})(?![a-z])"
    r"(?P<half>\s*(?:and\s+)?a\s+half)?"
)


@dataclass(frozen=True)
class Reading:
    """How a text was read. `start`/`end` are UTC epoch seconds; `label` says it in words."""

    start: float
    zone: str
    label: str
    end: float | None = None
    alternatives: tuple[Reading, ...] = ()
    text: str = ""

    @property
    def duration(self) -> float | None:
        return None if self.end is None else self.end - self.start


@dataclass
class _Clock:
    hour: int
    minute: int = 0
    second: int = 0
    meridiem: str | None = None  # "am" / "pm"
    soft: bool = False  # from a part of the day, not written
    literal: bool = False  # minutes written (`7:30`, `19:00`): 24-hour, not ambiguous


@dataclass
class _Parts:
    understood: list[str] = field(default_factory=list)
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    alt_date: tuple[int | None, int, int] | None = None
    weekday: int | None = None
    weekday_mod: str | None = None
    week_shift: int = 0
    day_shift: int | None = None
    weekend: int | None = None  # 0 this, 1 next, -1 last
    calendar: list[tuple[int, str]] = field(default_factory=list)  # (n, unit) day+
    seconds: float = 0.0
    is_now: bool = False
    clock: _Clock | None = None
    end_clock: _Clock | None = None
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


def _refuse(text: str, parts: _Parts | None, rest: str, zone: str) -> UserError:
    understood = ""
    if parts is not None and parts.understood:
        understood = f" I understood {', '.join(f'`{u}`' for u in parts.understood)}"
        understood += f" but not `{rest.strip()}`." if rest.strip() else "."
    return UserError(
        f"I couldn't read `{text}` as a time.{understood} Try `friday 7pm`, "
        f"`Dec 3 18:30`, `tomorrow at 9am`, `2026-12-03 18:30` or `in 2 hours` "
        f"(read in {zone})."
    )


def _normalize(text: str) -> str:
    cleaned = text.strip().lower().replace("’", "'")
    cleaned = re.sub(r"(?<=\d)\s*(?:a\.m\.?|am)(?![a-z])", "am", cleaned)
    cleaned = re.sub(r"(?<=\d)\s*(?:p\.m\.?|pm)(?![a-z])", "pm", cleaned)
    cleaned = re.sub(r"[,;!?~()]", " ", cleaned)
    cleaned = re.sub(r"\.+(?=\s|$)", " ", cleaned)
    cleaned = re.sub(r"^[:\s]+", "", cleaned)
    cleaned = _ORDINAL_WORD_RE.sub(lambda m: _ordinal_word(m.group(0)), cleaned)
    cleaned = re.sub(rf"(?<=\d)[-/](?=(?:{_MONTH_RE})(?![a-z]))", " ", cleaned)
    cleaned = re.sub(rf"(?<![a-z])((?:{_MONTH_RE}))[-/](?=\d)", r"\1 ", cleaned)
    cleaned = re.sub(
        r"(?<![\w+-])(?<!in )(?<!within )(\d{1,2})h([0-5]\d)(?![a-z0-9])", r"\1:\2", cleaned
    )
    cleaned = re.sub(r"\b(last|next|this|past)(month|week|year|day)\b", r"\1 \2", cleaned)
    return re.sub(r"\s+", " ", cleaned).strip()


_ORDINALS = {
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ORDINAL_WORD_RE = re.compile(
    r"(?<![a-z])(?:(?P<tens>twenty|thirty)[- ]?(?P<unit>first|second|third|fourth|fifth|sixth"
    r"|seventh|eighth|ninth)|" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")(?![a-z])"
)


def _ordinal_word(word: str) -> str:
    m = _ORDINAL_WORD_RE.fullmatch(word)
    assert m is not None
    if m["tens"]:
        n = (20 if m["tens"] == "twenty" else 30) + ({"second": 2} | _ORDINALS)[m["unit"]]
    else:
        n = _ORDINALS[word]
    return f"{n}{'st' if n % 10 == 1 and n != 11 else 'nd' if n % 10 == 2 and n != 12 else 'rd' if n % 10 == 3 and n != 13 else 'th'}"


def _number(word: str) -> float:
    word = word.strip()
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    return float(word)


def _meridiem(raw: str | None) -> str | None:
    if not raw:
        return None
    return "am" if raw.startswith("a") else "pm"


def _clock_from(match: re.Match[str], prefix: str) -> _Clock | None:
    hour = match.group(prefix + "ch")
    if hour is not None:
        return _Clock(int(hour), int(match.group(prefix + "cm")), 0,
                      _meridiem(match.group(prefix + "cap")))  # fmt: skip
    hour = match.group(prefix + "h")
    if hour is None:
        return None
    minute = match.group(prefix + "m")
    second = match.group(prefix + "s")
    return _Clock(
        int(hour),
        int(minute or 0),
        int(second or 0),
        _meridiem(match.group(prefix + "ap")),
        literal=minute is not None,
    )


def _amount(text: str) -> list[tuple[float, str]]:
    out = []
    for part in _AMOUNT_PART.finditer(text):
        n = _number(part.group("n")) + (0.5 if part.group("half") else 0)
        out.append((n, _UNITS[part.group("u")]))
    return out


def _add_amounts(parts: _Parts, amounts: list[tuple[float, str]], sign: int) -> None:
    for n, unit in amounts:
        if unit in _SECONDS:
            parts.seconds += sign * n * _SECONDS[unit]
        elif unit == "fn":
            _add_calendar(parts, sign * n * 14, "d")
        elif unit == "q":
            _add_calendar(parts, sign * n * 3, "mo")
        else:
            _add_calendar(parts, sign * n, unit)


def _add_calendar(parts: _Parts, n: float, unit: str) -> None:
    if n != int(n):  # 1.5 days: the half as exact time
        whole = int(n)
        frac = n - whole
        per = {"d": 86400, "w": 7 * 86400, "mo": 30 * 86400, "y": 365 * 86400}[unit]
        parts.seconds += frac * per
        n = whole
    if n:
        parts.calendar.append((int(n), unit))


def _scan(text: str, zone: str, month_first: bool = True) -> _Parts:
    s = _normalize(text)
    if not s:
        raise UserError(f"Give a time, like `friday 7pm` or `in 2 hours` (read in {zone}).")
    parts = _Parts(month_first=month_first)
    pos = 0
    pending_range = False
    while pos < len(s):
        if s[pos] == " ":
            pos += 1
            continue
        for kind, pattern in _PATTERNS:
            match = pattern.match(s, pos)
            if match is None or match.end() == pos:
                continue
            if not _apply(parts, kind, match, pending_range):
                continue
            pending_range = kind == "range"
            if kind not in ("filler", "range"):
                parts.understood.append(match.group(0).strip())
            pos = match.end()
            break
        else:
            raise _refuse(text, parts, s[pos:], zone)
    return parts


def _set_date(parts: _Parts, value: tuple[int | None, int, int]) -> bool:
    if parts.date is not None:
        return False
    _year, month, day = value
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return False
    parts.date = value
    return True


def _set_clock(parts: _Parts, clock: _Clock) -> bool:
    if parts.clock is not None and not parts.clock.soft:
        return False
    if clock.meridiem and not 1 <= clock.hour <= 12:
        return (
            clock.hour == 0
            and clock.meridiem == "am"
            and _set_clock(parts, _Clock(12, clock.minute, clock.second, "am"))
        )
    if clock.hour > 24 or (clock.hour == 24 and (clock.minute or clock.second)):
        return False
    if parts.clock is not None and parts.clock.soft and clock.meridiem is None:
        clock.meridiem = parts.clock.meridiem
    parts.clock = clock
    return True


def _apply(parts: _Parts, kind: str, m: re.Match[str], pending_range: bool) -> bool:
    if kind == "filler" or kind == "range":
        return True
    if kind == "iso":
        if not _set_date(parts, (int(m["y"]), int(m["mo"]), int(m["d"]))):
            return False
        parts.exact_iso = True
        if m["h"] is not None:
            clock = _Clock(int(m["h"]), int(m["mi"]), int(m["s"] or 0), literal=True)
            if not _set_clock(parts, clock):
                return False
            if m["off"]:
                off = m["off"]
                if off == "z":
                    parts.offset = 0
                else:
                    digits = off[1:].replace(":", "")
                    minutes = int(digits[:2]) * 60 + int(digits[2:])
                    parts.offset = minutes if off[0] == "+" else -minutes
        return True
    if kind == "monthslashyear":
        return _set_date(parts, (int(m["y"]), int(m["mo"]), 1))
    if kind == "ymonthd":
        return _set_date(parts, (int(m["y"]), _MONTHS[m["mon"]], int(m["d"])))
    if kind == "endof":
        if _has_day(parts):
            return False
        mod = m["mod"] or "this"
        parts.end_of = (m["unit"], {"next": 1, "coming": 1, "last": -1, "previous": -1}.get(mod, 0))
        return True
    if kind == "bizday":
        if _has_day(parts):
            return False
        parts.bizday = 1 if m["mod"] == "next" else -1
        return True
    if kind == "startof":
        if _has_day(parts):
            return False
        parts.start_of = m["unit"]
        return True
    if kind == "afterthis":
        _add_amounts(parts, [(1, _UNITS[m["unit"]])], 1)
        return True
    if kind == "signed":
        amounts = _amount(m["amount"])
        if not amounts:
            return False
        sign = -1 if m["sign"] == "-" else 1
        if _has_day(parts) and not parts.calendar:
            for n, unit in amounts:
                if unit in _SECONDS:
                    parts.seconds += sign * n * _SECONDS[unit]
                elif n == int(n):
                    factor = {"fn": (14, "d"), "q": (3, "mo")}.get(unit, (1, unit))
                    parts.post.append((sign * int(n) * factor[0], factor[1]))
                else:
                    return False
            return True
        _add_amounts(parts, amounts, sign)
        return True
    if kind == "theunit":
        unit = _UNITS[m["u"]]
        _add_amounts(parts, [(1, unit)], -1 if m["dir"] == "before" else 1)
        return True
    if kind == "slash":
        a, b, c = int(m["a"]), int(m["b"]), m["c"]
        if len(m["a"]) == 4:  # 2026/12/03
            if c is None:
                return False
            return _set_date(parts, (a, b, int(c)))
        year = None
        if c is not None:
            year = int(c) + (2000 if len(c) == 2 else 0)
        return _set_slash(parts, a, b, year)
    if kind == "dayrange":
        year = int(m["y"]) if m["y"] else None
        d1, d2 = int(m["d1"]), int(m["d2"])
        if d2 <= d1 or not _set_date(parts, (year, _MONTHS[m["mon1"] or m["mon2"]], d1)):
            return False
        parts.end_days = d2 - d1
        return True
    if kind in ("monthday", "daymonth"):
        year = _year(m["y"])
        return _set_date(parts, (year, _MONTHS[m["mon"]], int(m["d"])))
    if kind == "monthyear":
        return _set_date(parts, (int(m["y"]), _MONTHS[m["mon"]], 1))
    if kind == "ordinal":
        if parts.date is not None:
            return False
        parts.date = (None, 0, int(m["d"]))  # month resolved later
        return 1 <= int(m["d"]) <= 31
    if kind == "weekday":
        if parts.weekday is not None:
            return False
        parts.weekday = _WEEKDAYS[m["wd"]]
        mod = m["mod"]
        parts.weekday_mod = {"coming": "this", "past": "last", "previous": "last"}.get(
            mod or "", mod
        )
        wmod = m["wmod"]
        if wmod:
            parts.week_shift += {"this": 0, "last": -1}.get(wmod, 1)
            if parts.weekday_mod is None:
                parts.weekday_mod = "week"
        return True
    if kind == "shift":
        mod, unit = m["mod"], m["unit"]
        sign = {"this": 0, "next": 1, "coming": 1, "following": 1}.get(mod, -1)
        if unit == "weekend":
            if parts.weekend is not None:
                return False
            parts.weekend = sign
            return True
        if (unit == "week" and parts.weekday is not None) or (unit == "week" and sign == 0):
            parts.week_shift += sign
            if parts.weekday is not None and parts.weekday_mod is None:
                parts.weekday_mod = "week"
            elif parts.weekday is None:
                parts.weekday_mod = "week-pending"
            return True
        if unit == "week" and parts.weekday is None:
            parts.week_shift += sign
            parts.weekday_mod = "week-pending"
            return True
        if sign == 0:
            return unit in ("day",)
        _add_amounts(parts, [(1, _UNITS.get(unit, unit))], sign)
        return True
    if kind == "weekend":
        if parts.weekend is not None:
            return False
        parts.weekend = 0
        return True
    if kind == "day":
        w = m["w"]
        if w.endswith("now"):
            parts.is_now = True
            return True
        if parts.day_shift is not None:
            return False
        if w in ("tonight", "tonite"):
            parts.day_shift = 0
            return _soft_part(parts, "tonight")
        shift = {"today": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tomorow": 1, "yesterday": -1}
        if w in shift:
            parts.day_shift = shift[w]
        else:
            parts.day_shift = 2 if "after" in w else -2
        return True
    if kind == "half":
        unit = {"hour": "h", "minute": "min", "day": "d", "year": "y"}[m["unit"]]
        sign = -1 if m["dir"] in ("ago", "before", "earlier") else 1
        if unit in _SECONDS:
            parts.seconds += sign * 0.5 * _SECONDS[unit]
        else:
            _add_calendar(parts, sign * 0.5, unit)
        return True
    if kind == "relative":
        amounts = _amount(m["amount"])
        if not amounts:
            return False
        direction = m["dir"] or ""
        if not m["in"] and not direction:
            # a bare amount (`3d`, `2 hours`) means from now, but not a lone clock-like
            # number followed by `m` that could be a minute past the hour
            pass
        sign = -1 if direction in ("ago", "before", "earlier", "back") else 1
        if (m["in"] or "").endswith(("last", "past")):
            if direction:
                return False
            sign = -1
        _add_amounts(parts, amounts, sign)
        return True
    if kind == "pastto":
        q = m["q"]
        minutes = 15 if q == "quarter" else 30 if q == "half" else int(re.match(r"\d+", q)[0])
        h = m["h"]
        hour = 12 if h == "noon" else 0 if h == "midnight" else int(_number(h))
        meridiem = _meridiem(m["ap"])
        if meridiem and q.isdigit():  # `7 to 9pm` is a range, `10 to 7pm` unclear
            return False
        if meridiem and not 1 <= hour <= 12:
            return False
        if meridiem:
            hour = _hour24(_Clock(hour, 0, 0, meridiem))
        if m["rel"] in ("to", "before"):
            hour, minutes = (hour - 1) % 24, 60 - minutes
            if meridiem and hour == 11 and h in ("12", "twelve"):
                hour = 11 if meridiem == "pm" else 23
        clock = _Clock(hour, minutes)
        if meridiem or h in ("noon", "midnight"):
            clock.literal = True
        return _set_clock(parts, clock)
    if kind == "partofday":
        part, mod = m["part"], m["mod"]
        if mod in ("tomorrow", "yesterday"):
            if parts.day_shift is not None:
                return False
            parts.day_shift = 1 if mod == "tomorrow" else -1
        elif mod in ("this", "last"):
            if parts.day_shift is None and parts.date is None and parts.weekday is None:
                parts.day_shift = 0 if mod == "this" else -1
        if part == "midnight":
            if parts.clock is not None:
                return False
            parts.midnight = True
            parts.clock = _Clock(0, 0, 0, None)
            return True
        if part in ("noon", "midday"):
            return _set_clock(parts, _Clock(12, 0, 0, "pm"))
        return _soft_part(parts, part)
    if kind == "time":
        start = _clock_from(m, "a")
        if start is None:
            return False
        if m["oclock"] and start.minute:
            return False
        end = _clock_from(m, "b")
        if end is not None and start.meridiem is None and end.meridiem is None:
            # `7-8`: only a range of hours when one of them is said as a clock time
            if not (m["am"] or m["bm"] or parts.clock is not None):
                pass
        if start.hour > 24 or (end is not None and end.hour > 24):
            return False
        if pending_range and parts.clock is not None and parts.end_clock is None and end is None:
            parts.end_clock = start
            return True
        if not _set_clock(parts, start):
            return False
        if end is not None:
            parts.end_clock = end
        if m["dur"]:
            amounts = _amount(m["dur"])
            parts.duration = sum(_duration_seconds(n, u) for n, u in amounts)
        return True
    if kind == "duration_for":
        if parts.duration is not None:
            return False
        parts.duration = sum(_duration_seconds(n, u) for n, u in _amount(m["dur"]))
        return True
    if kind == "tz":
        if parts.offset is not None:
            return False
        parts.offset = _ABBREVIATIONS[m["abbr"]]
        return True
    if kind == "offset":
        if parts.offset is not None or parts.clock is None:
            return False
        sign = m["sign"] or m["sign2"]
        minutes = int(m["oh"] or m["oh2"]) * 60 + int(m["om"] or m["om2"] or 0)
        parts.offset = minutes if sign == "+" else -minutes
        return True
    return False


def _has_day(parts: _Parts) -> bool:
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


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 50 else 2000
    return year


def _duration_seconds(n: float, unit: str) -> float:
    return n * {"s": 1, "min": 60, "h": 3600, "d": 86400, "w": 604800, "fn": 1209600}.get(
        unit, 86400 * 30
    )


def _soft_part(parts: _Parts, part: str) -> bool:
    if parts.part is not None:
        return False
    parts.part = part
    meridiem = "am" if part == "morning" else "pm"
    if parts.clock is None:
        parts.clock = _Clock(_PARTS[part], 0, 0, meridiem, soft=True)
    elif parts.clock.meridiem is None:
        parts.clock.meridiem = meridiem
        if part in ("night", "tonight") and parts.clock.hour in (12,):
            parts.midnight = True
            parts.clock = _Clock(0, parts.clock.minute, 0, None)
        elif part in ("night", "tonight") and 1 <= parts.clock.hour <= 4:
            parts.clock.meridiem = "am"
            parts.part_day_shift = 1
    return True


def _set_slash(parts: _Parts, a: int, b: int, year: int | None) -> bool:
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


_MONTH_FIRST_PREFIXES = ("America/", "US/", "Canada/", "Pacific/Honolulu", "UTC", "Etc/")


def _month_first(zone: str) -> bool:
    return zone.startswith(_MONTH_FIRST_PREFIXES)


# --- resolving ---------------------------------------------------------------------------


def _zone(name: str) -> zoneinfo.ZoneInfo:
    from core.timeparse import get_zone

    return get_zone(name)


def _to_epoch(day: date, clock: dtime, tz: zoneinfo.ZoneInfo | timezone) -> float:
    return datetime.combine(day, clock).replace(tzinfo=tz, fold=0).timestamp()


def _hour24(clock: _Clock) -> int:
    h = clock.hour
    if h > 12:
        return h % 24
    if clock.meridiem == "am":
        return 0 if h == 12 else h
    if clock.meridiem == "pm":
        return h if h == 12 else h + 12
    return h


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _shift(day: date, n: int, unit: str) -> date:
    if unit == "d":
        return day + timedelta(days=n)
    if unit == "w":
        return day + timedelta(weeks=n)
    return _add_months(day, n if unit == "mo" else 12 * n)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Resolver:
    def __init__(self, parts: _Parts, tz: zoneinfo.ZoneInfo, now: float, text: str) -> None:
        self.parts = parts
        self.tz = tz
        self.wall_tz: zoneinfo.ZoneInfo | timezone = (
            tz if parts.offset is None else timezone(timedelta(minutes=parts.offset))
        )
        self.now = now
        self.local_now = datetime.fromtimestamp(now, tz=UTC).astimezone(self.wall_tz)
        self.today = self.local_now.date()
        self.text = text

    def clock_candidates(self) -> list[dtime]:
        """The wall times the clock part can mean, preferred first (before `now` ordering)."""
        clock = self.parts.clock
        assert clock is not None
        if clock.meridiem is None and 1 <= clock.hour <= 12 and not clock.literal:
            first = dtime(
                clock.hour % 12 if clock.hour == 12 else clock.hour, clock.minute, clock.second
            )
            if clock.hour == 12:
                first = dtime(12, clock.minute, clock.second)
                second = dtime(0, clock.minute, clock.second)
                if _has_day(self.parts) and not self.parts.part:
                    return [first]  # `Aug 3 at 12`, `friday 12`: noon, not the midnight before
            else:
                second = dtime(clock.hour + 12, clock.minute, clock.second)
            return [first, second]
        if clock.hour == 24:
            return [dtime(0, clock.minute, clock.second)]
        return [dtime(_hour24(clock), clock.minute, clock.second)]

    def after(self, day: date, clock: dtime) -> bool:
        return _to_epoch(day, clock, self.wall_tz) > self.now

    def resolve(self) -> list[tuple[float, float | None]]:
        p = self.parts
        has_day = _has_day(p)
        if p.is_now and not (has_day or p.clock or p.seconds):
            return [(self.now, None)]
        if not has_day and p.clock is None:
            if not p.seconds and p.duration and p.end_clock is None:
                return [(self.now + p.duration, None)]  # `for 5 minutes`: a timer
            if not p.seconds:
                raise _refuse(self.text, p, "", self.tz.key)
            start = self.now + p.seconds
            return [(start, self._end(start, None, None))]
        if p.seconds and p.clock is not None and not p.calendar:
            raise _refuse(self.text, p, "", self.tz.key)
        results = []
        for day_choice in self.days():
            for day, clock, exact in self.with_clock(day_choice):
                if exact:
                    start = self.now + p.seconds
                else:
                    start = _to_epoch(day, clock, self.wall_tz) + p.seconds
                results.append((start, self._end(start, day, clock)))
        seen: list[tuple[float, float | None]] = []
        for r in results:
            if r not in seen:
                seen.append(r)
        return seen

    def days(self) -> list[tuple[str, date | None]]:
        choices = self._days()
        if not self.parts.post:
            return choices
        out: list[tuple[str, date | None]] = []
        for kind, day in choices:
            assert day is not None
            if kind != "fixed":  # the next occurrence first, then the shift
                first = self.with_clock((kind, day))[0][0]
                day = first
            for n, unit in self.parts.post:
                day = _shift(day, n, unit)
            out.append(("fixed", day))
        return out

    def _days(self) -> list[tuple[str, date | None]]:
        """Candidate days: ("fixed", day) is that day; ("next", day) means the first day
        on or after `day` whose time is ahead (a date without a year uses "yearly")."""
        p = self.parts
        if p.end_of is not None:
            unit, shift = p.end_of
            t = self.today
            if unit == "week":
                return [("fixed", t + timedelta(days=6 - t.weekday(), weeks=shift))]
            if unit == "month":
                first = _add_months(t.replace(day=1), shift + 1)
                return [("fixed", first - timedelta(days=1))]
            return [("fixed", date(t.year + shift, 12, 31))]
        if p.start_of is not None:
            t = self.today
            return [("fixed", t.replace(day=1) if p.start_of == "month" else date(t.year, 1, 1))]
        if p.bizday is not None:
            day = self.today + timedelta(days=p.bizday)
            while day.weekday() >= 5:
                day += timedelta(days=p.bizday)
            return [("fixed", day)]
        today = self.today
        base = today
        if p.day_shift is not None:
            base = today + timedelta(days=p.day_shift)
        if p.calendar:
            for n, unit in p.calendar:
                if unit == "d":
                    base += timedelta(days=n)
                elif unit == "w":
                    base += timedelta(weeks=n)
                elif unit == "mo":
                    base = _add_months(base, n)
                elif unit == "y":
                    base = _add_months(base, 12 * n)
            if p.date is None and p.weekday is None and p.weekend is None:
                return [("fixed", base)]
        if p.date is not None:
            choices = []
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
                        raise UserError(f"`{self.text}`: {year}-{month:02}-{day:02} is not a date.")
                    choices.append(("fixed", d))
                else:
                    if _valid(2024, month, day) is None:
                        if value is p.alt_date:
                            continue
                        raise UserError(f"`{self.text}`: there is no {day} in month {month}.")
                    choices.append(("yearly", date(2024, month, day)))
            return choices
        if p.weekend is not None:
            sat = today + timedelta(days=(5 - today.weekday()) % 7)
            if today.weekday() == 6:
                sat = today if p.weekend == 0 else today + timedelta(days=6)
            sat += timedelta(weeks=p.weekend if p.weekend >= 0 else 0)
            if p.weekend < 0:
                sat = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
                sat = sat if sat < today else sat - timedelta(days=7)
            return [("fixed", sat)]
        if p.weekday is not None:
            wd = p.weekday
            mod = p.weekday_mod
            if mod in ("next", "week", "week-pending") or p.week_shift:
                shift = p.week_shift if mod != "next" else p.week_shift + 1
                if mod == "next" and p.week_shift == 0:
                    shift = 1
                monday = base - timedelta(days=base.weekday()) + timedelta(weeks=shift)
                day = monday + timedelta(days=wd)
                out = [("fixed", day)]
                if mod == "next":
                    coming = base + timedelta(days=(wd - base.weekday()) % 7 or 7)
                    if coming != day:
                        out.append(("fixed", coming))
                return out
            if mod == "last":
                back = (base.weekday() - wd) % 7 or 7
                return [("fixed", base - timedelta(days=back))]
            start = base + timedelta(days=(wd - base.weekday()) % 7)
            return [("weekly", start)]
        if p.weekday_mod == "week-pending":
            return [("fixed", today + timedelta(weeks=p.week_shift))]
        if p.day_shift is not None:
            return [("fixed", base + timedelta(days=p.part_day_shift or 0))]
        return [("daily", today)]

    def with_clock(self, choice: tuple[str, date | None]) -> list[tuple[date, dtime, bool]]:
        kind, day = choice
        assert day is not None
        p = self.parts
        relative_day = (
            p.day_shift is not None or bool(p.calendar) or (p.weekday_mod == "week-pending")
        )
        if p.clock is None:
            if relative_day and p.date is None and p.weekday is None and p.weekend is None:
                wall = self.local_now.time().replace(microsecond=0, tzinfo=None)
                if kind == "fixed":
                    return (
                        [(day, wall, True)]
                        if day == self.today and not p.calendar
                        else [(day, wall, False)]
                    )
            candidates = [dtime(DEFAULT_DAY_HOUR)]
        else:
            candidates = self.clock_candidates()
        bump = timedelta(0)
        if p.midnight and p.clock is not None and p.clock.hour == 0:
            # `friday midnight`, `midnight tonight`: the midnight that ends that day
            if p.date is not None or p.weekday is not None or p.day_shift is not None or p.part:
                bump = timedelta(days=1)
                day = day + bump
        out: list[tuple[date, dtime, bool]] = []
        if kind == "fixed":
            ahead = [c for c in candidates if self.after(day, c)]
            first = ahead[0] if ahead else candidates[0]
            out.append((day, first, False))
            out.extend((day, c, False) for c in candidates if c != first)
            return out
        # "next occurrence" kinds: first candidate (day, clock) that is ahead
        options: list[tuple[date, dtime]] = []
        if kind == "daily":
            for offset in range(0, 3):
                d = day + timedelta(days=offset)
                options.extend((d, c) for c in candidates)
        elif kind == "weekly":
            for offset in (0, 7):
                options.extend((day + timedelta(days=offset), c) for c in candidates)
        elif kind == "yearly":
            for year in range(self.today.year, self.today.year + 9):
                d = _valid(year, day.month, day.day)
                if d is not None:
                    options.extend((d + bump, c) for c in candidates)
        elif kind == "monthly":
            for months in range(0, 3):
                first_of = _add_months(self.today.replace(day=1), months)
                d = _valid(first_of.year, first_of.month, day.day)
                if d is not None:
                    options.extend((d + bump, c) for c in candidates)
        options.sort(key=lambda o: _to_epoch(o[0], o[1], self.wall_tz))
        ahead = [o for o in options if self.after(*o)]
        if not ahead:
            ahead = options
        best = ahead[0]
        out.append((best[0], best[1], False))
        if len(candidates) > 1:  # the other half of the day, the next time it comes
            other = [o for o in ahead if o[1] != best[1]]
            if other:
                out.append((other[0][0], other[0][1], False))
        return out

    def _end(self, start: float, day: date | None, clock: dtime | None) -> float | None:
        p = self.parts
        if p.duration is not None:
            return start + p.duration
        if p.end_days and day is not None and clock is not None:
            return _to_epoch(day + timedelta(days=p.end_days), clock, self.wall_tz)
        if p.end_clock is None or day is None or clock is None:
            return None
        end = p.end_clock
        start_clock = p.clock
        assert start_clock is not None
        if end.meridiem is None and start_clock.meridiem is None and 1 <= end.hour <= 12:
            options = [end.hour, (end.hour + 12) % 24] if end.hour != 12 else [12, 0]
        elif end.meridiem is None and 1 <= end.hour <= 12:
            options = [end.hour % 12 if end.hour == 12 else end.hour, end.hour % 12 + 12]
        else:
            options = [_hour24(end) % 24]
        start_local = datetime.combine(day, clock)
        best = None
        for hour in options:
            candidate = datetime.combine(day, dtime(hour, end.minute, end.second))
            if candidate <= start_local:
                candidate += timedelta(days=1)
            if best is None or candidate < best:
                best = candidate
        assert best is not None
        return best.replace(tzinfo=self.wall_tz, fold=0).timestamp()


def _start_meridiem_from_end(parts: _Parts) -> None:
    """`7-9pm`: the start takes the end's am/pm when that keeps it before the end."""
    start, end = parts.clock, parts.end_clock
    if start is None or end is None or start.meridiem is not None or end.meridiem is None:
        return
    if not 1 <= start.hour <= 12:
        return
    trial = _Clock(start.hour, start.minute, start.second, end.meridiem)
    if (_hour24(trial), trial.minute) < (_hour24(end), end.minute):
        start.meridiem = end.meridiem
    else:
        start.meridiem = "am" if end.meridiem == "pm" else "pm"


def _label(start: float, end: float | None, zone: zoneinfo.ZoneInfo) -> str:
    local = datetime.fromtimestamp(start, tz=UTC).astimezone(zone)
    text = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"
    if local.second:
        text += f":{local.second:02}"
    if end is not None:
        end_local = datetime.fromtimestamp(end, tz=UTC).astimezone(zone)
        if end_local.date() == local.date():
            text += f"–{end_local:%H:%M}"
        else:
            text += f" – {end_local:%a} {end_local.day} {end_local:%b %Y}, {end_local:%H:%M}"
    return f"{text} ({zone.key})"


def read_time(text: str, zone: str, now: float) -> Reading:
    """Read `text` in `zone` at the moment `now` (UTC epoch seconds). Raises UserError
    saying what was understood when the text can't be read. Past readings are returned."""
    tz = _zone(zone)
    month_first = _month_first(tz.key)
    normalized = _normalize(text)
    ranged = _day_range(normalized, tz, now, text, month_first)
    if ranged is not None:
        return ranged
    try:
        parts = _scan(text, tz.key, month_first=month_first)
        results = _resolve(parts, tz, now, text)
    except UserError as refusal:
        clauses = _normalize(re.sub(r"[,;]", f" {timeread_span.CLAUSE} ", text))
        for phrase in timeread_span.sentence_phrases(clauses, _vocabulary()):
            ranged = _day_range(phrase, tz, now, text, month_first)
            if ranged is not None:
                return ranged
            try:
                parts = _scan(phrase, tz.key, month_first=month_first)
                if not _clear(parts):
                    continue
                results = _resolve(parts, tz, now, text)
            except UserError:
                continue
            break
        else:
            raise refusal from None
    readings = [
        Reading(start=s, end=e, zone=tz.key, label=_label(s, e, tz), text=text) for s, e in results
    ]
    first = readings[0]
    return Reading(
        start=first.start,
        end=first.end,
        zone=first.zone,
        label=first.label,
        alternatives=tuple(readings[1:]),
        text=text,
    )


def _resolve(
    parts: _Parts, tz: zoneinfo.ZoneInfo, now: float, text: str
) -> list[tuple[float, float | None]]:
    _start_meridiem_from_end(parts)
    results = _Resolver(parts, tz, now, text).resolve()
    if not results:
        raise _refuse(text, parts, "", tz.key)
    return results


def _clear(parts: _Parts) -> bool:
    """Says a time clearly enough to be taken out of a sentence (not a bare number)."""
    clock = parts.clock
    return (
        _has_day(parts)
        or bool(parts.seconds)
        or parts.is_now
        or parts.part is not None
        or parts.duration is not None
        or (clock is not None and (clock.meridiem is not None or clock.literal or clock.hour > 12))
    )


def _day_range(
    text: str, tz: zoneinfo.ZoneInfo, now: float, original: str, month_first: bool
) -> Reading | None:
    """`friday to monday`, `10 August - 12 September 2013`: two sides that each name a day.
    The end is the first reading of the right side after the start."""
    for left_text, right_text in timeread_span.range_splits(text):
        try:
            left = _scan(left_text, tz.key, month_first=month_first)
            right = _scan(right_text, tz.key, month_first=month_first)
        except UserError:
            continue
        if not (_has_day(left) and _has_day(right)):
            continue
        if left.date and right.date and left.date[0] is None and right.date[0] is not None:
            left.date = (right.date[0], left.date[1], left.date[2])  # the year said once
        try:
            start = _resolve(left, tz, now, original)[0][0]
            end = _resolve(right, tz, now, original)[0][0]
            if end <= start:
                right = _scan(right_text, tz.key, month_first=month_first)
                end = _resolve(right, tz, start, original)[0][0]
        except UserError:
            continue
        if end <= start:
            continue
        return Reading(
            start=start, end=end, zone=tz.key, label=_label(start, end, tz), text=original
        )
    return None


_VOCABULARY: frozenset[str] = frozenset()


def _vocabulary() -> frozenset[str]:
    global _VOCABULARY
    if not _VOCABULARY:
        words = {*_MONTHS, *_WEEKDAYS, *_PARTS, *_ABBREVIATIONS}
        words |= {u for u in _UNITS if len(u) > 2}
        words |= {w for w in _NUMBER_WORDS if w not in ("a", "an") and " " not in w}
        words |= {w for w in _ORDINALS} | {"second"}
        _VOCABULARY = frozenset(words)
    return _VOCABULARY


def iso_value(start: float, end: float | None, zone: str) -> str:
    """An unambiguous text that `read_time` reads back as exactly this reading."""
    tz = _zone(zone)
    local = datetime.fromtimestamp(start, tz=UTC).astimezone(tz)
    text = f"{local:%Y-%m-%d %H:%M}"
    if local.second:
        text += f":{local.second:02}"
    naive = local.replace(tzinfo=None)
    if naive.replace(tzinfo=tz, fold=0).timestamp() != start:
        off = local.utcoffset() or timedelta(0)
        minutes = int(off.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        text += f"{sign}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"
    if end is not None:
        end_local = datetime.fromtimestamp(end, tz=UTC).astimezone(tz)
        ranged = f"{text} - {end_local:%H:%M}"
        if end - start < 86400 and not end_local.second:
            try:
                back = read_time(ranged, zone, start)
            except UserError:
                back = None
            if back is not None and (back.start, back.end) == (start, end):
                return ranged
        seconds = end - start
        text += f" for {int(seconds)}s" if seconds == int(seconds) else f" for {seconds}s"
    return text


def preview_choices(
    text: str, zone: str, now: float, limit: int = 5, future_only: bool = False
) -> list[tuple[str, str]]:
    """Autocomplete choices for a `when` option: (how it is read, an ISO text that reads
    back exactly). Empty when the text can't be read yet."""
    if not text.strip():
        return []
    try:
        reading = read_time(text, zone, now)
    except UserError:
        return []
    out = []
    for r in (reading, *reading.alternatives)[:limit]:
        if future_only and r.start <= now:
            continue
        name = r.label if len(r.label) <= 100 else r.label[:99] + "…"
        value = iso_value(r.start, r.end, r.zone)
        if (name, value) not in out:
            out.append((name, value[:100]))
    return out

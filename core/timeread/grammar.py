"""The grammar of `core.timeread`: reading normalized text into `Parts`.

What this module holds: `scan`, which walks the text left to right trying the patterns of
`core.timeread.patterns` in order at each position, and one handler per pattern kind that
records the match in `Parts` — or declines it (returns False), so the next pattern is tried
(`friday monday`: the second weekday is declined, and the text is refused). Every word must
be taken by some pattern, else the text is refused saying what was understood.
"""

from __future__ import annotations

import re

from core.errors import UserError
from core.timeread.dates import DAY_HANDLERS
from core.timeread.parts import (
    Clock,
    Handler,
    Parts,
    add_amounts,
    add_calendar,
    has_day,
    hour24,
    refuse,
    set_clock,
    set_part_of_day,
)
from core.timeread.patterns import AMOUNT_PART, PATTERNS
from core.timeread.words import (
    ABBREVIATIONS,
    SECONDS,
    UNITS,
    meridiem,
    normalize,
    number,
)

Match = re.Match[str]


def scan(text: str, zone: str, month_first: bool = True) -> Parts:
    """What `text` says, or a refusal naming what was understood and what was not."""
    s = normalize(text)
    if not s:
        raise UserError(f"Give a time, like `friday 7pm` or `in 2 hours` (read in {zone}).")
    parts = Parts(month_first=month_first)
    pos = 0
    pending_range = False
    while pos < len(s):
        if s[pos] == " ":
            pos += 1
            continue
        for kind, pattern, handle in _RULES:
            match = pattern.match(s, pos)
            if match is None or match.end() == pos:
                continue
            if not handle(parts, match, pending_range):
                continue
            pending_range = kind == "range"
            if kind not in ("filler", "range"):
                parts.understood.append(match.group(0).strip())
            pos = match.end()
            break
        else:
            raise refuse(text, parts, s[pos:], zone)
    return parts


# --- reading the numbers inside a match ----------------------------------------------------


def _clock_from(match: Match, prefix: str) -> Clock | None:
    """The clock time of groups `{prefix}...` of the clock pattern, if it matched."""
    hour = match.group(prefix + "ch")
    if hour is not None:
        return Clock(int(hour), int(match.group(prefix + "cm")), 0,
                     meridiem(match.group(prefix + "cap")))  # fmt: skip
    hour = match.group(prefix + "h")
    if hour is None:
        return None
    minute = match.group(prefix + "m")
    second = match.group(prefix + "s")
    return Clock(
        int(hour),
        int(minute or 0),
        int(second or 0),
        meridiem(match.group(prefix + "ap")),
        literal=minute is not None,
    )


def _amount(text: str) -> list[tuple[float, str]]:
    """`2 hours and 30 min` -> [(2, "h"), (30, "min")]."""
    out = []
    for part in AMOUNT_PART.finditer(text):
        n = number(part.group("n")) + (0.5 if part.group("half") else 0)
        out.append((n, UNITS[part.group("u")]))
    return out


def _duration_seconds(n: float, unit: str) -> float:
    # a `for ...` length is elapsed time even in days; a month counts 30 days
    return n * {"s": 1, "min": 60, "h": 3600, "d": 86400, "w": 604800, "fn": 1209600}.get(
        unit, 86400 * 30
    )


# --- amounts -------------------------------------------------------------------------------

_BACKWARDS = ("ago", "before", "earlier")


def _half(parts: Parts, m: Match, pending_range: bool) -> bool:
    unit = {"hour": "h", "minute": "min", "day": "d", "year": "y"}[m["unit"]]
    sign = -1 if m["dir"] in _BACKWARDS else 1
    if unit in SECONDS:
        parts.seconds += sign * 0.5 * SECONDS[unit]
    else:
        add_calendar(parts, sign * 0.5, unit)
    return True


def _relative(parts: Parts, m: Match, pending_range: bool) -> bool:
    """`in 3 days`, `2 hours ago`, `last 2 weeks`; a bare amount (`3d`) is from now."""
    amounts = _amount(m["amount"])
    if not amounts:
        return False
    direction = m["dir"] or ""
    sign = -1 if direction in (*_BACKWARDS, "back") else 1
    if (m["in"] or "").endswith(("last", "past")):
        if direction:
            return False
        sign = -1
    add_amounts(parts, amounts, sign)
    return True


def _signed(parts: Parts, m: Match, pending_range: bool) -> bool:
    """`+2 months`, `-3 days`; after a day (`next tuesday +10 days`) the days are counted
    from that day, so they wait in `post` until it is resolved."""
    amounts = _amount(m["amount"])
    if not amounts:
        return False
    sign = -1 if m["sign"] == "-" else 1
    if has_day(parts) and not parts.calendar:
        for n, unit in amounts:
            if unit in SECONDS:
                parts.seconds += sign * n * SECONDS[unit]
            elif n == int(n):
                factor = {"fn": (14, "d"), "q": (3, "mo")}.get(unit, (1, unit))
                parts.post.append((sign * int(n) * factor[0], factor[1]))
            else:
                return False
        return True
    add_amounts(parts, amounts, sign)
    return True


def _the_unit(parts: Parts, m: Match, pending_range: bool) -> bool:
    """`the day after`, `the week before`: one unit from now."""
    add_amounts(parts, [(1, UNITS[m["u"]])], -1 if m["dir"] == "before" else 1)
    return True


def _duration_for(parts: Parts, m: Match, pending_range: bool) -> bool:
    if parts.duration is not None:
        return False
    parts.duration = sum(_duration_seconds(n, u) for n, u in _amount(m["dur"]))
    return True


# --- clock times ---------------------------------------------------------------------------


def _past_to(parts: Parts, m: Match, pending_range: bool) -> bool:
    """`quarter past 7`, `half past noon`, `10 to 7pm`."""
    q = m["q"]
    minutes = 15 if q == "quarter" else 30 if q == "half" else int(re.findall(r"\d+", q)[0])
    h = m["h"]
    hour = 12 if h == "noon" else 0 if h == "midnight" else int(number(h))
    ap = meridiem(m["ap"])
    if ap and q.isdigit():  # `7 to 9pm` is a range, `10 to 7pm` unclear
        return False
    if ap and not 1 <= hour <= 12:
        return False
    if ap:
        hour = hour24(Clock(hour, 0, 0, ap))
    if m["rel"] in ("to", "before"):
        hour, minutes = (hour - 1) % 24, 60 - minutes
        if ap and hour == 11 and h in ("12", "twelve"):
            hour = 11 if ap == "pm" else 23
    clock = Clock(hour, minutes)
    if ap or h in ("noon", "midnight"):
        clock.literal = True
    return set_clock(parts, clock)


def _part_of_day(parts: Parts, m: Match, pending_range: bool) -> bool:
    """`this morning`, `tomorrow evening`, `at noon`, `midnight`."""
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
        parts.clock = Clock(0, 0, 0, None)
        return True
    if part in ("noon", "midday"):
        return set_clock(parts, Clock(12, 0, 0, "pm"))
    return set_part_of_day(parts, part)


def _time(parts: Parts, m: Match, pending_range: bool) -> bool:
    """A clock time, maybe a range (`7-9pm`) or with a length (`7pm for 2 hours`); after
    a range word (`7pm to 9pm`) a lone clock time is the end."""
    start = _clock_from(m, "a")
    if start is None:
        return False
    if m["oclock"] and start.minute:
        return False
    end = _clock_from(m, "b")
    if start.hour > 24 or (end is not None and end.hour > 24):
        return False
    if pending_range and parts.clock is not None and parts.end_clock is None and end is None:
        parts.end_clock = start
        return True
    if not set_clock(parts, start):
        return False
    if end is not None:
        parts.end_clock = end
    if m["dur"]:
        amounts = _amount(m["dur"])
        parts.duration = sum(_duration_seconds(n, u) for n, u in amounts)
    return True


# --- zones and words that only join ----------------------------------------------------------


def _zone_abbreviation(parts: Parts, m: Match, pending_range: bool) -> bool:
    if parts.offset is not None:
        return False
    parts.offset = ABBREVIATIONS[m["abbr"]]
    return True


def _utc_offset(parts: Parts, m: Match, pending_range: bool) -> bool:
    # only after a clock time: a lone `-0500` is not a time
    if parts.offset is not None or parts.clock is None:
        return False
    sign = m["sign"] or m["sign2"]
    minutes = int(m["oh"] or m["oh2"]) * 60 + int(m["om"] or m["om2"] or 0)
    parts.offset = minutes if sign == "+" else -minutes
    return True


def _joining_word(parts: Parts, m: Match, pending_range: bool) -> bool:
    return True  # `at`, `on`, `the`, a range word: understood, adds nothing by itself


_HANDLERS: dict[str, Handler] = {
    **DAY_HANDLERS,
    "half": _half,
    "relative": _relative,
    "signed": _signed,
    "theunit": _the_unit,
    "pastto": _past_to,
    "partofday": _part_of_day,
    "time": _time,
    "duration_for": _duration_for,
    "tz": _zone_abbreviation,
    "offset": _utc_offset,
    "range": _joining_word,
    "filler": _joining_word,
}
_RULES = [(kind, pattern, _HANDLERS[kind]) for kind, pattern in PATTERNS]

"""The words `core.timeread` knows.

What this module holds: month and weekday names, number and ordinal words, units of an
amount, zone abbreviations, the hours parts of the day stand for, the regex alternations
built from those words, and `normalize` — the one pass that turns typed text into the
lower-case, single-spaced form the grammar (`core.timeread.patterns`) is written against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# the wall hour a part of the day means when no clock time is given
MORNING, NOON, AFTERNOON, EVENING, NIGHT = 9, 12, 15, 19, 20
DEFAULT_DAY_HOUR = 12  # a day without a clock time (`friday`, `Dec 3`)

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3, "several": 3,
}  # fmt: skip
# unit codes: s/min/h are elapsed time; d/w/mo/y (and fn = 14 d, q = 3 mo) count the
# calendar, so the wall-clock time survives a DST change
UNITS = {
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
SECONDS = {"s": 1, "min": 60, "h": 3600}  # the units that are exact elapsed time
ABBREVIATIONS = {  # minutes east of UTC
    "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "akst": -540, "akdt": -480,
    "hst": -600, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180, "ist": 330,
    "jst": 540, "kst": 540, "aest": 600, "aedt": 660, "acst": 570, "awst": 480,
    "nzst": 720, "nzdt": 780,
}  # fmt: skip
PARTS = {
    "morning": MORNING, "noon": NOON, "midday": NOON, "afternoon": AFTERNOON,
    "evening": EVENING, "night": NIGHT, "tonight": NIGHT, "midnight": 0,
}  # fmt: skip
# `second` is left out: it is also a unit (`twenty-second` is handled apart)
ORDINALS = {
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip


def _longest_first(words: Iterable[str]) -> list[str]:
    # alternations try the longest word first, so `september` is not read as `sep`
    return sorted(words, key=len, reverse=True)


MONTH_RE = "|".join(_longest_first(MONTHS))
WEEKDAY_RE = "|".join(_longest_first(WEEKDAYS))
NUM_RE = (
    r"\d+(?:\.\d+)?|(?:"
    + "|".join(re.escape(w) for w in _longest_first(NUMBER_WORDS))
    + r")(?![a-z])"
)
UNIT_RE = "|".join(_longest_first(UNITS))
WORD_END = r"(?![a-z0-9])"
AMOUNT_RE = rf"(?:(?:{NUM_RE})\s*(?:{UNIT_RE})(?![a-z])(?:\s+and\s+a\s+half)?)"

_ORDINAL_WORD_RE = re.compile(
    r"(?<![a-z])(?:(?P<tens>twenty|thirty)[- ]?(?P<unit>first|second|third|fourth|fifth|sixth"
    r"|seventh|eighth|ninth)|" + "|".join(_longest_first(ORDINALS)) + r")(?![a-z])"
)


def normalize(text: str) -> str:
    """`text` lower-cased and single-spaced, with am/pm glued to their number, ordinal
    words as `3rd`, `17h30` as `17:30` and `10-aug` as `10 aug`: the form the patterns
    are written against."""
    cleaned = text.strip().lower().replace("’", "'")
    cleaned = re.sub(r"(?<=\d)\s*(?:a\.m\.?|am)(?![a-z])", "am", cleaned)
    cleaned = re.sub(r"(?<=\d)\s*(?:p\.m\.?|pm)(?![a-z])", "pm", cleaned)
    cleaned = re.sub(r"[,;!?~()]", " ", cleaned)
    cleaned = re.sub(r"\.+(?=\s|$)", " ", cleaned)
    cleaned = re.sub(r"^[:\s]+", "", cleaned)
    cleaned = _ORDINAL_WORD_RE.sub(lambda m: _ordinal_word(m.group(0)), cleaned)
    cleaned = re.sub(rf"(?<=\d)[-/](?=(?:{MONTH_RE})(?![a-z]))", " ", cleaned)
    cleaned = re.sub(rf"(?<![a-z])((?:{MONTH_RE}))[-/](?=\d)", r"\1 ", cleaned)
    # `17h30` is a clock time, but not `in 2h30` / `+1h30` (an amount)
    cleaned = re.sub(
        r"(?<![\w+-])(?<!in )(?<!within )(\d{1,2})h([0-5]\d)(?![a-z0-9])", r"\1:\2", cleaned
    )
    cleaned = re.sub(r"\b(last|next|this|past)(month|week|year|day)\b", r"\1 \2", cleaned)
    return re.sub(r"\s+", " ", cleaned).strip()


def _ordinal_word(word: str) -> str:
    """`twenty-first` -> `21st`."""
    m = _ORDINAL_WORD_RE.fullmatch(word)
    assert m is not None
    if m["tens"]:
        n = (20 if m["tens"] == "twenty" else 30) + ({"second": 2} | ORDINALS)[m["unit"]]
    else:
        n = ORDINALS[word]
    return f"{n}{_ordinal_suffix(n)}"


def _ordinal_suffix(n: int) -> str:
    if n % 10 == 1 and n != 11:
        return "st"
    if n % 10 == 2 and n != 12:
        return "nd"
    if n % 10 == 3 and n != 13:
        return "rd"
    return "th"


def number(word: str) -> float:
    """`3`, `2.5` or a number word (`a couple of`) as a number."""
    word = word.strip()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    return float(word)


def meridiem(raw: str | None) -> str | None:
    """`a.m.` / `p` ... as "am" / "pm"; None when not written."""
    if not raw:
        return None
    return "am" if raw.startswith("a") else "pm"


_VOCABULARY: frozenset[str] = frozenset()


def vocabulary() -> frozenset[str]:
    """The words that are never dropped from around a phrase in a sentence
    (`core.timeread.span`): they could be part of the time. Built once, on first use."""
    global _VOCABULARY
    if not _VOCABULARY:
        words = {*MONTHS, *WEEKDAYS, *PARTS, *ABBREVIATIONS}
        words |= {u for u in UNITS if len(u) > 2}
        words |= {w for w in NUMBER_WORDS if w not in ("a", "an") and " " not in w}
        words |= {w for w in ORDINALS} | {"second"}
        _VOCABULARY = frozenset(words)
    return _VOCABULARY


_MONTH_FIRST_PREFIXES = ("America/", "US/", "Canada/", "Pacific/Honolulu", "UTC", "Etc/")


def month_first(zone: str) -> bool:
    """`3/4` is March 4 in zones of the Americas and in UTC, 3 April elsewhere."""
    return zone.startswith(_MONTH_FIRST_PREFIXES)

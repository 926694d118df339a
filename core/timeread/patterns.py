"""The patterns of the `core.timeread` grammar.

What this module holds: `PATTERNS`, the anchored regexes the scanner tries in order at each
position of the normalized text — dates (ISO, slashed, month names, day ranges, ordinals),
weekdays and week/month/year shifts, named days, relative and signed amounts, clock times
and clock ranges, parts of the day, zone abbreviations and offsets, and filler words — each
named by the kind its handler in `core.timeread.grammar` knows. Order matters: the first
pattern whose handler accepts the match wins, so longer readings come before shorter ones
(a date before the bare number it starts with). `AMOUNT_PART` splits an amount into its
(number, unit) terms.
"""

from __future__ import annotations

import re

from core.timeread.words import (
    ABBREVIATIONS,
    AMOUNT_RE,
    MONTH_RE,
    NUM_RE,
    UNIT_RE,
    WEEKDAY_RE,
    WORD_END,
)

_B = WORD_END  # short: it ends almost every pattern

# A clock time, its groups named after `prefix` (`a` the start, `b` the end of a range):
# `7`, `7:30`, `19:00:15`, `7pm`, `7 a.m.`; and the compact `730pm` (am/pm required, so a
# bare `1930` stays a number).
_CLOCK = (
    r"(?P<{p}h>\d{{1,2}})(?:[:.](?P<{p}m>[0-5]\d)(?::(?P<{p}s>[0-5]\d))?)?"
    r"\s*(?P<{p}ap>a\.?m\.?|p\.?m\.?|a|p)?(?![a-z0-9])"
)
_CLOCK_COMPACT = r"(?P<{p}h>\d{{1,2}})(?P<{p}m>[0-5]\d)\s*(?P<{p}ap>am|pm|a|p)(?![a-z0-9])"


def _clock(prefix: str) -> str:
    """The clock pattern with groups `{prefix}h`, `{prefix}m`, ... (compact: `{prefix}ch` ...)."""
    return "(?:" + _CLOCK_COMPACT.format(p=prefix + "c") + "|" + _CLOCK.format(p=prefix) + ")"


_RANGE_SEP = r"\s*(?:-|–|—|~|to|until|till|til|through|thru)\s*"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
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
            rf"(?:(?P<mon1>{MONTH_RE})\.?\s*)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?{_RANGE_SEP}"
            rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?(mon1)|\s*(?:of\s+)?(?P<mon2>{MONTH_RE})\.?)"
            r"(?:\s*,?\s*(?P<y>\d{4}))?" + _B
        ),
    ),
    ("monthslashyear", re.compile(r"(?P<mo>\d{1,2})/(?P<y>\d{4})" + _B)),
    ("slash", re.compile(r"(?P<a>\d{1,4})/(?P<b>\d{1,2})(?:/(?P<c>\d{2,4}))?" + _B)),
    ("slash", re.compile(r"(?P<a>\d{1,4})(?P<sep>[.-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})" + _B)),
    (
        "ymonthd",
        re.compile(rf"(?P<y>\d{{4}})\s+(?P<mon>{MONTH_RE})\.?\s+(?P<d>\d{{1,2}})" + _B),
    ),
    (
        "monthday",
        re.compile(
            rf"(?P<mon>{MONTH_RE})\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?!\s*(?::|\.\d|am|pm|a\.m|p\.m|a{_B}|p{_B}|-|to{_B}|o'?clock))"
            r"(?:\s*,?\s*(?P<y>\d{4}|[2-9]\d(?!\s*(?::|\.\d|am|pm|a\.m|p\.m|a\b|p\b|o'?clock))))?"
            + _B
        ),
    ),
    (
        "daymonth",
        re.compile(
            rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<mon>{MONTH_RE})\.?"
            r"(?:\s*,?\s*(?P<y>\d{4}|[2-9]\d(?!\s*(?::|\.\d|am|pm|a\.m|p\.m|a\b|p\b|o'?clock))))?"
            + _B
        ),
    ),
    ("monthyear", re.compile(rf"(?P<mon>{MONTH_RE})\.?\s+(?P<y>\d{{4}})" + _B)),
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
            rf"(?:(?P<mod>this|next|last|past|coming|previous)\s+)?(?P<wd>{WEEKDAY_RE})\.?"
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
            rf"(?P<amount>{AMOUNT_RE}(?:\s*(?:and\s+)?{AMOUNT_RE})*)"
            r"(?:\s*(?P<dir>from\s+now|from\s+today|later|ago|hence|after|before|earlier"
            r"|back|out))?" + _B
        ),
    ),
    (
        "signed",
        re.compile(rf"(?P<sign>[+-])\s*(?P<amount>{AMOUNT_RE}(?:\s*(?:and\s+)?{AMOUNT_RE})*)" + _B),
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
            rf"(?:of\s+)?(?:{MONTH_RE}){_B})"
            + _clock("a")
            + r"(?:\s*(?P<oclock>o'?\s*clock))?"
            + r"(?:"
            + _RANGE_SEP
            + _clock("b")
            + r")?"
            + r"(?:\s*for\s+(?P<dur>(?:(?:"
            + NUM_RE
            + r")\s*(?:"
            + UNIT_RE
            + r")(?![a-z])\s*(?:and\s+)?)+))?"
        ),
    ),
    (
        "duration_for",
        re.compile(rf"for\s+(?P<dur>(?:(?:{NUM_RE})\s*(?:{UNIT_RE})(?![a-z])\s*(?:and\s+)?)+)"),
    ),
    ("tz", re.compile(r"(?P<abbr>" + "|".join(ABBREVIATIONS) + r")" + _B)),
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
# one (number, unit) term of an amount: `2 hours`, `3d`, `a day and a half`
AMOUNT_PART = re.compile(
    rf"(?:(?<![a-z])|(?=\d))(?P<n>{NUM_RE})\s*(?P<u>{UNIT_RE})(?![a-z])"
    r"(?P<half>\s*(?:and\s+)?a\s+half)?"
)

"""Reading a time the way people mean it (summary for members: docs/rules.md, "Reading a
time"; every form, precisely, below).

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
  something`) is read only when the dropped words are plain (see core.timeread.span), the
  opening ends like `... is` / `let's meet` and the closing is a clause of its own, and the
  phrase says a time clearly (never a bare number): `friday at the pub` is refused.

The modules, in the order a text goes through them:
- core.timeread (this one): the public face — `read_time`, `Reading` and its label,
  `preview_choices` for autocomplete, `iso_value`; day ranges and phrases in sentences.
- core.timeread.words: the vocabulary (month, weekday, number and unit words, part-of-day
  hours) and `normalize`.
- core.timeread.patterns: the grammar's anchored patterns, in the order they are tried.
- core.timeread.grammar: `scan`, one handler per pattern kind filling `Parts`.
- core.timeread.parts: `Parts` / `Clock` and the rules for combining them (one date, one
  clock; a part of the day sets am/pm); the refusal saying what was understood.
- core.timeread.resolve: `Parts` to UTC moments in the zone (next occurrence, wall time kept
  across DST, gaps and overlaps, range ends); its candidate days in resolve_days, the
  clock times on them in resolve_clock, calendar arithmetic in daymath.
- core.timeread.span: where a text splits into two days, and the phrases inside a sentence.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core import fit
from core.errors import UserError
from core.timeread import span as timeread_span
from core.timeread.grammar import scan
from core.timeread.parts import has_day, says_time_clearly
from core.timeread.resolve import Span, resolve
from core.timeread.words import month_first, normalize, vocabulary
from core.zones import get_zone

__all__ = [
    "Reading",
    "TooFar",
    "has_day",
    "iso_value",
    "preview_choices",
    "read_time",
    "says_time_clearly",
    "scan",
]


# The longest text read as a time: a time option takes 100 characters, and the longest
# phrase people write (a date, a range, a zone, a few words around) is far shorter. The
# reader is linear, but no keystroke should cost more than this much reading.
LONGEST = 200


class TooFar(UserError):
    """A text that reads as a time beyond any calendar (`in 99999999999 days`); a caller
    with a range of its own refuses it with that range."""


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


def read_time(text: str, zone: str, now: float) -> Reading:
    """Read `text` in `zone` at the moment `now` (UTC epoch seconds). Raises UserError
    saying what was understood when the text can't be read. Past readings are returned."""
    tz = _zone(zone)
    if len(text) > LONGEST:
        raise UserError(
            f"{fit.code(text, 60)} is too long to be a time ({len(text):,} characters). "
            "Write it like `friday 7pm`, `Dec 3 18:30` or `in 2 hours`."
        )
    try:
        return _read(text, tz, now)
    except (OverflowError, ValueError):  # `in 99999999999 days`: beyond any calendar
        raise TooFar(
            f"{fit.code(text)} is further away than I can count. Give a time within a few "
            "years, like `friday 7pm` or `in 2 hours`."
        ) from None


def _read(text: str, tz: zoneinfo.ZoneInfo, now: float) -> Reading:
    first_month = month_first(tz.key)
    ranged = _day_range(normalize(text), tz, now, text, first_month)
    if ranged is not None:
        return ranged
    try:
        results = resolve(scan(text, tz.key, month_first=first_month), tz, now, text)
    except UserError as refusal:
        found = _read_in_sentence(text, tz, now, first_month)
        if found is None:
            raise refusal from None  # the whole text's refusal says the most
        return found
    return _reading(results, tz, text)


def _reading(results: list[Span], tz: zoneinfo.ZoneInfo, text: str) -> Reading:
    """The first of `results` as the Reading, the others as its alternatives."""
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


def _read_in_sentence(
    text: str, tz: zoneinfo.ZoneInfo, now: float, first_month: bool
) -> Reading | None:
    """The first phrase inside the sentence `text` that reads clearly as a time, or None.
    Commas and semicolons end a clause."""
    clauses = normalize(re.sub(r"[,;]", f" {timeread_span.CLAUSE} ", text))
    for phrase in timeread_span.sentence_phrases(clauses, vocabulary()):
        ranged = _day_range(phrase, tz, now, text, first_month)
        if ranged is not None:
            return ranged
        try:
            parts = scan(phrase, tz.key, month_first=first_month)
            if not says_time_clearly(parts):
                continue
            return _reading(resolve(parts, tz, now, text), tz, text)
        except UserError:
            continue
    return None


def _day_range(
    text: str, tz: zoneinfo.ZoneInfo, now: float, original: str, first_month: bool
) -> Reading | None:
    """`friday to monday`, `10 August - 12 September 2013`: two sides that each name a day.
    The end is the first reading of the right side after the start."""
    for left_text, right_text in timeread_span.range_splits(text):
        try:
            left = scan(left_text, tz.key, month_first=first_month)
            right = scan(right_text, tz.key, month_first=first_month)
        except (UserError, OverflowError, ValueError):
            continue
        if not (has_day(left) and has_day(right)):
            continue
        if left.date and right.date and left.date[0] is None and right.date[0] is not None:
            left.date = (right.date[0], left.date[1], left.date[2])  # the year said once
        try:
            start = resolve(left, tz, now, original)[0][0]
            end = resolve(right, tz, now, original)[0][0]
            if end <= start:  # read the right side again, from the start on
                right = scan(right_text, tz.key, month_first=first_month)
                end = resolve(right, tz, start, original)[0][0]
        except (UserError, OverflowError, ValueError):
            continue
        if end <= start:
            continue
        return Reading(
            start=start, end=end, zone=tz.key, label=_label(start, end, tz), text=original
        )
    return None


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return get_zone(name)


def _label(start: float, end: float | None, zone: zoneinfo.ZoneInfo) -> str:
    """`Fri 5 Dec 2025, 19:00–21:00 (Europe/Berlin)`."""
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

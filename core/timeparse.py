"""Time parsing shared by features: durations, clock times, IANA zones, natural-language
moments, read in a given zone and returned as UTC epoch seconds.

The public face of time reading: features import this module only. The reader of typed
moments is the private package `core.timeread` (an import-linter contract keeps it so);
the zones by name are `core.zones` (a leaf both use), re-exported here."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from core import fit
from core.errors import UserError
from core.timeread import (
    LONGEST,
    Reading,
    TooFar,
    has_day,
    read_time,
    says_time_clearly,
    scan,
)
from core.timeread import preview_choices as _preview
from core.zones import all_zones, get_zone, suggest_zones

__all__ = [
    "LONGEST",
    "Reading",
    "TooFar",
    "all_zones",
    "duration_seconds",
    "get_zone",
    "is_duration",
    "localize",
    "parse_clock",
    "parse_duration",
    "parse_moment",
    "parse_offsets",
    "parse_when",
    "preview_choices",
    "read_time",
    "read_when",
    "suggest_zones",
    "to_local",
]

# possessive `\d++`: 6,000 digits without a unit fail in one pass, not one per digit;
# the longer unit words first, or `2hours` stops after `2h`
_DURATION = re.compile(r"(\d++)\s*+(weeks?|w|days?|d|hours?|h|minutes?|mins?|m)", re.I)
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60}
_LONGEST_DURATION = 100 * 366 * 86400  # far beyond any range; timedelta holds it
_MOST_DIGITS = 30  # more digits than any duration needs: int() of 4,300+ digits raises
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_duration(text: str) -> timedelta:
    """`30m`, `1h`, `3d`, `1w`, or combinations like `1d12h`. Raises UserError, also for
    amounts no calendar holds (`99999999999999w`); callers with a range use
    `duration_seconds` and refuse with the range."""
    seconds = duration_seconds(text)
    if seconds > _LONGEST_DURATION:
        raise UserError(f"{fit.code(text, 40)} is longer than I can count.")
    return timedelta(seconds=seconds)


def duration_seconds(text: str) -> int:
    """A duration (`30m`, `1d12h`) in whole seconds, however large: an int never
    overflows, so a range check can refuse `99999999999999w` with the range."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        raise UserError("Give a duration like `30m`, `1h`, `3d` or `1w`.")
    total = 0
    position = 0
    while position < len(cleaned):  # term after term, each anchored where the last ended
        match = _DURATION.match(cleaned, position)
        if match is None or len(match.group(1)) > _MOST_DIGITS:
            break
        total += int(match.group(1)) * _UNIT_SECONDS[match.group(2)[0]]
        position = match.end()
    if position != len(cleaned) or total <= 0:
        raise UserError(
            f"{fit.code(text, 40)} is not a duration. Write it like `30m`, `1h`, `3d` or `1w`."
        )
    return total


def is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except UserError:
        return False
    return True


# A reference moment to read a bare time of day against: a Monday at 00:00 UTC, so a time
# of day is read as that day's wall time (the reader's "next occurrence" rule).
_CLOCK_DAY = datetime(2024, 1, 1, tzinfo=UTC).timestamp()


def parse_clock(text: str) -> time:
    """A time of day, read as `/event create` reads one (the one time reader,
    `core.timeread`): 24-hour `18:00`, `7pm`, `7:30 p.m.`, `noon`, `evening`. A day, an
    amount (`in 2 hours`) or a bare number (`7`: morning or evening?) is refused."""
    match = _CLOCK.match(text.strip())
    if match:
        return time(int(match.group(1)), int(match.group(2)))
    refusal = UserError(
        f"{fit.code(text)} is not a time of day. Write it 24-hour, like `18:00`, or like `7pm`."
    )
    if len(text) > 100:
        raise refusal
    try:
        parts = scan(text, "UTC")
    except UserError:
        raise refusal from None
    only_clock = parts.clock is not None or parts.part is not None or parts.midnight
    if (
        not only_clock
        or has_day(parts)
        or parts.seconds
        or parts.is_now
        or parts.duration is not None
        or parts.end_clock is not None
        or not says_time_clearly(parts)
    ):
        raise refusal
    start = read_time(text, "UTC", _CLOCK_DAY).start
    return datetime.fromtimestamp(start, UTC).time().replace(second=0, microsecond=0)


def parse_moment(text: str, zone: str, now: float) -> float:
    """A moment written like `friday 7pm`, `2026-12-03 18:30`, `in 2 hours` or a duration
    (`3d`, read as from now), read in `zone` the way people mean it (see `core.timeread`);
    returns UTC epoch seconds. Raises UserError showing what was understood when the text
    can't be read."""
    return read_time(text, zone, now).start


def read_when(text: str, zone: str, now: float) -> Reading:
    """The full reading (start, optional end of a range, label, alternatives) of a moment
    that must lie in the future."""
    reading = read_time(text, zone, now)
    if reading.start <= now:
        raise UserError(
            f"I read {fit.code(text)} as {reading.label}, <t:{int(reading.start)}:F>, which is in "
            "the past. Give a future time, like `friday 7pm` or `in 2 hours`."
        )
    return reading


def parse_when(text: str, zone: str, now: float) -> float:
    """Like `parse_moment`, but the moment must lie in the future. The error shows what
    was understood, so a misread is easy to correct."""
    return read_when(text, zone, now).start


def preview_choices(text: str, zone: str, now: float) -> list[tuple[str, str]]:
    """Autocomplete for a `when` option: (how the text is read, e.g. `Fri 4 Dec 2026, 19:00
    (Europe/Berlin)`, an ISO text like `2026-12-04 19:00` that reads back exactly).
    Readings in the past are left out; empty while the text can't be read."""
    return _preview(text, zone, now, future_only=True)


def parse_offsets(text: str) -> list[int]:
    """Reminder offsets like `1d,1h` or `30m` → seconds, largest first, no duplicates.
    `none`/`off`/`0` means no reminders."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none", "off", "0", "no"):
        return []
    offsets = {duration_seconds(part) for part in cleaned.split(",") if part.strip()}
    return sorted(offsets, reverse=True)


def to_local(epoch: float, zone: str) -> datetime:
    """The naive wall-clock time in `zone` at the UTC moment `epoch`."""
    return datetime.fromtimestamp(epoch, tz=UTC).astimezone(get_zone(zone)).replace(tzinfo=None)


def localize(naive: datetime, zone: str) -> float:
    """A naive wall-clock time in `zone` → UTC epoch. In a DST gap the clock time is moved
    forward by the gap (02:30 → 03:30); in an overlap the first occurrence is used."""
    # PEP 495: fold=0 uses the offset in force before a transition, which does both.
    return naive.replace(tzinfo=get_zone(zone), fold=0).timestamp()

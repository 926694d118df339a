"""Calendar arithmetic for resolving a reading: wall times to epochs (DST gaps move
forward, overlaps take the first occurrence), whole-month steps, valid dates."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime


def to_epoch(day: date, clock: dtime, tz: zoneinfo.ZoneInfo | timezone) -> float:
    # fold=0: in an overlap the first occurrence; in a gap zoneinfo moves forward by it
    return datetime.combine(day, clock).replace(tzinfo=tz, fold=0).timestamp()


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clipped to the month's last day (Jan 31 -> Feb 28)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def shift_day(day: date, n: int, unit: str) -> date:
    if unit == "d":
        return day + timedelta(days=n)
    if unit == "w":
        return day + timedelta(weeks=n)
    return add_months(day, n if unit == "mo" else 12 * n)


def valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None

"""Slots in time: the period rule (when a period's meeting is), the next slots in a
zone across DST, and a meeting that would fall inside the nomination or vote window.
Times are UTC epoch seconds; wall clocks are read in an IANA zone."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from cogs.cycles.logic.limits import MEETING_LENGTH
from cogs.cycles.logic.slot import Slot

if TYPE_CHECKING:
    from dateutil.rrule import rrule


def _rule(slot: Slot, cadence: str, start: datetime, anchor: datetime | None) -> rrule:
    # dateutil (with six: 0.3 MB) is loaded by the first cycle that needs a date, not at start
    from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekdays

    day = weekdays[slot.weekday]
    wall = {"byhour": slot.at.hour, "byminute": slot.at.minute, "bysecond": 0}
    if cadence == "monthly":
        return rrule(MONTHLY, dtstart=start, byweekday=day(slot.ordinal), **wall)
    if cadence == "biweekly" and anchor is not None:
        return rrule(WEEKLY, interval=2, dtstart=anchor, byweekday=day, **wall)
    return rrule(WEEKLY, dtstart=start, byweekday=day, **wall)


def _local(epoch: float, zone: str) -> datetime:
    return datetime.fromtimestamp(epoch, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def _epoch(naive: datetime, zone: str) -> float:
    """Wall-clock time in `zone` as UTC epoch; a time skipped by DST moves forward."""
    tz = zoneinfo.ZoneInfo(zone)
    aware = naive.replace(tzinfo=tz)
    back = datetime.fromtimestamp(aware.timestamp(), tz).replace(tzinfo=None)
    if back != naive:  # in a spring-forward gap: the first real moment after it
        aware = naive.replace(tzinfo=tz, fold=1)
    return aware.timestamp()


def slots_after(
    slot: Slot, cadence: str, zone: str, after: float, count: int, anchor: str | None = None
) -> list[float]:
    """The next `count` meeting slots strictly after `after` (UTC epochs). Biweekly slots
    keep the parity of `anchor` (the first meeting, a local ISO datetime)."""
    start = _local(after, zone).replace(second=0, microsecond=0) - timedelta(days=1)
    anchor_dt = datetime.fromisoformat(anchor) if anchor else None
    out: list[float] = []
    for naive in _rule(slot, cadence, start, anchor_dt):
        epoch = _epoch(naive, zone)
        if epoch > after:
            out.append(epoch)
            if len(out) >= count:
                break
    return out


def first_meeting(
    slot: Slot,
    cadence: str,
    zone: str,
    opens_at: float,
    nominate: float,
    vote: float,
    *,
    anchor: str | None = None,
    not_before: float = 0.0,
) -> float:
    """The period rule: the first `meet` slot that leaves `nominate` + `vote` after the
    period opens (and comes after the previous meeting, `not_before`)."""
    earliest = max(opens_at + nominate + vote, not_before) - 1e-6
    return slots_after(slot, cadence, zone, earliest, 1, anchor)[0]


def local_iso(epoch: float, zone: str) -> str:
    return _local(epoch, zone).isoformat()


def squeezed_slot(
    slot: Slot, cadence: str, zone: str, first: float, nominate: float, vote: float, anchor: str
) -> tuple[float, float] | None:
    """A meeting that would fall inside the nomination or vote window: after a meeting
    (and its hour), the next period's nominate + vote must end before the next slot.
    Returns (meeting, window end) of the first slot that would be skipped, over a year."""
    slots = [first, *slots_after(slot, cadence, zone, first, 13, anchor)]
    for previous, following in pairwise(slots):
        window_end = previous + MEETING_LENGTH + nominate + vote
        if window_end > following:
            return following, window_end
    return None

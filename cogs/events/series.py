"""One meeting of a series (pure): which meetings come next, with the skipped and moved
ones, and where a calendar's RRULE starts.

A series is one row whose current meeting moves forward (0005); the rule's time of each
meeting (its *slot*) is computed on wall-clock time in the event's zone, so DST never
shifts the rest of the series. A change to one meeting is keyed by its slot."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cogs.events.models import Event, OccurrenceChange
from cogs.events.recurrence import next_local
from core.timeparse import localize, to_local

LOOKAHEAD_LIMIT = 2000  # meetings tried before giving up (every one of them skipped)


@dataclass(frozen=True)
class Meeting:
    """One meeting of a series: the rule's time (`slot_at`) and when it really is."""

    slot_at: float
    start_at: float
    end_at: float
    status: str  # planned, moved or skipped


def slot_key(slot_at: float) -> int:
    """Slots are compared to the second (they are stored as REAL)."""
    return round(slot_at)


def by_slot(changes: Iterable[OccurrenceChange]) -> dict[int, OccurrenceChange]:
    return {slot_key(c.slot_at): c for c in changes}


def meeting_at(slot_at: float, duration: float, changes: dict[int, OccurrenceChange]) -> Meeting:
    change = changes.get(slot_key(slot_at))
    if change is None:
        return Meeting(slot_at, slot_at, slot_at + duration, "planned")
    if change.status == "skipped":
        return Meeting(slot_at, slot_at, slot_at + duration, "skipped")
    assert change.start_at is not None and change.end_at is not None
    return Meeting(slot_at, change.start_at, change.end_at, "moved")


def slots_after(event: Event, slot_at: float) -> Iterable[float]:
    """The rule's times after `slot_at`, in order (unbounded)."""
    assert event.rrule is not None
    local = to_local(slot_at, event.timezone)
    for _ in range(LOOKAHEAD_LIMIT):
        local = next_local(event.rrule, local)
        yield localize(local, event.timezone)


def upcoming_meetings(
    event: Event, changes: dict[int, OccurrenceChange], count: int
) -> list[Meeting]:
    """The current meeting, then the next ones by the rule (skipped ones included): the
    choices of `/event edit … occurrence` and `/event cancel … occurrence`."""
    found = [meeting_at(event.slot_at, event.duration, changes)]
    if event.recurring:
        for slot in slots_after(event, event.slot_at):
            if len(found) >= count:
                break
            found.append(meeting_at(slot, event.duration, changes))
    return found[:count]


def following_meeting(event: Event, changes: dict[int, OccurrenceChange], now: float) -> Meeting:
    """The first meeting after the current one that is not skipped and not over by `now`
    (a roll-over skips any the bot missed while it was down)."""
    for slot in slots_after(event, event.slot_at):
        meeting = meeting_at(slot, event.duration, changes)
        if meeting.status != "skipped" and meeting.end_at > now:
            return meeting
    raise ValueError(f"event {event.id}: no meeting ahead in {LOOKAHEAD_LIMIT} tries")


def neighbour_slots(event: Event, slot_at: float) -> tuple[float | None, float]:
    """The rule's times of the meetings before and after the one at `slot_at` (None
    before the series' first meeting): a moved meeting stays between them."""
    following = next(iter(slots_after(event, slot_at)))
    anchor = _back_off(event, slot_at, slot_at - 1)
    earlier = [s for s in _slots_between(event, anchor, slot_at) if s < slot_at - 1]
    first = event.series_start if event.series_start is not None else event.slot_at
    previous = earlier[-1] if earlier and earlier[-1] >= first - 1 else None
    return previous, following


def calendar_anchor(event: Event, since: float) -> float:
    """The DTSTART of a series in a calendar that starts at `since`: its first meeting
    that has not ended by `since` (never before the series' first meeting). Found by
    stepping back from the current meeting, not forward from a first meeting years ago."""
    current = event.slot_at
    first = event.series_start if event.series_start is not None else current
    if current - since <= 0:
        return current
    anchor = _back_off(event, current, since)
    for slot in _slots_between(event, anchor, current):
        if slot >= first - 1 and slot + event.duration > since:
            return slot
    return current


def _back_off(event: Event, slot_at: float, since: float) -> float:
    """A slot of the series at or before `since` - one period (wall-clock steps of the
    rule's period from `slot_at`, so the result is a slot itself, or for a monthly rule a
    start from which the rule finds its slots)."""
    assert event.rrule is not None
    local = to_local(slot_at, event.timezone)
    days = max(0.0, (slot_at - since) / 86400) + 1
    parts = dict(p.split("=", 1) for p in event.rrule.split(";"))
    interval = int(parts.get("INTERVAL", "1"))
    if parts.get("FREQ") == "MONTHLY":
        from dateutil.relativedelta import relativedelta  # on use: see recurrence.next_local

        back: datetime = local - relativedelta(months=interval * (math.ceil(days / 28) + 1))
    else:
        period = {"DAILY": 1, "WEEKLY": 7}.get(parts.get("FREQ", "WEEKLY"), 7) * interval
        back = local - timedelta(days=period * (math.ceil(days / period) + 1))
    return localize(back, event.timezone)


def _slots_between(event: Event, anchor: float, until: float) -> list[float]:
    assert event.rrule is not None
    start = to_local(anchor, event.timezone)
    end = to_local(until, event.timezone)
    from dateutil.rrule import rrulestr  # on use: see recurrence.next_local

    rule = rrulestr(event.rrule, dtstart=start)
    return [localize(moment, event.timezone) for moment in rule.between(start, end, inc=True)]

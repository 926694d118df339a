"""Recurring events: RRULEs computed on naive local wall-clock times in the event's zone,
then localized, so DST never shifts the time of day."""

from __future__ import annotations

from datetime import datetime

from core.timeparse import localize, to_local

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def week_of_month(day: int) -> int:
    """1 for days 1–7, …; the 5th week is written -1 ('last') since not every month has one."""
    week = (day - 1) // 7 + 1
    return -1 if week == 5 else week


def rule_for(repeat: str, local_start: datetime) -> str | None:
    """The RRULE (without DTSTART) for a `repeat` choice anchored at `local_start`."""
    if repeat == "daily":
        return "FREQ=DAILY"
    if repeat == "weekly":
        return "FREQ=WEEKLY"
    if repeat == "biweekly":
        return "FREQ=WEEKLY;INTERVAL=2"
    if repeat == "monthly":
        code = WEEKDAY_CODES[local_start.weekday()]
        return f"FREQ=MONTHLY;BYDAY={week_of_month(local_start.day)}{code}"
    return None


def next_local(rule: str, local_start: datetime) -> datetime:
    """The occurrence after `local_start` (which is itself an occurrence)."""
    # dateutil (with six: 0.3 MB) is loaded by the first series that needs it, not at start
    from dateutil.rrule import rrulestr

    following = rrulestr(rule, dtstart=local_start).after(local_start)
    if following is None:  # an unbounded rule always has one; guard anyway
        raise ValueError(f"rule {rule!r} has no occurrence after {local_start}")
    return following


def next_occurrence(start_at: float, zone: str, rule: str) -> float:
    """UTC start of the occurrence after the one starting at `start_at`."""
    return localize(next_local(rule, to_local(start_at, zone)), zone)


def next_after(start_at: float, duration: float, zone: str, rule: str, now: float) -> float:
    """The first later occurrence that has not ended by `now` (skips any the bot missed
    while it was down)."""
    local = to_local(start_at, zone)
    while True:
        local = next_local(rule, local)
        candidate = localize(local, zone)
        if candidate + duration > now:
            return candidate


def describe(repeat: str, local_start: datetime) -> str:
    """Plain words for the embed: `every week`, `every first Thursday of the month`."""
    if repeat == "monthly":
        week = week_of_month(local_start.day)
        ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[week]
        return f"every {ordinal} {local_start.strftime('%A')} of the month"
    return {"daily": "every day", "weekly": "every week", "biweekly": "every two weeks"}.get(
        repeat, "once"
    )

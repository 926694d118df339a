"""The plain records check-ins' SQL returns: a group's `Schedule` (with its period
`Rule`), a member's `Checkin` and `Goal`, what `record_member` wrote (`Recorded`), and a
period's posting record (`PeriodRecord`), with the converters from database rows."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import time

from cogs.checkins.logic import Rule


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    group_id: int
    cadence: str
    hour: int
    minute: int
    weekday: int | None
    prompt: str
    nudge_hours: int
    created_by: int
    created_at: float
    owner: str = ""  # '' = the group's own schedule; else the feature that made it
    id: int | None = field(default=None, compare=False)  # set once stored

    @property
    def rule(self) -> Rule:
        weekday = self.weekday if self.cadence == "weekly" else None
        return Rule(self.cadence, time(self.hour, self.minute), weekday)


@dataclass(frozen=True)
class Checkin:
    user_id: int
    period_key: str
    period_start: int
    status: str
    note: str
    updated_at: float


@dataclass(frozen=True)
class Recorded:
    """A check-in just written: whether it was new, and the member's history after it."""

    new: bool
    period_starts: list[int]
    since: int | None


@dataclass(frozen=True)
class Goal:
    group_id: int
    user_id: int
    text: str


@dataclass(frozen=True)
class PeriodRecord:
    group_id: int
    period_key: str
    period_start: int
    period_end: int
    prompt_message_id: int | None
    prompt_posted: bool
    summary_posted: bool


def schedule_from_row(row: sqlite3.Row) -> Schedule:
    return Schedule(**{k: row[k] for k in Schedule.__dataclass_fields__})


def period_record_from_row(row: sqlite3.Row) -> PeriodRecord:
    return PeriodRecord(
        group_id=row["group_id"],
        period_key=row["period_key"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        prompt_message_id=row["prompt_message_id"],
        prompt_posted=bool(row["prompt_posted"]),
        summary_posted=bool(row["summary_posted"]),
    )

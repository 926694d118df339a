"""The job record, what a feature registers for a kind, and the scheduler's constants."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

MAX_ATTEMPTS = 8
LIVE, DEAD, PARKED = 0, 1, 2  # jobs.dead: waiting to run, gave up, its feature is paused
BATCH = 200
CONCURRENCY = 16  # handlers running at once; jobs of one key never run side by side
PAGES_PER_PASS = 5  # rows a pass reads past key-blocked ones before waiting for a slot
STOP_GRACE = 5.0  # seconds running jobs get to finish at shutdown


@dataclass(frozen=True)
class Job:
    id: int
    guild_id: int | None
    kind: str
    key: str | None
    due_at: float  # the time the feature asked for; retries do not move it
    payload: dict[str, Any]
    attempts: int
    run_at: float = 0.0  # the next attempt (later than due_at after a failure)


Handler = Callable[[Job], Awaitable[None]]
DeadHook = Callable[[Job, str], Awaitable[None]]
FeatureSwitch = Callable[[int, str], Awaitable[bool]]
RanHook = Callable[[Job, str], None]  # (job, "done" | "retry" | "dead"): metrics count it


@dataclass(frozen=True)
class Kind:
    """What a feature registered for a job kind."""

    handler: Handler
    feature: str | None = None  # its switch is asked before the handler runs
    moment_bound: bool = False  # dropped, not run late, when woken after its moment
    on_drop: Handler | None = None  # told when a moment-bound job is dropped


def backoff_seconds(attempts: int) -> float:
    """30 s, 60 s, 2 min, … capped at one hour."""
    return float(min(30 * 2 ** max(attempts - 1, 0), 3600))


def row_to_job(row: Any) -> Job:
    return Job(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        key=row["key"],
        due_at=row["asked_for"],
        run_at=row["due_at"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
    )

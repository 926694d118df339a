"""Durable scheduler (see scheduler.py). Everything imports it from here:
`from core.scheduler import Scheduler, Job`.

- jobs.py: the job record, the kinds registry entry, constants and backoff
- base.py: the state the parts share (store, clock, hooks, claims)
- parking.py: a paused feature's jobs parked, and woken when it comes back on
- running.py: the timer task, concurrent dispatch, retries and dead jobs
- scheduler.py: `Scheduler`, what features call (register, schedule, cancel, pending)
"""

from core.scheduler.jobs import (
    BATCH,
    CONCURRENCY,
    DEAD,
    LIVE,
    MAX_ATTEMPTS,
    PAGES_PER_PASS,
    PARKED,
    STOP_GRACE,
    DeadHook,
    FeatureSwitch,
    Handler,
    Job,
    Kind,
    RanHook,
    backoff_seconds,
)
from core.scheduler.scheduler import Scheduler

__all__ = [
    "BATCH",
    "CONCURRENCY",
    "DEAD",
    "LIVE",
    "MAX_ATTEMPTS",
    "PAGES_PER_PASS",
    "PARKED",
    "STOP_GRACE",
    "DeadHook",
    "FeatureSwitch",
    "Handler",
    "Job",
    "Kind",
    "RanHook",
    "Scheduler",
    "backoff_seconds",
]

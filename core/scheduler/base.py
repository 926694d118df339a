"""What every part of the scheduler shares: the store, the clock, the hooks the bot sets,
the registered kinds and the in-memory claims of the jobs running now."""

from __future__ import annotations

import asyncio

from core.clock import Clock
from core.scheduler.jobs import CONCURRENCY, STOP_GRACE, DeadHook, FeatureSwitch, Job, Kind, RanHook
from core.store import Store


class SchedulerBase:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        concurrency: int = CONCURRENCY,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.concurrency = concurrency
        self.stop_grace = stop_grace
        # Called once when a job gives up for good (the bot posts it to the audit channel).
        self.on_dead: DeadHook | None = None
        self.on_ran: RanHook | None = None  # read-only observer (core/metrics.py)
        # Asked before a feature's job runs (the bot answers from `/config feature`).
        self.feature_switch: FeatureSwitch | None = None
        self._handlers: dict[str, Kind] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._dispatch_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: set[int] = set()  # claimed job ids: never run twice at once
        self._busy_keys: set[str] = set()
        self._ended: set[int] = set()  # ended during the current pass
        self._stopping = False
        clock.subscribe(self.run_due)

    def kinds_of(self, feature: str) -> list[str]:
        return [k for k, spec in self._handlers.items() if spec.feature == feature]

    async def run_due(self) -> int:
        """Run the jobs due now (running.py); the clock calls it when it advances."""
        raise NotImplementedError

    def _ran(self, job: Job, outcome: str) -> None:
        if self.on_ran is not None:
            self.on_ran(job, outcome)

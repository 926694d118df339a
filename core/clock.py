"""Injectable clocks: the real one, and a virtual one tests can advance."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

Listener = Callable[[], Awaitable[object]]


class Clock:
    """Wall-clock time in UTC epoch seconds."""

    virtual = False

    def now(self) -> float:
        return time.time()

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def subscribe(self, listener: Listener) -> None:
        """Real time needs no notifications; the virtual clock calls listeners on advance."""

    def unsubscribe(self, listener: Listener) -> None:
        """Stop notifying `listener` (a stopped scheduler must not run on a closed store)."""


class FakeClock(Clock):
    """A clock that only moves when told; `advance` runs what became due."""

    virtual = True

    def __init__(self, start: float | datetime = 1_800_000_000.0) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._listeners: list[Listener] = []

    def now(self) -> float:
        return self._now

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def set(self, when: float | datetime) -> None:
        self._now = when.timestamp() if isinstance(when, datetime) else float(when)
        for listener in list(self._listeners):
            await listener()

    async def advance(self, seconds: float) -> None:
        await self.set(self._now + seconds)

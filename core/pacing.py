"""Pacing for fan-out: a token bucket that spaces out bulk sends (reminder DMs, nudges,
role changes for a waitlist) well under Discord's limits. Discord watches for bursts of
DMs as spam, and a burst would also eat the global 50 requests/s every other job needs.

Usage: `async with bot.dm_pacer: await member.send(...)` — each entry takes one token;
when the bucket is empty it waits (on the injected clock's real time) for the next one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# Discord does not publish a DM limit; bots that DM a few per second stay clear of the
# anti-spam heuristics. Five per second with a burst of five leaves the global limit
# (50/s) almost whole for interactions and other jobs.
DM_RATE_PER_SECOND = 5.0
DM_BURST = 5


class Pacer:
    """An asyncio token bucket: at most `burst` at once, refilled at `rate` per second."""

    def __init__(
        self,
        rate: float = DM_RATE_PER_SECOND,
        burst: int = DM_BURST,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._monotonic = monotonic
        self._updated = monotonic()
        self._lock = asyncio.Lock()
        self.waited = 0.0  # total seconds spent waiting: benchmarks report it

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        async with self._lock:  # first come, first served
            self._refill()
            while self._tokens < 1:
                wait = (1 - self._tokens) / self.rate
                self.waited += wait
                await asyncio.sleep(wait)
                self._refill()
            self._tokens -= 1

    async def __aenter__(self) -> Pacer:
        await self.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

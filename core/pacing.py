"""Pacing: token buckets that keep the bot under Discord's limits instead of discovering
them by 429s.

- `bot.dm_pacer` spaces out bulk sends (reminder DMs, nudges, role changes for a
  waitlist) well under Discord's limits. Discord watches for bursts of DMs as spam, and a
  burst would also eat the global 50 requests/s every other job needs.
  Usage: `async with bot.dm_pacer: await member.send(...)`.
- `bot.global_pacer` holds *every* REST request of the bot under the global limit (50
  requests/s per bot). It sits in discord.py's public `http_trace` option (an aiohttp
  `TraceConfig`): its `on_request_start` callback is awaited just before each request
  leaves (inside discord.py's per-route bucket lock, retries included), so a request waits
  for a token there. Interaction callbacks and interaction webhooks (follow-ups, edits of
  the original response) are exempt from the global limit on Discord and are not paced, so
  answering a slash command never queues behind a fan-out; neither is anything that is not
  the REST API (the gateway socket, CDN downloads). No discord.py class is subclassed or
  patched: discord.py still handles any 429 that comes anyway (route limits, shared
  limits), the pacer only makes the global one not happen.

Each entry takes one token; when the bucket is empty it waits for the next one, first
come first served. Time and sleep are injectable (unit tests run on a fake clock).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp

# Discord does not publish a DM limit; bots that DM a few per second stay clear of the
# anti-spam heuristics. Five per second with a burst of five leaves the global limit
# (50/s) almost whole for interactions and other jobs.
DM_RATE_PER_SECOND = 5.0
DM_BURST = 5

# The global limit is 50 requests/s. A bucket of rate r and burst b lets at most r + b
# requests through in any one-second interval: 45 + 3 = 48 leaves 2 for timing jitter
# between the moment a request leaves and the moment Discord counts it.
GLOBAL_RATE_PER_SECOND = 45.0
GLOBAL_BURST = 3

# Paths (under the API base) that Discord does not count against the global limit.
GLOBAL_EXEMPT = re.compile(r"^/(interactions/\d+/[^/]+/callback|webhooks/\d+/[^/]+)")


class Pacer:
    """An asyncio token bucket: at most `burst` at once, refilled at `rate` per second."""

    def __init__(
        self,
        rate: float = DM_RATE_PER_SECOND,
        burst: int = DM_BURST,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._updated = monotonic()
        self._lock = asyncio.Lock()
        self.waited = 0.0  # total seconds spent waiting: benchmarks report it
        self.taken = 0  # tokens handed out
        self.delayed = 0  # entries that had to wait

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        async with self._lock:  # first come, first served
            self._refill()
            if self._tokens < 1:
                self.delayed += 1
                wait = (1 - self._tokens) / self.rate
                self.waited += wait
                await self._sleep(wait)
                self._refill()
                # The wait earned the token; don't loop on a float that rounds to 0.99999…
                # (or a sleep that woke a clock tick early).
                self._tokens = max(self._tokens, 1.0)
            self._tokens -= 1
            self.taken += 1

    async def __aenter__(self) -> Pacer:
        await self.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


def counts_globally(url: str, api_base: str) -> bool:
    """Whether a request to `url` counts against the bot's global limit: every REST API
    call except interaction callbacks and interaction webhooks."""
    base = api_base.rstrip("/")
    if not url.startswith(base + "/"):
        return False  # not the REST API: the gateway, the CDN, another host
    path = url[len(base) :].split("?", 1)[0]
    path = re.sub(r"^/v\d+(?=/)", "", path)  # the base may or may not carry the version
    return GLOBAL_EXEMPT.match(path) is None


def install_global_limit(
    trace: aiohttp.TraceConfig, pacer: Callable[[], Pacer], api_base: Callable[[], str]
) -> aiohttp.TraceConfig:
    """Make `trace` (given to discord.py as `http_trace`) wait for a token of `pacer()`
    before each REST request that counts against the global limit. Both are read per
    request: the emulator points the bot elsewhere after construction, and tests swap
    `bot.global_pacer` for an unlimited one as they do `bot.dm_pacer`."""

    async def on_request_start(
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        if counts_globally(str(params.url), api_base()):
            await pacer().acquire()

    trace.on_request_start.append(on_request_start)
    return trace

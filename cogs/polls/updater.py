"""Rate-limit-friendly output: a coalescing message editor and a reaction remover.

The editor makes at most one edit per poll every `interval` seconds: the first change
after a quiet spell is shown at once, later ones are folded into one trailing edit, so
the last state is always shown eventually. Real (loop) time on purpose: rate limits run
on wall time, not on the bot's business clock. discord.py paces 429s itself; nothing
here retries. Under a virtual clock (tests, benchmarks) advancing that clock by the
interval also ends the wait, and `advance` returns once the trailing edit is made.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from cogs.polls.engine import Removal

if TYPE_CHECKING:
    from core.clock import Clock

log = logging.getLogger(__name__)

DEFAULT_EDIT_INTERVAL = 3.0


class EditCoalescer:
    def __init__(
        self, edit: Callable[[int], Awaitable[None]], interval: float = DEFAULT_EDIT_INTERVAL
    ) -> None:
        self.edit = edit
        self.interval = interval
        self.edits_made = 0
        self._last: dict[int, float] = {}
        self._dirty: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._clock: Clock | None = None
        self._clock_last: dict[int, float] = {}  # virtual-clock time of the last edit
        self._wake: dict[int, asyncio.Event] = {}
        self._flushed: dict[int, asyncio.Future[None]] = {}

    def follow(self, clock: Clock) -> None:
        """Also end waits when a virtual clock moves past the interval (no-op if real)."""
        if clock.virtual:
            self._clock = clock
            clock.subscribe(self._clock_moved)

    def touch(self, poll_id: int) -> None:
        """The poll changed: show it soon (now, or at the end of the interval)."""
        self._dirty.add(poll_id)
        if poll_id not in self._tasks:
            self._tasks[poll_id] = asyncio.create_task(
                self._run(poll_id), name=f"huddle-poll-edit-{poll_id}"
            )

    def forget(self, poll_id: int) -> None:
        """Stop any pending edit (the poll closed and got its final edit)."""
        self._dirty.discard(poll_id)
        task = self._tasks.pop(poll_id, None)
        if task is not None:
            task.cancel()
        self._last.pop(poll_id, None)
        self._clock_last.pop(poll_id, None)
        self._wake.pop(poll_id, None)
        self._resolve_flushed(poll_id)

    def pending(self) -> bool:
        return bool(self._tasks)

    async def idle(self) -> None:
        """Wait until every pending edit is done (tests and benchmarks)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def stop(self) -> None:
        if self._clock is not None:
            self._clock.unsubscribe(self._clock_moved)
            self._clock = None
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    async def _run(self, poll_id: int) -> None:
        loop = asyncio.get_running_loop()
        try:
            while poll_id in self._dirty:
                wait = self._last.get(poll_id, float("-inf")) + self.interval - loop.time()
                if wait > 0 and not self._clock_due(poll_id):
                    await self._sleep(poll_id, wait)
                self._dirty.discard(poll_id)
                self._last[poll_id] = loop.time()
                if self._clock is not None:
                    self._clock_last[poll_id] = self._clock.now()
                await self._edit_logged(poll_id)
                self._resolve_flushed(poll_id)
        finally:
            if self._tasks.get(poll_id) is asyncio.current_task():
                del self._tasks[poll_id]
            self._resolve_flushed(poll_id)

    async def _sleep(self, poll_id: int, seconds: float) -> None:
        wake = self._wake.setdefault(poll_id, asyncio.Event())
        wake.clear()
        try:
            await asyncio.wait_for(wake.wait(), seconds)
        except TimeoutError:
            pass

    def _clock_due(self, poll_id: int) -> bool:
        if self._clock is None:
            return False
        last = self._clock_last.get(poll_id, float("-inf"))
        return self._clock.now() - last >= self.interval

    async def _clock_moved(self) -> None:
        """The virtual clock moved: make every trailing edit now due, and wait for it."""
        waiting = []
        for poll_id in list(self._tasks):
            if poll_id in self._dirty and self._clock_due(poll_id):
                flushed = self._flushed.get(poll_id)
                if flushed is None:
                    flushed = self._flushed[poll_id] = asyncio.get_running_loop().create_future()
                waiting.append(flushed)
                if poll_id in self._wake:
                    self._wake[poll_id].set()
        if waiting:
            await asyncio.wait(waiting, timeout=self.interval + 5)

    def _resolve_flushed(self, poll_id: int) -> None:
        flushed = self._flushed.pop(poll_id, None)
        if flushed is not None and not flushed.done():
            flushed.set_result(None)

    async def _edit_logged(self, poll_id: int) -> None:
        try:
            await self.edit(poll_id)
            self.edits_made += 1
        except discord.NotFound:
            log.info("poll %s: message gone, live edit skipped", poll_id)
        except discord.HTTPException as exc:
            log.warning("poll %s: live edit failed: %s", poll_id, exc)
        except Exception:
            log.exception("poll %s: live edit failed", poll_id)


REMOVAL_INTERVAL = 0.25  # Discord's reaction bucket: about 1 request per 0.25 s per channel
REMOVAL_BURST = 4  # removals sent back to back before pacing starts


class ReactionRemover:
    """Takes reactions off poll messages: one paced queue per channel, so a burst of
    removals in one channel (single-choice moves, foreign emoji, non-members) goes out at
    Discord's reaction-bucket pace (a small burst, then one per `interval`) without holding
    up another channel, and never the tally (removals are queued after the votes are
    committed, and run in their own tasks). A removal whose reaction became a counted vote
    again before its turn is skipped (so no removal is wasted or wrong)."""

    def __init__(
        self,
        remove: Callable[[Removal], Awaitable[None]],
        still_wanted: Callable[[Removal], bool],
        interval: float = REMOVAL_INTERVAL,
        burst: int = REMOVAL_BURST,
    ) -> None:
        self.remove = remove
        self.still_wanted = still_wanted
        self.interval = interval
        self.burst = burst
        self.removed = 0
        self._queues: dict[int, deque[Removal]] = {}
        self._queued: set[Removal] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._tokens: dict[int, tuple[float, float]] = {}  # channel -> (tokens, at)

    def start(self) -> None:
        for channel_id, queue in self._queues.items():
            task = self._tasks.get(channel_id)
            if queue and (task is None or task.done()):
                self._tasks[channel_id] = asyncio.create_task(
                    self._worker(channel_id), name=f"huddle-poll-unreact-{channel_id}"
                )

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    def add(self, removals: list[Removal]) -> None:
        for removal in removals:
            if removal not in self._queued:
                self._queued.add(removal)
                self._queues.setdefault(removal.channel_id, deque()).append(removal)
        self.start()

    async def idle(self) -> None:
        while tasks := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _pace(self, channel_id: int) -> None:
        """A token bucket per channel: `burst` at once, refilled one per `interval`."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        tokens, at = self._tokens.get(channel_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) / self.interval)
        if tokens < 1:
            await asyncio.sleep((1 - tokens) * self.interval)
            now, tokens = loop.time(), 1.0
        self._tokens[channel_id] = (tokens - 1, now)

    async def _worker(self, channel_id: int) -> None:
        queue = self._queues[channel_id]
        try:
            while queue:
                removal = queue.popleft()
                self._queued.discard(removal)
                if self.still_wanted(removal):
                    await self._pace(channel_id)
                    await self._remove_logged(removal)
        finally:
            if not queue:
                self._queues.pop(channel_id, None)
                if self._tasks.get(channel_id) is asyncio.current_task():
                    del self._tasks[channel_id]

    async def _remove_logged(self, removal: Removal) -> None:
        try:
            if self.still_wanted(removal):  # asked again: the pace may have waited
                await self.remove(removal)
                self.removed += 1
        except discord.NotFound:
            pass  # message or reaction already gone
        except discord.Forbidden:
            log.warning(
                "poll %s: can't remove a reaction in channel %s (Manage Messages missing?)",
                removal.poll_id, removal.channel_id,
            )  # fmt: skip
        except discord.HTTPException as exc:
            log.warning("poll %s: reaction removal failed: %s", removal.poll_id, exc)
        except Exception:
            log.exception("poll %s: reaction removal failed", removal.poll_id)

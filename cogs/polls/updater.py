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
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

import discord

from cogs.polls.runtime import Removal

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
RETRY_AFTER_ERROR = 5.0  # seconds before a removal Discord failed (5xx, network) is tried again
ATTEMPTS = 5  # a removal that keeps failing waits for the next start (its row stays)

RemovalKey = tuple[int, int, str]  # (poll id, user id, emoji)


def removal_key(removal: Removal) -> RemovalKey:
    return removal.poll_id, removal.user_id, removal.emoji


class ReactionRemover:
    """Takes stale reactions off poll messages: one paced queue per channel, so a burst of
    removals in one channel (single-choice moves, foreign emoji, non-members) goes out at
    Discord's reaction-bucket pace (a small burst, then one per `interval`) without holding
    up another channel, and never the tally (the votes are committed first).

    The queue is the `poll_stale_reactions` table: every removal here has its row, written
    with the vote that made it stale; `done` deletes the row once Discord answered (204, or
    404: gone already), and a restart queues the rows again. A removal cancelled meanwhile
    (the reaction became a vote again, or the member took it off) is skipped."""

    def __init__(
        self,
        remove: Callable[[Removal], Awaitable[None]],
        still_wanted: Callable[[Removal], bool],
        done: Callable[[Removal], Awaitable[None]] | None = None,
        interval: float = REMOVAL_INTERVAL,
        burst: int = REMOVAL_BURST,
        retry_after_error: float = RETRY_AFTER_ERROR,
    ) -> None:
        self.remove = remove
        self.still_wanted = still_wanted
        self.done = done
        self.retry_after_error = retry_after_error
        self.interval = interval
        self.burst = burst
        self.removed = 0
        self._queues: dict[int, deque[Removal]] = {}
        self._wanted: set[RemovalKey] = set()  # queued and not cancelled
        self._attempts: dict[RemovalKey, int] = {}
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

    def add(self, removals: list[Removal], cancelled: Iterable[RemovalKey] = ()) -> None:
        """Queue stale reactions (their rows are committed) and forget cancelled ones."""
        for key in cancelled:
            self._wanted.discard(key)
        for removal in removals:
            key = removal_key(removal)
            if key not in self._wanted:
                self._wanted.add(key)
                self._queues.setdefault(removal.channel_id, deque()).append(removal)
        self.start()

    def backlog(self) -> int:
        """Removals queued and not yet answered (benchmarks, tests)."""
        return len(self._wanted)

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
                if removal_key(removal) not in self._wanted:
                    continue  # cancelled: a vote again, or taken off by the member
                if self.still_wanted(removal):
                    await self._pace(channel_id)
                    await self._remove_logged(removal, queue)
                else:
                    self._wanted.discard(removal_key(removal))
        finally:
            if not queue:
                self._queues.pop(channel_id, None)
                if self._tasks.get(channel_id) is asyncio.current_task():
                    del self._tasks[channel_id]

    async def _remove_logged(self, removal: Removal, queue: deque[Removal]) -> None:
        key = removal_key(removal)
        try:
            if key in self._wanted and self.still_wanted(removal):  # the pace may have waited
                await self.remove(removal)
                self.removed += 1
        except discord.NotFound:
            pass  # message or reaction already gone: as good as removed
        except discord.Forbidden:
            log.warning(
                "poll %s: can't remove a reaction in channel %s (Manage Messages missing?);"
                " it stays queued for the next start",
                removal.poll_id, removal.channel_id,
            )  # fmt: skip
            self._wanted.discard(key)
            return
        except Exception as exc:  # 5xx after discord.py's retries, a dropped connection
            self._retry_later(removal, queue, exc)
            return
        await self._answered(removal)

    async def _answered(self, removal: Removal) -> None:
        key = removal_key(removal)
        self._attempts.pop(key, None)
        if key not in self._wanted:
            return  # cancelled while the request was out: the row went with it
        self._wanted.discard(key)
        if self.done is not None:
            try:
                await self.done(removal)
            except Exception:
                log.exception("poll %s: could not mark a removal done", removal.poll_id)

    def _retry_later(self, removal: Removal, queue: deque[Removal], exc: Exception) -> None:
        key = removal_key(removal)
        attempts = self._attempts[key] = self._attempts.get(key, 0) + 1
        log.warning("poll %s: reaction removal failed (%r), try %d", removal.poll_id, exc, attempts)
        if attempts >= ATTEMPTS:
            self._wanted.discard(key)  # the row stays: the next start tries again
            self._attempts.pop(key, None)
            return
        # Back of the queue, and the channel's bucket is emptied so the retry is not at once.
        now = asyncio.get_running_loop().time()
        self._tokens[removal.channel_id] = (1 - self.retry_after_error / self.interval, now)
        queue.append(removal)

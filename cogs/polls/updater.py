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


class ReactionRemover:
    """Takes reactions off poll messages, one request at a time, skipping any that
    became a valid vote again before their turn (so no removal is wasted or wrong)."""

    def __init__(
        self,
        remove: Callable[[Removal], Awaitable[None]],
        still_wanted: Callable[[Removal], bool],
    ) -> None:
        self.remove = remove
        self.still_wanted = still_wanted
        self.removed = 0
        self._queue: asyncio.Queue[Removal] = asyncio.Queue()
        self._queued: set[Removal] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._worker(), name="huddle-poll-unreact")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def add(self, removals: list[Removal]) -> None:
        for removal in removals:
            if removal not in self._queued:
                self._queued.add(removal)
                self._queue.put_nowait(removal)
        self.start()

    async def idle(self) -> None:
        await self._queue.join()

    async def _worker(self) -> None:
        while True:
            removal = await self._queue.get()
            self._queued.discard(removal)
            try:
                if self.still_wanted(removal):
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
            finally:
                self._queue.task_done()

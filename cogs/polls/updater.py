"""Rate-limit-friendly output: a coalescing message editor and a reaction remover.

The editor makes at most one edit per poll every `interval` seconds: the first change
after a quiet spell is shown at once, later ones are folded into one trailing edit, so
the last state is always shown eventually. Real (loop) time on purpose: rate limits run
on wall time, not on the bot's business clock. discord.py paces 429s itself; nothing
here retries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord

from .engine import Removal

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

    def pending(self) -> bool:
        return bool(self._tasks)

    async def idle(self) -> None:
        """Wait until every pending edit is done (tests and benchmarks)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def stop(self) -> None:
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
                if wait > 0:
                    await asyncio.sleep(wait)
                self._dirty.discard(poll_id)
                self._last[poll_id] = loop.time()
                await self._edit_logged(poll_id)
        finally:
            if self._tasks.get(poll_id) is asyncio.current_task():
                del self._tasks[poll_id]

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

"""The run loop: one timer task claims due jobs and runs them, retrying failures.

Due jobs run concurrently, at most `concurrency` handlers at once, so one slow job (a
reminder DMing 2,000 members) never holds up another server's prompt. Jobs sharing a
`key` (one poll, one event, one group's schedule) run one at a time in due order. A
claimed job (in `_running`) is never started twice. On stop, running jobs get
`stop_grace` seconds; a job cut off keeps its row and runs again at the next start.

A failing handler is retried with backoff and logged; after MAX_ATTEMPTS the job is marked
dead, kept in the table, logged as an error and handed to `on_dead`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.scheduler.jobs import (
    BATCH,
    MAX_ATTEMPTS,
    PAGES_PER_PASS,
    Job,
    backoff_seconds,
    row_to_job,
)
from core.scheduler.parking import Parking

log = logging.getLogger(__name__)


class RunLoop(Parking):
    @property
    def is_running(self) -> bool:
        """Whether the timer task is alive (started, not stopped, not crashed)."""
        return self._task is not None and not self._task.done()

    @property
    def running_job_ids(self) -> frozenset[int]:
        """Jobs running right now (a long one is busy, not late)."""
        return frozenset(self._running)

    def start(self, gate: Callable[[], Awaitable[Any]] | None = None) -> None:
        """Start the timer task: it waits for `gate` (e.g. the bot being ready), starts
        every overdue job, then sleeps until the next one is due (or a running job ends)."""
        if self._stopping:
            self.clock.subscribe(self.run_due)
        self._stopping = False
        self._task = asyncio.create_task(self._timer(gate), name="huddle-scheduler")

    async def stop(self) -> None:
        """Stop starting jobs; give running ones `stop_grace` seconds to finish, then cancel
        them. A cancelled job keeps its row, so it runs again at the next start."""
        self._stopping = True
        self.clock.unsubscribe(self.run_due)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        running = set(self._tasks)
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=self.stop_grace)
        for task in late:
            log.warning("job cut off at shutdown (it stays scheduled): %s", task.get_name())
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)

    async def _timer(self, gate: Callable[[], Awaitable[Any]] | None) -> None:
        if gate is not None:
            await gate()
        await self._wake_switched_on()
        while not self._stopping:
            self._wake.clear()  # before dispatching: a wake-up during it is not lost
            await self._dispatch_logged()
            delay = await self._seconds_until_next()
            if delay is None or (self.clock.virtual and delay > 0):
                # Virtual clocks call run_due on advance; a running job's end wakes us.
                await self._wake.wait()
                continue
            if delay > 0 or len(self._tasks) >= self.concurrency:
                # Not due yet, or due but every slot is busy: the due time, a new job or a
                # running job ending wakes us.
                timeout = min(delay, 3600) if delay > 0 else 1.0
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=timeout)
                except TimeoutError:
                    pass
            # else: something fell due since the pass (or a slot is free): pass again now

    async def _dispatch_logged(self) -> int:
        try:
            return await self._dispatch()
        except Exception:  # the timer must survive anything
            log.exception("scheduler pass failed")
            await asyncio.sleep(1)
            return 0

    def _exclusions(self) -> tuple[str, list[Any]]:
        """SQL that skips jobs already running and keys busy (both at most `concurrency`)."""
        sql, params = "", list[Any]()
        if self._running:
            sql += f" AND id NOT IN ({','.join('?' * len(self._running))})"
            params.extend(self._running)
        if self._busy_keys:
            sql += f" AND (key IS NULL OR key NOT IN ({','.join('?' * len(self._busy_keys))}))"
            params.extend(self._busy_keys)
        return sql, params

    async def _seconds_until_next(self) -> float | None:
        """Seconds until the earliest job that is neither running nor behind a busy key."""
        extra, params = self._exclusions()
        due = await self.store.fetchval(
            f"SELECT due_at FROM jobs WHERE dead = 0{extra} ORDER BY due_at LIMIT 1", params
        )
        return None if due is None else max(0.0, float(due) - self.clock.now())

    async def _dispatch(self) -> int:
        """Claim and start due jobs while slots are free: in due order, at most one per key
        at a time. Returns how many started. Never waits for a job."""
        started = 0
        async with self._dispatch_lock:
            # Jobs that ended before this pass's first SELECT can't show up in it; only those
            # ending during it (their row already read, their claim gone) must be skipped.
            self._ended.clear()
            cursor: tuple[float, int] | None = None
            for _ in range(PAGES_PER_PASS):
                free = self.concurrency - len(self._tasks)
                if free <= 0 or self._stopping:
                    break
                extra, params = self._exclusions()
                sql = f"SELECT * FROM jobs WHERE dead = 0 AND due_at <= ?{extra}"
                args: list[Any] = [self.clock.now(), *params]
                if cursor is not None:
                    sql += " AND (due_at > ? OR (due_at = ? AND id > ?))"
                    args.extend((cursor[0], cursor[0], cursor[1]))
                rows = await self.store.fetchall(
                    sql + " ORDER BY due_at, id LIMIT ?", (*args, BATCH)
                )
                if not rows:
                    break
                for row in rows:
                    if len(self._tasks) >= self.concurrency or self._stopping:
                        break
                    job = row_to_job(row)
                    if job.id in self._running or job.id in self._ended:
                        continue
                    if job.key is not None and job.key in self._busy_keys:
                        continue  # an earlier job of this key runs; this one waits its turn
                    self._claim(job)
                    started += 1
                cursor = (float(rows[-1]["due_at"]), int(rows[-1]["id"]))
                if len(rows) < BATCH:
                    break
        return started

    def _claim(self, job: Job) -> None:
        self._running.add(job.id)
        if job.key is not None:
            self._busy_keys.add(job.key)
        task = asyncio.create_task(self._run_claimed(job), name=f"huddle-job-{job.id}-{job.kind}")
        self._tasks.add(task)

    async def _run_claimed(self, job: Job) -> None:
        try:
            await self._run_one(job)
        except Exception:  # recording the outcome failed (the store); it runs again later
            log.exception("job %s (%s): could not record its outcome", job.id, job.kind)
        finally:
            self._running.discard(job.id)
            self._ended.add(job.id)
            if job.key is not None:
                self._busy_keys.discard(job.key)
            task = asyncio.current_task()
            if task is not None:
                self._tasks.discard(task)
            self._wake.set()  # a slot (and maybe a key) is free

    async def run_due(self) -> int:
        """Run every job that is due now, concurrently up to the bound, and wait until they
        (and any job they schedule for now or earlier) have finished; returns how many this
        call started. Safe to call any time (the virtual clock calls it on advance)."""
        ran = 0
        while not self._stopping:
            ran += await self._dispatch()
            if not self._tasks:
                break
            await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)
        return ran

    async def _run_one(self, job: Job) -> None:
        spec = self._handlers.get(job.kind)
        if spec is None:
            await self._fail(job, f"no handler registered for kind {job.kind!r}")
            return
        if await self._paused(spec, job):
            await self._park(job, spec)
            return
        try:
            await spec.handler(job)
        except Exception as exc:
            log.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts + 1)
            await self._fail(job, f"{type(exc).__name__}: {exc}")
            return
        await self.store.execute("DELETE FROM jobs WHERE id = ?", (job.id,))
        self._ran(job, "done")

    async def _fail(self, job: Job, error: str) -> None:
        attempts = job.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.error(
                "job %s (%s) gave up after %s attempts: %s", job.id, job.kind, attempts, error
            )
            await self.store.execute(
                "UPDATE jobs SET attempts = ?, last_error = ?, dead = 1 WHERE id = ?",
                (attempts, error, job.id),
            )
            if self.on_dead is not None:
                try:
                    await self.on_dead(dataclasses.replace(job, attempts=attempts), error)
                except Exception:
                    log.exception("on_dead for job %s failed", job.id)
            self._ran(job, "dead")
            return
        await self.store.execute(
            "UPDATE jobs SET attempts = ?, last_error = ?, due_at = ? WHERE id = ?",
            (attempts, error, self.clock.now() + backoff_seconds(attempts), job.id),
        )
        self._ran(job, "retry")

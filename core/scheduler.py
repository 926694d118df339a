"""Durable scheduler: jobs live in SQLite, one timer task runs them when due.

Features `register(kind, handler)` and `schedule(kind, due_at, payload)`. Overdue jobs
run at start (the handler decides whether a very late job still acts: compare
`job.due_at` with `clock.now()`). A failing handler is retried with backoff and logged;
after MAX_ATTEMPTS the job is marked dead, kept in the table and logged as an error.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.store import Store, Tx

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 200


@dataclass(frozen=True)
class Job:
    id: int
    guild_id: int | None
    kind: str
    key: str | None
    due_at: float  # the time the feature asked for; retries do not move it
    payload: dict[str, Any]
    attempts: int
    run_at: float = 0.0  # the next attempt (later than due_at after a failure)


Handler = Callable[[Job], Awaitable[None]]


def backoff_seconds(attempts: int) -> float:
    """30 s, 60 s, 2 min, … capped at one hour."""
    return float(min(30 * 2 ** max(attempts - 1, 0), 3600))


class Scheduler:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._handlers: dict[str, Handler] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._run_lock = asyncio.Lock()
        self._stopping = False
        clock.subscribe(self.run_due)

    def register(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def unregister(self, *kinds: str) -> None:
        """Forget handlers (a cog unloading). Their jobs stay in the table and run once a
        handler is registered again; until then a due one is retried like a failure."""
        for kind in kinds:
            self._handlers.pop(kind, None)

    async def schedule(
        self,
        kind: str,
        due_at: float,
        payload: dict[str, Any] | None = None,
        guild_id: int | None = None,
        *,
        key: str | None = None,
        tx: Tx | None = None,
    ) -> int:
        """`tx`: insert inside that open transaction, so the job commits (or not) with the
        caller's other writes."""
        job_id = await (tx or self.store).insert(
            "INSERT INTO jobs (guild_id, kind, key, due_at, asked_for, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                kind,
                key,
                float(due_at),
                float(due_at),
                json.dumps(payload or {}),
                self.clock.now(),
            ),
        )
        self._wake.set()  # the new job may be earlier than the one we sleep for
        return job_id

    async def schedule_many(
        self, jobs: list[tuple[str, float, dict[str, Any], int | None, str | None]]
    ) -> None:
        """Schedule many `(kind, due_at, payload, guild_id, key)` jobs in one transaction."""
        now = self.clock.now()
        rows = [
            (guild_id, kind, key, float(due_at), float(due_at), json.dumps(payload), now)
            for kind, due_at, payload, guild_id, key in jobs
        ]
        async with self.store.transaction() as tx:
            await tx.executemany(
                "INSERT INTO jobs (guild_id, kind, key, due_at, asked_for, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        self._wake.set()

    async def cancel(self, job_id: int) -> bool:
        return await self.store.execute("DELETE FROM jobs WHERE id = ?", (job_id,)) > 0

    async def cancel_key(self, key: str, kind: str | None = None) -> int:
        """Cancel every pending job with this key (and kind, if given)."""
        if kind is None:
            return await self.store.execute("DELETE FROM jobs WHERE key = ?", (key,))
        return await self.store.execute("DELETE FROM jobs WHERE key = ? AND kind = ?", (key, kind))

    async def pending(self, kind: str | None = None, key: str | None = None) -> list[Job]:
        sql = "SELECT * FROM jobs WHERE dead = 0"
        params: list[Any] = []
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        if key is not None:
            sql += " AND key = ?"
            params.append(key)
        rows = await self.store.fetchall(sql + " ORDER BY due_at, id", params)
        return [_row_to_job(r) for r in rows]

    # -- running ------------------------------------------------------------------------

    def start(self, gate: Callable[[], Awaitable[Any]] | None = None) -> None:
        """Start the timer task: it waits for `gate` (e.g. the bot being ready), runs
        every overdue job, then sleeps until the next one is due."""
        if self._stopping:
            self.clock.subscribe(self.run_due)
        self._stopping = False
        self._task = asyncio.create_task(self._timer(gate), name="huddle-scheduler")

    async def stop(self) -> None:
        self._stopping = True
        self.clock.unsubscribe(self.run_due)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        # Let a job that is running finish its REST call rather than cut it in half.
        async with self._run_lock:
            pass

    async def _timer(self, gate: Callable[[], Awaitable[Any]] | None) -> None:
        if gate is not None:
            await gate()
        await self._run_due_logged()
        while not self._stopping:
            self._wake.clear()
            delay = await self._seconds_until_next()
            if delay is None or (self.clock.virtual and delay > 0):
                # Virtual clocks call run_due on advance; real ones have nothing due.
                await self._wake.wait()
                continue
            if delay > 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=min(delay, 3600))
                except TimeoutError:
                    pass
                continue
            await self._run_due_logged()

    async def _run_due_logged(self) -> None:
        try:
            await self.run_due()
        except Exception:  # the timer must survive anything a job does
            log.exception("scheduler pass failed")
            await asyncio.sleep(1)

    async def _seconds_until_next(self) -> float | None:
        due = await self.store.fetchval("SELECT MIN(due_at) FROM jobs WHERE dead = 0")
        return None if due is None else max(0.0, float(due) - self.clock.now())

    async def run_due(self) -> int:
        """Run every job that is due now; returns how many ran. Safe to call any time."""
        ran = 0
        async with self._run_lock:
            while not self._stopping:
                rows = await self.store.fetchall(
                    "SELECT * FROM jobs WHERE dead = 0 AND due_at <= ? ORDER BY due_at, id LIMIT ?",
                    (self.clock.now(), BATCH),
                )
                if not rows:
                    break
                for row in rows:
                    await self._run_one(_row_to_job(row))
                    ran += 1
        return ran

    async def _run_one(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        if handler is None:
            await self._fail(job, f"no handler registered for kind {job.kind!r}")
            return
        try:
            await handler(job)
        except Exception as exc:
            log.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts + 1)
            await self._fail(job, f"{type(exc).__name__}: {exc}")
            return
        await self.store.execute("DELETE FROM jobs WHERE id = ?", (job.id,))

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
            return
        await self.store.execute(
            "UPDATE jobs SET attempts = ?, last_error = ?, due_at = ? WHERE id = ?",
            (attempts, error, self.clock.now() + backoff_seconds(attempts), job.id),
        )


def _row_to_job(row: Any) -> Job:
    return Job(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        key=row["key"],
        due_at=row["asked_for"],
        run_at=row["due_at"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
    )

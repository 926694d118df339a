"""Durable scheduler: jobs live in SQLite, one timer task runs them when due.

Features `register(kind, handler)` and `schedule(kind, due_at, payload)`. Overdue jobs
run at start (the handler decides whether a very late job still acts: compare
`job.due_at` with `clock.now()`). A failing handler is retried with backoff and logged;
after MAX_ATTEMPTS the job is marked dead, kept in the table, logged as an error and
handed to `on_dead` (the bot posts it to the server's audit channel).

This module is what features call (registering kinds, scheduling, cancelling, reading the
queue); the run loop is in running.py, the parking of a paused feature's jobs in parking.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from core.scheduler.jobs import DEAD, LIVE, Handler, Job, Kind, row_to_job
from core.scheduler.running import RunLoop
from core.store import Tx


class Scheduler(RunLoop):
    def register(
        self,
        kind: str,
        handler: Handler,
        *,
        feature: str | None = None,
        moment_bound: bool = False,
        on_drop: Handler | None = None,
    ) -> None:
        """`feature`: the job runs only while that feature is on for the job's server
        (parked meanwhile); `moment_bound`: a parked job whose moment passed is dropped
        when the feature comes back (`on_drop` is then called with it)."""
        self._handlers[kind] = Kind(handler, feature, moment_bound, on_drop)

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
        self, jobs: Sequence[tuple[str, float, Mapping[str, Any], int | None, str | None]]
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

    async def cancel(self, job_id: int, *, tx: Tx | None = None) -> bool:
        """Remove a job (a handler ending its own job early, inside `tx` with its writes)."""
        return await self._delete("DELETE FROM jobs WHERE id = ?", (job_id,), tx) > 0

    async def cancel_key(self, key: str, kind: str | None = None, *, tx: Tx | None = None) -> int:
        """Cancel every pending job with this key (and kind, if given); `tx`: inside that
        open transaction, so the jobs go (or stay) with the caller's other writes."""
        if kind is None:
            return await self._delete("DELETE FROM jobs WHERE key = ?", (key,), tx)
        return await self._delete("DELETE FROM jobs WHERE key = ? AND kind = ?", (key, kind), tx)

    async def _delete(self, sql: str, params: tuple[Any, ...], tx: Tx | None) -> int:
        if tx is None:
            return await self.store.execute(sql, params)
        return (await tx.execute(sql, params)).rowcount

    async def retry_now(self, key: str) -> int:
        """Run again now the jobs of `key` that failed (waiting for a retry, or given up):
        someone fixed the cause (a permission given back) and asked to try at once."""
        count = await self.store.execute(
            "UPDATE jobs SET due_at = ?, dead = ?, attempts = CASE WHEN dead = ? THEN 0"
            " ELSE attempts END WHERE key = ? AND (dead = ? OR (dead = ? AND attempts > 0))",
            (self.clock.now(), LIVE, DEAD, key, DEAD, LIVE),
        )
        if count:
            self._wake.set()
        return count

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
        return [row_to_job(r) for r in rows]

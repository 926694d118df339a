"""Durable scheduler: jobs live in SQLite, one timer task runs them when due.

Features `register(kind, handler)` and `schedule(kind, due_at, payload)`. Overdue jobs
run at start (the handler decides whether a very late job still acts: compare
`job.due_at` with `clock.now()`). A failing handler is retried with backoff and logged;
after MAX_ATTEMPTS the job is marked dead, kept in the table, logged as an error and
handed to `on_dead` (the bot posts it to the server's audit channel).

Due jobs run concurrently, at most `concurrency` handlers at once, so one slow job (a
reminder DMing 2,000 members) never holds up another server's prompt. Jobs sharing a
`key` (one poll, one event, one group's schedule) run one at a time in due order. A
claimed job (in `_running`) is never started twice. On stop, running jobs get
`stop_grace` seconds; a job cut off keeps its row and runs again at the next start.

A feature's switch is one rule here (docs/rules.md, "Server configuration"): a kind registered
with `feature=` asks `feature_switch(guild_id, feature)` before its handler runs. A job of
a paused feature is parked (`dead = PARKED`: not run, not failed, not counted as an
attempt) and woken by `feature_switched(guild_id, feature, True)`: it then runs once,
except a `moment_bound` kind (a prompt, a reminder, a nudge) whose moment has passed,
which is dropped (its `on_drop` lets a recurring kind plan its next occurrence).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.store import Store, Tx

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LIVE, DEAD, PARKED = 0, 1, 2  # jobs.dead: waiting to run, gave up, its feature is paused
BATCH = 200
CONCURRENCY = 16  # handlers running at once; jobs of one key never run side by side
PAGES_PER_PASS = 5  # rows a pass reads past key-blocked ones before waiting for a slot
STOP_GRACE = 5.0  # seconds running jobs get to finish at shutdown


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
DeadHook = Callable[[Job, str], Awaitable[None]]
FeatureSwitch = Callable[[int, str], Awaitable[bool]]
RanHook = Callable[[Job, str], None]  # (job, "done" | "retry" | "dead"): metrics count it


@dataclass(frozen=True)
class Kind:
    """What a feature registered for a job kind."""

    handler: Handler
    feature: str | None = None  # its switch is asked before the handler runs
    moment_bound: bool = False  # dropped, not run late, when woken after its moment
    on_drop: Handler | None = None  # told when a moment-bound job is dropped


def backoff_seconds(attempts: int) -> float:
    """30 s, 60 s, 2 min, … capped at one hour."""
    return float(min(30 * 2 ** max(attempts - 1, 0), 3600))


class Scheduler:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        concurrency: int = CONCURRENCY,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.concurrency = concurrency
        self.stop_grace = stop_grace
        # Called once when a job gives up for good (the bot posts it to the audit channel).
        self.on_dead: DeadHook | None = None
        self.on_ran: RanHook | None = None  # read-only observer (core/metrics.py)
        # Asked before a feature's job runs (the bot answers from `/config feature`).
        self.feature_switch: FeatureSwitch | None = None
        self._handlers: dict[str, Kind] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._dispatch_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: set[int] = set()  # claimed job ids: never run twice at once
        self._busy_keys: set[str] = set()
        self._ended: set[int] = set()  # ended during the current pass
        self._stopping = False
        clock.subscribe(self.run_due)

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

    def kinds_of(self, feature: str) -> list[str]:
        return [k for k, spec in self._handlers.items() if spec.feature == feature]

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
        return [_row_to_job(r) for r in rows]

    # -- running ------------------------------------------------------------------------

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
                    job = _row_to_job(row)
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

    def _ran(self, job: Job, outcome: str) -> None:
        if self.on_ran is not None:
            self.on_ran(job, outcome)

    # -- paused features --------------------------------------------------------------------

    async def _paused(self, spec: Kind, job: Job) -> bool:
        if spec.feature is None or job.guild_id is None or self.feature_switch is None:
            return False
        return not await self.feature_switch(job.guild_id, spec.feature)

    async def _park(self, job: Job, spec: Kind) -> None:
        await self.store.execute(
            "UPDATE jobs SET dead = ? WHERE id = ? AND dead = ?", (PARKED, job.id, LIVE)
        )
        log.info("job %s (%s) parked: %s is off in guild %s", job.id, job.kind, spec.feature,
                 job.guild_id)  # fmt: skip
        # The switch may have come on between asking and parking: wake it then.
        if not await self._paused(spec, job) and spec.feature is not None:
            await self.feature_switched(int(job.guild_id or 0), spec.feature, True)

    async def parked(self, guild_id: int, feature: str | None = None) -> list[Job]:
        """A server's parked jobs (of one feature's kinds, if given), in due order."""
        kinds = self.kinds_of(feature) if feature is not None else None
        sql = "SELECT * FROM jobs WHERE dead = ? AND guild_id = ?"
        params: list[Any] = [PARKED, guild_id]
        if kinds is not None:
            if not kinds:
                return []
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        rows = await self.store.fetchall(sql + " ORDER BY due_at, id", params)
        return [_row_to_job(r) for r in rows]

    async def feature_switched(self, guild_id: int, feature: str, enabled: bool) -> int:
        """A feature came back on: its parked jobs run once now, but moment-bound ones whose
        moment passed are dropped. Returns how many were woken (switching off parks lazily,
        as each job comes due)."""
        if not enabled:
            return 0
        now = self.clock.now()
        woken = 0
        for job in await self.parked(guild_id, feature):
            spec = self._handlers[job.kind]
            if spec.moment_bound and job.due_at < now:
                await self._drop(job, spec)
                continue
            woken += await self.store.execute(
                "UPDATE jobs SET dead = ?, due_at = ? WHERE id = ? AND dead = ?",
                (LIVE, now, job.id, PARKED),
            )
        self._wake.set()
        return woken

    async def _wake_switched_on(self) -> int:
        """At start: parked jobs whose feature is on again (switched on while they were
        being parked, or a wake cut off by a restart) are woken as the switch would."""
        if self.feature_switch is None:
            return 0
        rows = await self.store.fetchall(
            "SELECT DISTINCT guild_id, kind FROM jobs WHERE dead = ? AND guild_id IS NOT NULL",
            (PARKED,),
        )
        pairs = {
            (int(r["guild_id"]), spec.feature)
            for r in rows
            if (spec := self._handlers.get(r["kind"])) is not None and spec.feature is not None
        }
        woken = 0
        for guild_id, feature in sorted(pairs):
            try:
                if await self.feature_switch(guild_id, feature):
                    woken += await self.feature_switched(guild_id, feature, True)
            except Exception:
                log.exception("waking parked %s jobs of guild %s failed", feature, guild_id)
        return woken

    async def _drop(self, job: Job, spec: Kind) -> None:
        if not await self.store.execute(
            "DELETE FROM jobs WHERE id = ? AND dead = ?", (job.id, PARKED)
        ):
            return
        log.info("job %s (%s) dropped: its moment passed while %s was off", job.id, job.kind,
                 spec.feature)  # fmt: skip
        if spec.on_drop is not None:
            try:
                await spec.on_drop(job)
            except Exception:
                log.exception("on_drop of job %s (%s) failed", job.id, job.kind)

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

"""Parking the jobs of a paused feature, and waking them when it comes back on.

A feature's switch is one rule here (docs/rules.md, "Server configuration"): a kind registered
with `feature=` asks `feature_switch(guild_id, feature)` before its handler runs. A job of
a paused feature is parked (`dead = PARKED`: not run, not failed, not counted as an
attempt) and woken by `feature_switched(guild_id, feature, True)`: it then runs once,
except a `moment_bound` kind (a prompt, a reminder, a nudge) whose moment has passed,
which is dropped (its `on_drop` lets a recurring kind plan its next occurrence).
"""

from __future__ import annotations

import logging
from typing import Any

from core.scheduler.base import SchedulerBase
from core.scheduler.jobs import LIVE, PARKED, Job, Kind, row_to_job

log = logging.getLogger(__name__)


class Parking(SchedulerBase):
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
        return [row_to_job(r) for r in rows]

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

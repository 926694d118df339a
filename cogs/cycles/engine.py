"""The cycle's phase machine: the leaders' `start`, `advance` and `stop`, and the step each
scheduler job runs (`jobs.py` maps the kinds to the `on_*` methods here). Every phase
change is a scheduler job and every step is idempotent, so a bot killed at any point
carries on where it was when it comes back. One period's steps and commands run one at
a time, under the period's lock.

How a step stays idempotent:
- the period row records the phase reached and every side effect already made (message,
  poll and event ids); a step reads it first and skips what is done;
- a poll or event is made under a request id (`cycle:<id>:<period>:poll:<round>`,
  `…:meeting`) that polls/events store before posting: a rerun gets the one already made
  (completing its reactions or jobs), so a crash or a failure between "made" and "noted"
  never makes a second;
- a step that fails raises: the scheduler retries it with backoff, the leaders are told
  once in the group channel what is wrong (`trouble.py`), `/cycle advance` retries now;
- messages are posted with a nonce and `enforce_nonce` (Discord returns the earlier message
  for the same nonce instead of posting twice);
- the end of a period and the next period's row and jobs are written in one transaction.

Where the rest is: the side effects, each made once, in `effects.py`; the steps from the
nomination deadline to the pick carried out in `picking.py`; the job kinds in `jobs.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from cogs.checkins import api as checkins
from cogs.cycles import logic, render
from cogs.cycles.effects import CycleEffects, reading_owner
from cogs.cycles.logic import NewCycle
from cogs.cycles.picking import Picking
from cogs.cycles.store import Cycle, CycleStore, Period, job_key
from cogs.events import api as events
from cogs.groups import api as groups
from cogs.polls import api as polls
from core.errors import UserError
from core.scheduler import Job

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


class CycleEngine:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.cycles = CycleStore(bot.store)
        self.effects = CycleEffects(bot, self.cycles)
        self.picking = Picking(bot, self.cycles, self.effects)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def now(self) -> float:
        return self.bot.clock.now()

    def lock(self, period_id: int) -> asyncio.Lock:
        """One period's steps and commands run one at a time."""
        return self._locks[period_id]

    # -- the leaders' commands ---------------------------------------------------------------

    async def start(self, new: NewCycle) -> tuple[Cycle, Period]:
        """Store the cycle and its first period (nominations open now) in one transaction,
        then announce it; if the announcement fails, the cycle goes again (nothing
        half-made) and the failure is raised."""
        async with self.bot.store.transaction() as tx:
            if await self.cycles.runs_cycle(tx, new.group_id):
                raise UserError("This group already runs a cycle. `/cycle stop` ends it first.")
            cycle_id = await self.cycles.insert_cycle(tx, new)
            cycle = Cycle(id=cycle_id, status="active", **vars(new))
            period_id = await self.effects.add_period(tx, cycle, 1, new.created_at, 0.0)
        assert period_id is not None
        try:
            await self.open(period_id)
        except Exception:
            async with self.bot.store.transaction() as tx:
                await self.bot.scheduler.cancel_key(job_key(cycle_id), tx=tx)
                await self.cycles.delete_cycle(tx, cycle_id)
            raise
        period = await self.cycles.period(period_id)
        assert period is not None
        return cycle, period

    async def advance(self, cycle: Cycle) -> str:
        """End the current phase now, or retry the step that failed; returns what
        happened, in words."""
        period = await self.cycles.current_period(cycle.id)
        if period is None:
            raise UserError("This cycle has no period to advance.")
        retried = await self.bot.scheduler.retry_now(job_key(cycle.id))  # a failed step: now
        if period.phase == "voting" and not period.poll_id:
            await self.close_nominations(period.id)  # the ballot failed: make (or complete) it
            return "Tried again: the ballot is posted in the group's channel."
        if period.phase == "runoff" and not period.runoff_poll_id:
            if not retried:
                raise UserError("The runoff poll is still being posted; try again in a moment.")
            return "Trying the runoff poll again now."
        if period.phase == "picked":
            await self.carry_out_pick(period.id)  # the pick's steps failed: do what is left
            return "Tried again: the pick, its meeting and its check-ins are in place."
        if period.phase == "nominating":
            await self.close_nominations(period.id, advanced=True)
            return render.advanced_text(await self.picking.reload(period))
        if period.phase in ("voting", "runoff"):
            poll_id = period.poll_id if period.phase == "voting" else period.runoff_poll_id
            assert poll_id is not None  # a missing ballot was made again above
            await polls.close_poll(self.bot, poll_id)
            return "Closed the vote early; the result is announced in the group's channel."
        if period.phase == "reading":
            if period.checkins_set:
                owner = reading_owner(cycle.id, period.id)
                await checkins.stop_prompts(self.bot, cycle.group_id, owner)
            async with self.lock(period.id):
                await self.finish(period, ("reading",), "done")
            return (
                "Ended the reading phase: the next nominations are open now. The meeting "
                "already planned stays as it is."
            )
        if period.phase == "empty":
            async with self.lock(period.id):
                await self.finish(period, ("empty",), "skipped")
            return "Opened the next period's nominations now."
        raise UserError("This cycle has nothing to advance.")

    async def stop(self, cycle: Cycle) -> list[str]:
        """End the cycle: its open poll closes, its future meeting is cancelled, its
        check-ins stop. It takes the period's lock (a poll or meeting being made meanwhile
        is made first, then stopped too), and can be run again until everything is
        stopped: a step that failed (closing the poll) is tried again. Returns what was
        done, in words."""
        period = await self.cycles.current_period(cycle.id)
        lock = self.lock(period.id) if period is not None else asyncio.Lock()
        async with lock:
            stopped_now = await self.cycles.stop_cycle(cycle.id, self.bot.scheduler)
            done = await self.effects.stop_what_runs(cycle, period)
        if not stopped_now and not done:
            raise UserError("This cycle is already stopped, and nothing of it runs any more.")
        return done

    # -- periods -----------------------------------------------------------------------------

    async def finish(self, period: Period, expected: tuple[str, ...], final: str) -> None:
        """End a period and open the next one now (after the previous meeting), atomically.
        The caller holds the period's lock."""
        cycle = await self.cycles.cycle(period.cycle_id)
        async with self.bot.store.transaction() as tx:
            ended = await self.cycles.end_period(tx, period.id, expected, final)
            if not ended or cycle is None or cycle.status != "active":
                return
            next_id = await self.effects.add_period(
                tx, cycle, period.number + 1, self.now(), period.meet_at + 1
            )
        if next_id is not None:
            await self.open(next_id)

    async def _load(self, period_id: int) -> tuple[Cycle, Period, groups.GroupRef] | None:
        period = await self.cycles.period(period_id)
        if period is None:
            return None
        cycle = await self.cycles.cycle(period.cycle_id)
        group = await groups.get_group(self.bot.store, cycle.group_id) if cycle else None
        if cycle is None or group is None:
            return None
        return cycle, period, group

    async def open(self, period_id: int) -> None:
        """Announce the period's nominations (once)."""
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status != "active" or period.phase != "nominating" or period.announce_msg:
                return
            await self.effects.announce(cycle, period, group)

    async def close_nominations(self, period_id: int, *, advanced: bool = False) -> None:
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status != "active":
                return
            if period.phase == "nominating":
                await self.picking.end_nominations(cycle, period, group, advanced)
            else:  # a rerun after a crash: carry on from where it was
                await self.picking.resume(cycle, period, group)

    async def carry_out_pick(self, period_id: int) -> None:
        """Do what is left of a picked period's steps now (`/cycle advance` after a failure)."""
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status == "active" and period.phase == "picked":
                await self.picking.carry_out(cycle, period, group)

    # -- the scheduled steps (jobs.py) --------------------------------------------------------

    async def on_open(self, job: Job) -> None:
        await self.open(int(job.payload["period_id"]))

    async def on_close(self, job: Job) -> None:
        await self.close_nominations(int(job.payload["period_id"]))

    async def on_voted(self, job: Job) -> None:
        period_id = int(job.payload["period_id"])
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status == "active":
                await self.picking.vote_closed(cycle, period, group, job.payload)

    async def on_read_end(self, job: Job) -> None:
        """Stop this period's reading check-ins only (the owner names the period): the
        group's own schedule and a later period's reading go on."""
        period = await self.cycles.period(int(job.payload["period_id"]))
        if period is not None and period.checkins_set:
            cycle = await self.cycles.cycle(period.cycle_id)
            if cycle is not None:
                owner = reading_owner(cycle.id, period.id)
                await checkins.stop_prompts(self.bot, cycle.group_id, owner)

    async def on_met(self, job: Job) -> None:
        """The meeting ended (or its backstop is due): the next period opens."""
        period_id = int(job.payload["period_id"])
        if job.payload.get("backstop"):
            await self._backstop(period_id)
            return
        going = job.payload.get("going")
        async with self._locks[period_id]:
            period = await self.cycles.period(period_id)
            if period is None:
                return
            if going is not None:
                await self.cycles.record(period_id, going=int(going))
            if period.phase in ("reading", "picked"):
                await self.finish(period, ("reading", "picked"), "done")

    async def _backstop(self, period_id: int) -> None:
        """The meeting slot is over, but a meeting cancelled by hand (`/event cancel`) or
        deleted never ends, so its on_end never comes: the period ends here instead. An
        ended meeting's on_end may have run already (or run later): ending the period is
        idempotent either way. A meeting moved later is checked again after its new end."""
        async with self._locks[period_id]:
            period = await self.cycles.period(period_id)
            if period is None or period.phase not in ("reading", "picked"):
                return
            if not period.event_id:
                return  # the meeting is still being made: its step carries on
            cycle = await self.cycles.cycle(period.cycle_id)
            if cycle is None or cycle.status != "active":
                return
            summary = await events.event_summary(self.bot, period.event_id)
            if summary is not None and summary.status == "scheduled":
                await self.effects.schedule_backstop(
                    cycle, period.id, max(summary.end_at, self.now()) - logic.MEETING_LENGTH
                )
                return
            if summary is not None and summary.status == "ended" and period.going is None:
                await self.cycles.record(period.id, going=summary.going)
            log.info(
                "cycle %s period %s: meeting %s is %s; the next period opens",
                cycle.id, period.id, period.event_id, summary.status if summary else "gone",
            )  # fmt: skip
            await self.finish(period, ("reading", "picked"), "done")

    async def on_next(self, job: Job) -> None:
        """A period without nominations hands over at its meeting slot."""
        period_id = int(job.payload["period_id"])
        async with self._locks[period_id]:
            period = await self.cycles.period(period_id)
            if period is not None and period.phase == "empty":
                await self.finish(period, ("empty",), "skipped")

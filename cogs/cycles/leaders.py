"""What a cycle's leaders set in motion by command: starting a cycle (its first period
opens now), advancing the current phase early, and stopping the cycle (closing its poll,
cancelling its planned meeting, stopping its check-ins). `CycleEngine` offers these as
`start`, `advance` and `stop`."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from cogs.checkins import api as checkins
from cogs.cycles import render
from cogs.cycles.effects import cycle_owner_prefix, reading_owner
from cogs.cycles.store import Cycle, NewCycle, Period, job_key
from cogs.events import api as events
from cogs.polls import api as polls
from core.errors import UserError

if TYPE_CHECKING:
    from cogs.cycles.jobs import CycleEngine


async def start(engine: CycleEngine, new: NewCycle) -> tuple[Cycle, Period]:
    """Store the cycle and its first period (nominations open now) in one transaction,
    then announce it."""
    store = engine.bot.store
    async with store.transaction() as tx:
        if await tx.fetchone(
            "SELECT 1 FROM cycles WHERE group_id = ? AND status = 'active'", (new.group_id,)
        ):
            raise UserError("This group already runs a cycle. `/cycle stop` ends it first.")
        cycle_id = await engine.cycles.insert_cycle(tx, new)
        cycle = Cycle(id=cycle_id, status="active", **vars(new))
        period_id = await engine.effects.add_period(tx, cycle, 1, new.created_at, 0.0)
    assert period_id is not None
    try:
        await engine.open(period_id)
    except Exception:  # nothing half-made: the cycle goes if its announcement can't
        async with store.transaction() as tx:
            await engine.bot.scheduler.cancel_key(job_key(cycle_id), tx=tx)
            await tx.execute("DELETE FROM cycles WHERE id = ?", (cycle_id,))
        raise
    period = await engine.cycles.period(period_id)
    assert period is not None
    return cycle, period


async def advance(engine: CycleEngine, cycle: Cycle) -> str:
    """End the current phase now; returns what happened, in words."""
    period = await engine.cycles.current_period(cycle.id)
    if period is None:
        raise UserError("This cycle has no period to advance.")
    retried = await engine.bot.scheduler.retry_now(job_key(cycle.id))  # a failed step: now
    if period.phase == "voting" and not period.poll_id:
        await engine.close_nominations(period.id)  # the ballot failed: make (or complete) it
        return "Tried again: the ballot is posted in the group's channel."
    if period.phase == "runoff" and not period.runoff_poll_id:
        if not retried:
            raise UserError("The runoff poll is still being posted; try again in a moment.")
        return "Trying the runoff poll again now."
    if period.phase == "picked":
        await engine.carry_out_pick(period.id)  # the pick's steps failed: do what is left
        return "Tried again: the pick, its meeting and its check-ins are in place."
    if period.phase == "nominating":
        await engine.close_nominations(period.id, advanced=True)
        after = await engine.reload(period)
        return render.advanced_text(after)
    if period.phase in ("voting", "runoff"):
        poll_id = period.poll_id if period.phase == "voting" else period.runoff_poll_id
        assert poll_id is not None  # a missing ballot was made again above
        await polls.close_poll(engine.bot, poll_id)
        return "Closed the vote early; the result is announced in the group's channel."
    if period.phase == "reading":
        if period.checkins_set:
            owner = reading_owner(cycle.id, period.id)
            await checkins.stop_prompts(engine.bot, cycle.group_id, owner)
        async with engine.lock(period.id):
            await engine.finish(period, ("reading",), "done")
        return (
            "Ended the reading phase: the next nominations are open now. The meeting "
            "already planned stays as it is."
        )
    if period.phase == "empty":
        async with engine.lock(period.id):
            await engine.finish(period, ("empty",), "skipped")
        return "Opened the next period's nominations now."
    raise UserError("This cycle has nothing to advance.")


async def stop(engine: CycleEngine, cycle: Cycle) -> list[str]:
    """End the cycle: its open poll closes, its future meeting is cancelled, its
    check-ins stop. It takes the period's lock (a poll or meeting being made meanwhile is
    made first, then stopped too), and can be run again until everything is stopped: a
    step that failed (closing the poll) is tried again. Returns what was done, in words."""
    period = await engine.cycles.current_period(cycle.id)
    lock = engine.lock(period.id) if period is not None else asyncio.Lock()
    async with lock:
        stopped_now = await engine.cycles.stop_cycle(cycle.id, engine.bot.scheduler)
        done = await _stop_what_runs(engine, cycle, period)
    if not stopped_now and not done:
        raise UserError("This cycle is already stopped, and nothing of it runs any more.")
    return done


async def _stop_what_runs(engine: CycleEngine, cycle: Cycle, period: Period | None) -> list[str]:
    """Close, cancel and stop whatever of the cycle still runs (each checked afresh, so a
    rerun does only what is left)."""
    bot = engine.bot
    done: list[str] = []
    if await checkins.stop_prompts_starting(bot, cycle.group_id, cycle_owner_prefix(cycle.id)):
        done.append("stopped the reading check-ins")
    if period is None:
        return done
    period = await engine.reload(period)
    for poll_id in (period.poll_id, period.runoff_poll_id):
        if poll_id:
            result = await polls.poll_result(bot, poll_id)
            if result is not None and not result.closed:
                await polls.close_poll(bot, poll_id)
                done.append("closed its open poll")
    if period.event_id:
        summary = await events.event_summary(bot, period.event_id)
        if summary and summary.status == "scheduled" and summary.start_at > engine.now():
            await events.cancel_event(bot, period.event_id, by="/cycle stop")
            done.append("cancelled the planned meeting")
    return done

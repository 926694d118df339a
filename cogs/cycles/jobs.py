"""The cycle's phase machine: every phase change is a scheduler job, and every handler is
idempotent, so a bot killed at any point carries on where it was when it comes back.

How a handler stays idempotent:
- the period row records the phase reached and every side effect already made (message,
  poll and event ids); a handler reads it first and skips what is done;
- a poll or event is made under a request id (`cycle:<id>:<period>:poll:<round>`,
  `…:meeting`) that polls/events store before posting: a rerun gets the one already made
  (completing its reactions or jobs), so a crash or a failure between "made" and "noted"
  never makes a second;
- a step that fails raises: the scheduler retries it with backoff, the leaders are told
  once in the group channel what is wrong (`trouble.py`), `/cycle advance` retries now;
- messages are posted with a nonce and `enforce_nonce` (Discord returns the earlier message
  for the same nonce instead of posting twice);
- the end of a period and the next period's row and jobs are written in one transaction.

Jobs (all keyed `cycle:<cycle id>`, so `/cycle stop` cancels them at once):
OPEN (a period's nominations announcement, at its opening), CLOSE (the nomination
deadline), VOTED (polls' on_close callback), MET (events' on_end callback; and, with
`backstop` in its payload, a check a minute after the meeting slot's end, for a meeting
cancelled by hand, which never ends), NEXT (a period
without nominations hands over at its meeting slot), READ_END (reading check-ins stop just
before the meeting).

The side effects themselves (posts, polls, the meeting, check-ins, a period's row and
jobs) are made once by `effects.CycleEffects`; the leaders' commands are in `leaders.py`;
the job kinds in `job_kinds.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from cogs.checkins import api as checkins
from cogs.cycles import leaders, logic, render, trouble
from cogs.cycles.effects import CycleEffects, reading_owner
from cogs.cycles.job_kinds import CLOSE, KINDS, LATE_CLOSE, MET, NEXT, OPEN, READ_END, VOTED
from cogs.cycles.store import Cycle, CycleStore, NewCycle, Period, job_key
from cogs.events import api as events
from cogs.groups import api as groups
from core.scheduler import Job

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

__all__ = ["CLOSE", "KINDS", "MET", "NEXT", "OPEN", "READ_END", "VOTED", "CycleEngine"]


class CycleEngine:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.cycles = CycleStore(bot.store)
        self.effects = CycleEffects(bot, self.cycles)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def register(self) -> None:
        handlers = {
            OPEN: self.on_open, CLOSE: self.on_close, VOTED: self.on_voted, MET: self.on_met,
            NEXT: self.on_next, READ_END: self.on_read_end,
        }  # fmt: skip
        for kind, handler in handlers.items():  # paused with cycles: run once when back on
            self.bot.scheduler.register(kind, self._guarded(handler), feature="cycles")

    def _guarded(
        self, handler: Callable[[Job], Awaitable[None]]
    ) -> Callable[[Job], Awaitable[None]]:
        """A failing step raises for the scheduler to retry it with backoff; its leaders
        are told once what is wrong (trouble.py)."""

        async def run(job: Job) -> None:
            period_id = int(job.payload["period_id"])
            try:
                await handler(job)
            except Exception as exc:
                await trouble.tell_leaders(self.bot, self.cycles, period_id, exc)
                raise
            await trouble.all_clear(self.cycles, period_id)

        return run

    def unregister(self) -> None:
        self.bot.scheduler.unregister(*KINDS)

    def now(self) -> float:
        return self.bot.clock.now()

    def lock(self, period_id: int) -> asyncio.Lock:
        """One period's handlers and commands run one at a time."""
        return self._locks[period_id]

    # -- leaders' commands (leaders.py) -------------------------------------------------------

    async def start(self, new: NewCycle) -> tuple[Cycle, Period]:
        return await leaders.start(self, new)

    async def advance(self, cycle: Cycle) -> str:
        return await leaders.advance(self, cycle)

    async def stop(self, cycle: Cycle) -> list[str]:
        return await leaders.stop(self, cycle)

    # -- periods -------------------------------------------------------------------------------

    async def finish(self, period: Period, expected: tuple[str, ...], final: str) -> None:
        """End a period and open the next one now (after the previous meeting), atomically."""
        cycle = await self.cycles.cycle(period.cycle_id)
        async with self.bot.store.transaction() as tx:
            cur = await tx.execute(
                f"UPDATE cycle_periods SET phase = ? WHERE id = ?"
                f" AND phase IN ({','.join('?' * len(expected))})",
                (final, period.id, *expected),
            )
            if cur.rowcount == 0 or cycle is None or cycle.status != "active":
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

    async def reload(self, period: Period) -> Period:
        fresh = await self.cycles.period(period.id)
        assert fresh is not None
        return fresh

    # -- (1) nominations open ---------------------------------------------------------------

    async def on_open(self, job: Job) -> None:
        await self.open(int(job.payload["period_id"]))

    async def open(self, period_id: int) -> None:
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status != "active" or period.phase != "nominating" or period.announce_msg:
                return
            await self.effects.announce(cycle, period, group)

    # -- (2) the nomination deadline -------------------------------------------------------

    async def on_close(self, job: Job) -> None:
        await self.close_nominations(int(job.payload["period_id"]))

    async def close_nominations(self, period_id: int, *, advanced: bool = False) -> None:
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status != "active":
                return
            if period.phase == "nominating":
                await self._end_nominations(cycle, period, group, advanced)
            else:  # a rerun after a crash: carry on from where it was
                await self._resume(cycle, period, group)

    async def _resume(self, cycle: Cycle, period: Period, group: groups.GroupRef) -> None:
        if period.phase == "voting" and not period.poll_id:
            await self.effects.ballot_poll(cycle, period)
        elif period.phase == "picked":
            await self._picked(cycle, period, group)

    async def _end_nominations(
        self, cycle: Cycle, period: Period, group: groups.GroupRef, advanced: bool
    ) -> None:
        if not period.announce_msg:  # opened while the bot was down: announce it first
            await self.effects.announce(cycle, period, group)
            period = await self.reload(period)
        nominees = logic.ballot(await self.cycles.nominees(period.id))
        if not nominees:
            message_id = await self.effects.post(
                group, f"cy{period.id}e", embed=render.no_nominations(cycle, period)
            )
            async with self.bot.store.transaction() as tx:
                await self.cycles.record(period.id, tx, phase="empty", result_msg=message_id)
                await self.bot.scheduler.schedule(
                    NEXT, period.meet_at, {"period_id": period.id}, cycle.guild_id,
                    key=job_key(cycle.id), tx=tx,
                )  # fmt: skip
            return
        if len(nominees) == 1:
            await self.cycles.record(period.id, phase="picked", pick=nominees[0].title)
            await self._picked(cycle, await self.reload(period), group)
            return
        now = self.now()
        late = advanced or now > period.nominate_until + LATE_CLOSE
        closes = now + cycle.vote_s if late else period.vote_until
        await self.cycles.record(period.id, phase="voting", vote_until=closes)
        await self.effects.ballot_poll(cycle, await self.reload(period))

    # -- (3) the vote closed ----------------------------------------------------------------

    async def on_voted(self, job: Job) -> None:
        p = job.payload
        period_id = int(p["period_id"])
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status != "active":
                return
            if period.phase == "picked":
                await self._picked(cycle, period, group)
                return
            round_ = int(p.get("round", 1))
            expected = (
                ("voting", period.poll_id) if round_ == 1 else ("runoff", period.runoff_poll_id)
            )
            if (period.phase, p.get("poll_id")) != expected:
                if period.phase == "runoff" and round_ == 1 and not period.runoff_poll_id:
                    await self._runoff(cycle, period, p)  # crashed while making the runoff
                return
            tally: dict[str, int] = p.get("tally") or {}
            winners: list[str] = list(p.get("winners") or []) or list(tally)
            if len(winners) == 1:
                await self._choose(cycle, period, group, winners[0], tally)
            elif round_ == 1:
                await self.cycles.record(period.id, phase="runoff")
                await self._runoff(cycle, await self.reload(period), p)
            else:
                nominees = await self.cycles.nominees(period.id)
                await self._choose(
                    cycle, period, group, logic.earliest(nominees, winners).title, tally
                )

    async def _runoff(self, cycle: Cycle, period: Period, payload: dict[str, Any]) -> None:
        tally: dict[str, int] = payload.get("tally") or {}
        tied = list(payload.get("winners") or []) or list(tally)
        known = {n.key: n for n in await self.cycles.nominees(period.id)}
        nominees = [  # in the tie's order; a title no longer nominated keeps its name alone
            known.get(logic.title_key(t)) or logic.Nominee(logic.title_key(t), t, "", (), 0.0)
            for t in tied
        ]
        await self.effects.make_poll(
            cycle, period, "runoff_poll_id", 2, render.runoff_question(cycle, tied), nominees,
            self.now() + logic.RUNOFF,
        )  # fmt: skip

    async def _choose(
        self,
        cycle: Cycle,
        period: Period,
        group: groups.GroupRef,
        option: str,
        tally: dict[str, int],
    ) -> None:
        nominees = await self.cycles.nominees(period.id)
        chosen = next((n.title for n in nominees if n.key == logic.title_key(option)), option)
        await self.cycles.record(
            period.id, phase="picked", pick=chosen, pick_votes=int(tally.get(option, 0))
        )
        await self._picked(cycle, await self.reload(period), group)

    # -- (4) the pick: announcement, meeting, reading check-ins ------------------------------

    async def carry_out_pick(self, period_id: int) -> None:
        """Do what is left of a picked period's steps now (`/cycle advance` after a failure)."""
        async with self._locks[period_id]:
            loaded = await self._load(period_id)
            if loaded is None:
                return
            cycle, period, group = loaded
            if cycle.status == "active" and period.phase == "picked":
                await self._picked(cycle, period, group)

    async def _picked(self, cycle: Cycle, period: Period, group: groups.GroupRef) -> None:
        if not period.result_msg:
            nominees = await self.cycles.nominees(period.id)
            await self.effects.announce_pick(cycle, period, group, nominees)
        if not period.event_id:
            await self.effects.make_meeting(cycle, period)
        if cycle.checkins and not period.checkins_set and period.meet_at > self.now():
            await self.effects.start_reading_checkins(cycle, period)
        await self.cycles.record(period.id, phase="reading")

    async def on_read_end(self, job: Job) -> None:
        """Stop this period's reading check-ins only (the owner names the period): the
        group's own schedule and a later period's reading go on."""
        period = await self.cycles.period(int(job.payload["period_id"]))
        if period is not None and period.checkins_set:
            cycle = await self.cycles.cycle(period.cycle_id)
            if cycle is not None:
                owner = reading_owner(cycle.id, period.id)
                await checkins.stop_prompts(self.bot, cycle.group_id, owner)

    # -- (5) the meeting ended: the next period opens ----------------------------------------

    async def on_met(self, job: Job) -> None:
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
                return  # the meeting is still being made: its handler carries on
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
        period_id = int(job.payload["period_id"])
        async with self._locks[period_id]:
            period = await self.cycles.period(period_id)
            if period is not None and period.phase == "empty":
                await self.finish(period, ("empty",), "skipped")

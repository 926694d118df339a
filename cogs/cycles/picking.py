"""How a period comes to its pick, step by step: the nomination deadline (no nominations:
the period hands over at its meeting slot; one: it is the pick; more: a ballot), the
vote's outcome (one winner; a tie: a runoff; a tie again: the earliest nomination), and
the pick carried out (its announcement, the meeting, the reading check-ins).

The engine (`engine.py`) runs each step under the period's lock; a step takes no lock and
opens no period itself. Each skips what the period row says is done, so a rerun after a
crash carries on where it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cogs.cycles import logic, render
from cogs.cycles.effects import CycleEffects
from cogs.cycles.jobs import NEXT
from cogs.cycles.store import Cycle, CycleStore, Period, job_key
from cogs.groups import api as groups

if TYPE_CHECKING:
    from core.bot import HuddleBot


class Picking:
    def __init__(self, bot: HuddleBot, cycles: CycleStore, effects: CycleEffects) -> None:
        self.bot = bot
        self.cycles = cycles
        self.effects = effects

    def now(self) -> float:
        return self.bot.clock.now()

    async def reload(self, period: Period) -> Period:
        fresh = await self.cycles.period(period.id)
        assert fresh is not None
        return fresh

    # -- the nomination deadline -------------------------------------------------------------

    async def end_nominations(
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
            await self.carry_out(cycle, await self.reload(period), group)
            return
        now = self.now()
        late = advanced or now > period.nominate_until + logic.LATE_CLOSE
        closes = now + cycle.vote_s if late else period.vote_until
        await self.cycles.record(period.id, phase="voting", vote_until=closes)
        await self.effects.ballot_poll(cycle, await self.reload(period))

    async def resume(self, cycle: Cycle, period: Period, group: groups.GroupRef) -> None:
        """The deadline's step ran before, up to a crash: make what it left unmade."""
        if period.phase == "voting" and not period.poll_id:
            await self.effects.ballot_poll(cycle, period)
        elif period.phase == "picked":
            await self.carry_out(cycle, period, group)

    # -- the vote closed -----------------------------------------------------------------------

    async def vote_closed(
        self, cycle: Cycle, period: Period, group: groups.GroupRef, payload: dict[str, Any]
    ) -> None:
        """The ballot (round 1) or the runoff (round 2) closed with `payload`'s tally."""
        if period.phase == "picked":
            await self.carry_out(cycle, period, group)
            return
        round_ = int(payload.get("round", 1))
        expected = ("voting", period.poll_id) if round_ == 1 else ("runoff", period.runoff_poll_id)
        if (period.phase, payload.get("poll_id")) != expected:
            if period.phase == "runoff" and round_ == 1 and not period.runoff_poll_id:
                await self._runoff(cycle, period, payload)  # crashed while making the runoff
            return
        tally: dict[str, int] = payload.get("tally") or {}
        winners: list[str] = list(payload.get("winners") or []) or list(tally)
        if len(winners) == 1:
            await self._choose(cycle, period, group, winners[0], tally)
        elif round_ == 1:
            await self.cycles.record(period.id, phase="runoff")
            await self._runoff(cycle, await self.reload(period), payload)
        else:
            nominees = await self.cycles.nominees(period.id)
            await self._choose(cycle, period, group, logic.earliest(nominees, winners).title, tally)

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
        await self.carry_out(cycle, await self.reload(period), group)

    # -- the pick: announcement, meeting, reading check-ins ---------------------------------

    async def carry_out(self, cycle: Cycle, period: Period, group: groups.GroupRef) -> None:
        """Make what is left of the pick's announcement, meeting and reading check-ins;
        then the period is reading until its meeting ends."""
        if not period.result_msg:
            nominees = await self.cycles.nominees(period.id)
            await self.effects.announce_pick(cycle, period, group, nominees)
        if not period.event_id:
            await self.effects.make_meeting(cycle, period)
        if cycle.checkins and not period.checkins_set and period.meet_at > self.now():
            await self.effects.start_reading_checkins(cycle, period)
        await self.cycles.record(period.id, phase="reading")

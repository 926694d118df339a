"""The cycle's phase machine: every phase change is a scheduler job, and every handler is
idempotent, so a bot killed at any point carries on where it was when it comes back.

How a handler stays idempotent:
- the period row records the phase reached and every side effect already made (message,
  poll and event ids); a handler reads it first and skips what is done;
- a poll or event about to be made is marked first (`poll_id = 0`: "being made"); a rerun
  that finds the mark looks the poll/event up by its callback payload (polls/events api)
  before making one, so a crash between "made" and "noted" never makes a second;
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
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import discord

from cogs.checkins import api as checkins
from cogs.cycles import logic, render
from cogs.cycles.store import Cycle, CycleStore, NewCycle, Period, PeriodTimes, job_key
from cogs.events import api as events
from cogs.groups import api as groups
from cogs.polls import api as polls
from core.errors import UserError
from core.scheduler import Job
from core.store import Tx
from core.ui import NO_PINGS

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

OPEN = "cycle.open"
CLOSE = "cycle.close"
VOTED = "cycle.voted"
MET = "cycle.met"
NEXT = "cycle.next"
READ_END = "cycle.read_end"
KINDS = (OPEN, CLOSE, VOTED, MET, NEXT, READ_END)
BACKSTOP_DELAY = 60.0  # after the meeting slot's end, MET's backstop checks the meeting
LATE_CLOSE = 300.0  # a nomination deadline handled later than this gives the vote its full length


class CycleEngine:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.cycles = CycleStore(bot.store)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def register(self) -> None:
        handlers = {
            OPEN: self.on_open, CLOSE: self.on_close, VOTED: self.on_voted, MET: self.on_met,
            NEXT: self.on_next, READ_END: self.on_read_end,
        }  # fmt: skip
        for kind, handler in handlers.items():
            self.bot.scheduler.register(kind, handler)

    def unregister(self) -> None:
        self.bot.scheduler.unregister(*KINDS)

    def now(self) -> float:
        return self.bot.clock.now()

    # -- starting and periods ---------------------------------------------------------------

    async def start(self, new: NewCycle) -> tuple[Cycle, Period]:
        """Store the cycle and its first period (nominations open now) in one transaction,
        then announce it."""
        async with self.bot.store.transaction() as tx:
            if await tx.fetchone(
                "SELECT 1 FROM cycles WHERE group_id = ? AND status = 'active'", (new.group_id,)
            ):
                raise UserError("This group already runs a cycle. `/cycle stop` ends it first.")
            cycle_id = await self.cycles.insert_cycle(tx, new)
            cycle = Cycle(id=cycle_id, status="active", **vars(new))
            period_id = await self._add_period(tx, cycle, 1, new.created_at, 0.0)
        assert period_id is not None
        try:
            await self.open(period_id)
        except Exception:  # nothing half-made: the cycle goes if its announcement can't
            async with self.bot.store.transaction() as tx:
                await tx.execute("DELETE FROM jobs WHERE key = ?", (job_key(cycle_id),))
                await tx.execute("DELETE FROM cycles WHERE id = ?", (cycle_id,))
            raise
        period = await self.cycles.period(period_id)
        assert period is not None
        return cycle, period

    async def _add_period(
        self, tx: Tx, cycle: Cycle, number: int, opens_at: float, not_before: float
    ) -> int | None:
        slot = logic.parse_meet(cycle.meet)
        meet_at = logic.first_meeting(
            slot, cycle.cadence, cycle.timezone, opens_at, cycle.nominate_s, cycle.vote_s,
            anchor=cycle.anchor, not_before=not_before,
        )  # fmt: skip
        times = PeriodTimes(
            opens_at,
            opens_at + cycle.nominate_s,
            opens_at + cycle.nominate_s + cycle.vote_s,
            meet_at,
        )
        period_id = await self.cycles.insert_period(tx, cycle, number, times)
        if period_id is None:
            return None
        key = job_key(cycle.id)
        payload = {"period_id": period_id}
        sched = self.bot.scheduler
        await sched.schedule(OPEN, opens_at, payload, cycle.guild_id, key=key, tx=tx)
        await sched.schedule(CLOSE, times.nominate_until, payload, cycle.guild_id, key=key, tx=tx)
        return period_id

    async def _finish(self, period: Period, expected: tuple[str, ...], final: str) -> None:
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
            next_id = await self._add_period(
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

    async def _post(
        self,
        group: groups.GroupRef,
        nonce: str,
        *,
        embed: discord.Embed,
        view: discord.ui.View | None = None,
    ) -> int:
        if not group.channel_id:
            raise UserError(f"**{group.name}** has no channel; `/group repair` fixes it.")
        channel = self.bot.get_partial_messageable(group.channel_id, guild_id=group.guild_id)
        kwargs: dict[str, Any] = {"embed": embed, "nonce": nonce, "allowed_mentions": NO_PINGS}
        if view is not None:
            kwargs["view"] = view
        message = await channel.send(**kwargs)
        return message.id

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
            message_id = await self._post(
                group,
                f"cy{period.id}o",
                embed=render.announcement(cycle, period),
                view=render.nominate_view(period.id),
            )
            await self.cycles.record(period.id, announce_msg=message_id)

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
            await self._ballot_poll(cycle, period)
        elif period.phase == "picked":
            await self._picked(cycle, period, group)

    async def _end_nominations(
        self, cycle: Cycle, period: Period, group: groups.GroupRef, advanced: bool
    ) -> None:
        if not period.announce_msg:  # opened while the bot was down: announce it first
            period = await self._announce_late(cycle, period, group)
        nominees = logic.ballot(await self.cycles.nominees(period.id))
        if not nominees:
            message_id = await self._post(
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
            await self._picked(cycle, await self._reload(period), group)
            return
        now = self.now()
        late = advanced or now > period.nominate_until + LATE_CLOSE
        closes = now + cycle.vote_s if late else period.vote_until
        await self.cycles.record(period.id, phase="voting", vote_until=closes)
        await self._ballot_poll(cycle, await self._reload(period))

    async def _announce_late(self, cycle: Cycle, period: Period, group: groups.GroupRef) -> Period:
        message_id = await self._post(
            group,
            f"cy{period.id}o",
            embed=render.announcement(cycle, period),
            view=render.nominate_view(period.id),
        )
        await self.cycles.record(period.id, announce_msg=message_id)
        return await self._reload(period)

    async def _reload(self, period: Period) -> Period:
        fresh = await self.cycles.period(period.id)
        assert fresh is not None
        return fresh

    async def _make_poll(
        self,
        cycle: Cycle,
        period: Period,
        column: str,
        round_: int,
        question: str,
        options: list[str],
        closes_at: float,
    ) -> None:
        """Make the period's poll once: `column` NULL = not begun, 0 = begun (look it up)."""
        made = getattr(period, column)
        if made:
            return
        found = None
        if made == 0:
            found = await polls.find_poll_by_on_close(
                self.bot, VOTED, period_id=period.id, round=round_
            )
        if found is None:
            await self.cycles.record(period.id, **{column: 0})
            result = await polls.create_poll(
                self.bot, cycle.group_id, question, options, creator_id=cycle.created_by,
                closes_at=closes_at, on_close=(VOTED, {"period_id": period.id, "round": round_}),
            )  # fmt: skip
            found = result.poll_id
        await self.cycles.record(period.id, **{column: found})

    async def _ballot_poll(self, cycle: Cycle, period: Period) -> None:
        nominees = logic.ballot(await self.cycles.nominees(period.id))
        await self._make_poll(
            cycle, period, "poll_id", 1, render.poll_question(cycle, period),
            [n.title for n in nominees], period.vote_until,
        )  # fmt: skip

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
                await self._runoff(cycle, await self._reload(period), p)
            else:
                nominees = await self.cycles.nominees(period.id)
                await self._choose(
                    cycle, period, group, logic.earliest(nominees, winners).title, tally
                )

    async def _runoff(self, cycle: Cycle, period: Period, payload: dict[str, Any]) -> None:
        tally: dict[str, int] = payload.get("tally") or {}
        tied = list(payload.get("winners") or []) or list(tally)
        await self._make_poll(
            cycle, period, "runoff_poll_id", 2, render.runoff_question(cycle, tied), tied,
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
        await self._picked(cycle, await self._reload(period), group)

    # -- (4) the pick: announcement, meeting, reading check-ins ------------------------------

    async def _picked(self, cycle: Cycle, period: Period, group: groups.GroupRef) -> None:
        if not period.result_msg:
            nominees = await self.cycles.nominees(period.id)
            message_id = await self._post(
                group, f"cy{period.id}p", embed=render.pick_announcement(cycle, period, nominees)
            )
            await self.cycles.record(period.id, result_msg=message_id)
        if not period.event_id:
            found = None
            if period.event_id == 0:
                found = await events.find_event_by_on_end(self.bot, MET, period_id=period.id)
            if found is None:
                await self.cycles.record(period.id, event_id=0)
                summary = await events.create_event(
                    self.bot, cycle.group_id, render.event_title(cycle, period), period.meet_at,
                    created_by=cycle.created_by, duration=logic.MEETING_LENGTH,
                    description=render.event_description(cycle, period),
                    on_end=(MET, {"period_id": period.id}),
                )  # fmt: skip
                found = summary.id
            async with self.bot.store.transaction() as tx:  # the event and its backstop
                await self.cycles.record(period.id, tx, event_id=found)
                await self._schedule_backstop(cycle, period.id, period.meet_at, tx)
        if cycle.checkins and not period.checkins_set and period.meet_at > self.now():
            slot = logic.parse_meet(cycle.meet)
            await checkins.schedule_prompts(
                self.bot, cycle.group_id, "weekly", slot.at, created_by=cycle.created_by,
                weekday=(slot.weekday - logic.PROMPT_DAYS_BEFORE) % 7, prompt=render.reading_prompt(cycle, period),
            )  # fmt: skip
            async with self.bot.store.transaction() as tx:
                await self.cycles.record(period.id, tx, checkins_set=1)
                await self.bot.scheduler.schedule(
                    READ_END, period.meet_at - 60, {"period_id": period.id}, cycle.guild_id,
                    key=job_key(cycle.id), tx=tx,
                )  # fmt: skip
        await self.cycles.record(period.id, phase="reading")

    async def on_read_end(self, job: Job) -> None:
        period = await self.cycles.period(int(job.payload["period_id"]))
        if period is not None and period.checkins_set:
            cycle = await self.cycles.cycle(period.cycle_id)
            if cycle is not None:
                await checkins.stop_prompts(self.bot, cycle.group_id)

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
                await self._finish(period, ("reading", "picked"), "done")

    async def _schedule_backstop(
        self, cycle: Cycle, period_id: int, meet_at: float, tx: Tx | None = None
    ) -> None:
        await self.bot.scheduler.schedule(
            MET, meet_at + logic.MEETING_LENGTH + BACKSTOP_DELAY,
            {"period_id": period_id, "backstop": True}, cycle.guild_id,
            key=job_key(cycle.id), tx=tx,
        )  # fmt: skip

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
                await self._schedule_backstop(
                    cycle, period.id, max(summary.end_at, self.now()) - logic.MEETING_LENGTH
                )
                return
            if summary is not None and summary.status == "ended" and period.going is None:
                await self.cycles.record(period.id, going=summary.going)
            log.info(
                "cycle %s period %s: meeting %s is %s; the next period opens",
                cycle.id, period.id, period.event_id, summary.status if summary else "gone",
            )  # fmt: skip
            await self._finish(period, ("reading", "picked"), "done")

    async def on_next(self, job: Job) -> None:
        period_id = int(job.payload["period_id"])
        async with self._locks[period_id]:
            period = await self.cycles.period(period_id)
            if period is not None and period.phase == "empty":
                await self._finish(period, ("empty",), "skipped")

    # -- leaders' commands -----------------------------------------------------------------

    async def advance(self, cycle: Cycle) -> str:
        """End the current phase now; returns what happened, in words."""
        period = await self.cycles.current_period(cycle.id)
        if period is None:
            raise UserError("This cycle has no period to advance.")
        if period.phase == "nominating":
            await self.close_nominations(period.id, advanced=True)
            after = await self._reload(period)
            return render.advanced_text(after)
        if period.phase in ("voting", "runoff"):
            poll_id = period.poll_id if period.phase == "voting" else period.runoff_poll_id
            if not poll_id:
                raise UserError("The poll is still being posted; try again in a moment.")
            await polls.close_poll(self.bot, poll_id)
            return "Closed the vote early; the result is announced in the group's channel."
        if period.phase in ("picked", "reading"):
            if period.checkins_set:
                await checkins.stop_prompts(self.bot, cycle.group_id)
            async with self._locks[period.id]:
                await self._finish(period, ("reading", "picked"), "done")
            return (
                "Ended the reading phase: the next nominations are open now. The meeting "
                "already planned stays as it is."
            )
        if period.phase == "empty":
            async with self._locks[period.id]:
                await self._finish(period, ("empty",), "skipped")
            return "Opened the next period's nominations now."
        raise UserError("This cycle has nothing to advance.")

    async def stop(self, cycle: Cycle) -> list[str]:
        """End the cycle: its open poll closes, its future meeting is cancelled, its
        check-ins stop. Returns what was done, in words."""
        period = await self.cycles.current_period(cycle.id)
        if not await self.cycles.stop_cycle(cycle.id):
            raise UserError("This cycle is already stopped.")
        done: list[str] = []
        if period is None:
            return done
        for poll_id in (period.poll_id, period.runoff_poll_id):
            if poll_id and period.phase in ("voting", "runoff"):
                result = await polls.poll_result(self.bot, poll_id)
                if result is not None and not result.closed:
                    await polls.close_poll(self.bot, poll_id)
                    done.append("closed its open poll")
        if period.event_id:
            summary = await events.event_summary(self.bot, period.event_id)
            if summary and summary.status == "scheduled" and summary.start_at > self.now():
                await events.cancel_event(self.bot, period.event_id, by="/cycle stop")
                done.append("cancelled the planned meeting")
        if period.checkins_set and period.phase in ("picked", "reading"):
            await checkins.stop_prompts(self.bot, cycle.group_id)
            done.append("stopped the reading check-ins")
        return done

"""The cycle's side effects, each made at most once however often a handler reruns
(`CycleEffects`): a period's row and its jobs, channel posts (with a nonce), the vote's
poll, the meeting event with its backstop, the reading check-ins, and what `/cycle stop`
ends of them (`stop_what_runs`). The period row
records what is done; a poll or event is made under a request id its feature stores
before posting, so a rerun gets (and completes) the one already made. (A `0` mark left by
an earlier version is still looked up by its callback payload.) Reading check-ins are a
check-in schedule of the period's own (`reading_owner`), beside the group's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from cogs.checkins import api as checkins
from cogs.cycles import logic, render, trouble
from cogs.cycles.jobs import CLOSE, MET, OPEN, READ_END, VOTED
from cogs.cycles.store import Cycle, CycleStore, Period, PeriodTimes, job_key
from cogs.events import api as events
from cogs.groups import api as groups
from cogs.polls import api as polls
from core.errors import BotMissingPermission, UserError
from core.store import Tx
from core.ui import NO_PINGS

if TYPE_CHECKING:
    from core.bot import HuddleBot

BALLOT_NUDGE_HOURS = 12  # a cycle's ballot nudges who hasn't voted 12 h before it closes


def reading_owner(cycle_id: int, period_id: int) -> str:
    """The owner of a period's reading check-ins: its own schedule beside the group's,
    started and stopped only by that period (a stale job of an earlier period stops
    nothing of a later one)."""
    return f"{cycle_owner_prefix(cycle_id)}{period_id}"


def cycle_owner_prefix(cycle_id: int) -> str:
    return f"cycle:{cycle_id}:"


MISSING_ACCESS = 50001  # Discord's code when the bot cannot see the channel


class CycleEffects:
    """What a cycle does outside its own rows, each step idempotent."""

    def __init__(self, bot: HuddleBot, cycles: CycleStore) -> None:
        self.bot = bot
        self.cycles = cycles

    def now(self) -> float:
        return self.bot.clock.now()

    async def add_period(
        self, tx: Tx, cycle: Cycle, number: int, opens_at: float, not_before: float
    ) -> int | None:
        """The period's row and its OPEN and CLOSE jobs, in `tx`; None if it exists."""
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

    async def post(
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
        try:
            message = await channel.send(**kwargs)
        except discord.Forbidden as exc:  # named as Discord names it, for the leaders
            missing = "View Channel" if exc.code == MISSING_ACCESS else "Send Messages"
            raise BotMissingPermission(missing, "post in the group's channel") from exc
        return message.id

    async def announce(self, cycle: Cycle, period: Period, group: groups.GroupRef) -> None:
        """Post the period's nominations announcement and note it."""
        message_id = await self.post(
            group,
            f"cy{period.id}o",
            embed=render.announcement(cycle, period),
            view=render.nominate_view(period.id),
        )
        await self.cycles.record(period.id, announce_msg=message_id)

    async def announce_pick(
        self, cycle: Cycle, period: Period, group: groups.GroupRef, nominees: list[logic.Nominee]
    ) -> None:
        embed = render.pick_announcement(
            cycle, period, nominees, total_votes=await self.deciding_votes(period),
            voice_channel_id=group.voice_channel_id,
        )  # fmt: skip
        message_id = await self.post(group, f"cy{period.id}p", embed=embed)
        await self.cycles.record(period.id, result_msg=message_id)

    async def deciding_votes(self, period: Period) -> int | None:
        """How many votes the poll that decided the pick had (the runoff's, if any)."""
        poll_id = period.runoff_poll_id or period.poll_id
        if not poll_id:
            return None
        result = await polls.poll_result(self.bot, poll_id)
        return sum(result.counts) if result is not None else None

    async def make_poll(
        self,
        cycle: Cycle,
        period: Period,
        column: str,
        round_: int,
        question: str,
        nominees: list[logic.Nominee],
        closes_at: float,
    ) -> None:
        """Make the period's poll once, keyed by a request id: a rerun (after a crash, or
        a retry after a failure such as a missing permission) gets the poll already made
        and completes it (its reactions) instead of posting another."""
        made = getattr(period, column)
        if made:
            return
        if made == 0:  # begun before request ids (marked 0): look it up as it was made
            found = await polls.find_poll_by_on_close(
                self.bot, VOTED, period_id=period.id, round=round_
            )
            if found is not None:
                await self.cycles.record(period.id, **_columns(column, found))
                return
        result = await polls.create_poll(
            self.bot, cycle.group_id, question, [n.title for n in nominees],
            creator_id=cycle.created_by,
            presentation=render.ballot_presentation(period, nominees, runoff=round_ > 1),
            closes_at=closes_at, on_close=(VOTED, {"period_id": period.id, "round": round_}),
            nudge_hours=BALLOT_NUDGE_HOURS,
            request_id=f"cycle:{cycle.id}:{period.id}:poll:{round_}",
        )  # fmt: skip
        await self.cycles.record(period.id, **_columns(column, result.poll_id))

    async def ballot_poll(self, cycle: Cycle, period: Period) -> None:
        nominees = logic.ballot(await self.cycles.nominees(period.id))
        await self.make_poll(
            cycle, period, "poll_id", 1, render.poll_question(cycle, period),
            nominees, period.vote_until,
        )  # fmt: skip

    async def make_meeting(self, cycle: Cycle, period: Period) -> None:
        """The meeting event once, keyed by a request id (a rerun gets the event already
        made, completed), noted together with its backstop job."""
        legacy = None
        if period.event_id == 0:  # begun before request ids (marked 0): look it up
            legacy = await events.find_event_by_on_end(self.bot, MET, period_id=period.id)
        if legacy is not None:
            async with self.bot.store.transaction() as tx:
                await self.cycles.record(period.id, tx, event_id=legacy)
                await self.schedule_backstop(cycle, period.id, period.meet_at, tx)
            return
        summary = await events.create_event(
            self.bot, cycle.group_id, render.event_title(cycle, period), period.meet_at,
            created_by=cycle.created_by, duration=logic.MEETING_LENGTH,
            description=render.event_description(await self.cycles.nominees(period.id), period),
            on_end=(MET, {"period_id": period.id}),
            request_id=f"cycle:{cycle.id}:{period.id}:meeting",
        )  # fmt: skip
        found = summary.id
        for note in summary.notes:  # the meeting stands; what it lacks is told once
            await trouble.tell_note(self.bot, self.cycles, period.id, "meeting-note", note)
        async with self.bot.store.transaction() as tx:  # the event and its backstop
            await self.cycles.record(period.id, tx, event_id=found)
            await self.schedule_backstop(cycle, period.id, period.meet_at, tx)

    async def schedule_backstop(
        self, cycle: Cycle, period_id: int, meet_at: float, tx: Tx | None = None
    ) -> None:
        await self.bot.scheduler.schedule(
            MET, meet_at + logic.MEETING_LENGTH + logic.BACKSTOP_DELAY,
            {"period_id": period_id, "backstop": True}, cycle.guild_id,
            key=job_key(cycle.id), tx=tx,
        )  # fmt: skip

    async def start_reading_checkins(self, cycle: Cycle, period: Period) -> None:
        """Weekly reading check-ins until just before the meeting (READ_END stops them)."""
        slot = logic.parse_meet(cycle.meet)
        await checkins.schedule_prompts(
            self.bot, cycle.group_id, "weekly", slot.at, created_by=cycle.created_by,
            weekday=(slot.weekday - logic.PROMPT_DAYS_BEFORE) % 7, prompt=render.reading_prompt(cycle, period),
            owner=reading_owner(cycle.id, period.id),
        )  # fmt: skip
        async with self.bot.store.transaction() as tx:
            await self.cycles.record(period.id, tx, checkins_set=1)
            await self.bot.scheduler.schedule(
                READ_END, period.meet_at - 60, {"period_id": period.id}, cycle.guild_id,
                key=job_key(cycle.id), tx=tx,
            )  # fmt: skip

    async def stop_what_runs(self, cycle: Cycle, period: Period | None) -> list[str]:
        """Close, cancel and stop whatever of the cycle still runs: its reading check-ins,
        its open poll, its meeting still to come. Each is checked afresh, so a rerun does
        only what is left. Returns what was done, in words."""
        done: list[str] = []
        owners = cycle_owner_prefix(cycle.id)
        if await checkins.stop_prompts_starting(self.bot, cycle.group_id, owners):
            done.append("stopped the reading check-ins")
        if period is None:
            return done
        fresh = await self.cycles.period(period.id)
        assert fresh is not None
        period = fresh
        for poll_id in (period.poll_id, period.runoff_poll_id):
            if poll_id:
                result = await polls.poll_result(self.bot, poll_id)
                if result is not None and not result.closed:
                    await polls.close_poll(self.bot, poll_id)
                    done.append("closed its open poll")
        if period.event_id:
            summary = await events.event_summary(self.bot, period.event_id)
            if summary and summary.status == "scheduled" and summary.start_at > self.now():
                await events.cancel_event(self.bot, period.event_id, by="/cycle stop")
                done.append("cancelled the planned meeting")
        return done


def _columns(column: str, value: int) -> dict[str, Any]:
    """One period column to `CycleStore.record` (typed Any: record's `tx` is no column)."""
    return {column: value}

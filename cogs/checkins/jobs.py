"""The durable jobs behind scheduled check-ins.

`checkin.prompt` (key `checkin:<group>`) fires at each prompt instant, which is also the
end of the previous period: it posts the summaries of closed, prompted periods, then the
prompt of the period that opens now, then schedules itself for the next prompt (and the
nudge). What was posted is recorded per (group, period) before the job finishes, so a
retry or a restart never posts twice. A prompt whose period closed while the bot was
down is not posted late (its summary still is); the period running when the bot comes
back gets its prompt then (periods that passed entirely while it was down are not
prompted), and the schedule goes on from the next prompt.

`checkin.final` (same key) fires at the end of the period that was open when the schedule
was removed (`/checkin unschedule`): that period runs on to its end as announced and
then gets its summary like any other; no prompt or nudge follows.

`checkin.nudge` fires `nudge` hours before a period closes. It checks who is still on
the server (members who left end their membership) and splits those who have not checked
in into `checkin.nudge_batch` jobs of `NUDGE_BATCH` members, each under its own key, so a
1,000-member group's nudge never holds up another group's prompt. A batch claims its
members (never nudged twice), DMs each one paced by `bot.dm_pacer`, and mentions those
whose DMs are closed in the group channel, at most 100 per message (`mention_batches`).
"""

from __future__ import annotations

import logging
from datetime import time
from typing import TYPE_CHECKING

import discord

from cogs.checkins import logic, render
from cogs.checkins.logic import Period, Rule
from cogs.checkins.service import CheckinService, indices_of
from cogs.checkins.store import PeriodRecord, Schedule
from cogs.checkins.views import prompt_view, schedule_prompt_view
from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from core.dms import send_dm
from core.fit import mention_batches
from core.scheduler import Job
from core.ui import NO_PINGS, ping_only

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

PROMPT_KIND = "checkin.prompt"
NUDGE_KIND = "checkin.nudge"
NUDGE_BATCH_KIND = "checkin.nudge_batch"
NUDGE_BATCH = 25  # members per nudge batch job
FINAL_KIND = "checkin.final"
DM_CLOSED = 50007
FEATURE = "checkins"


def job_key(group_id: int, owner: str = "") -> str:
    """Each schedule's jobs share a key: the group's own `checkin:<group>` (as before
    schedules had owners), another owner's `checkin:<group>:<owner>`."""
    return f"checkin:{group_id}" if not owner else f"checkin:{group_id}:{owner}"


def nudge_batch_key(group_id: int, period_key: str, owner: str = "") -> str:
    """A period's nudge batches share one key, so they hold one scheduler slot at most:
    a 1,000-member nudge waiting on the DM pace never crowds out other groups' jobs."""
    base = f"checkin-nudge:{group_id}:{period_key}"
    return base if not owner else f"{base}:{owner}"


def owner_of(job: Job) -> str:
    return str(job.payload.get("owner") or "")


class CheckinJobs:
    def __init__(self, service: CheckinService) -> None:
        self.service = service
        self.bot = service.bot
        self.store = service.store

    def register(self) -> None:
        """Hand the scheduler a handler per check-ins job kind (the cog's `cog_load`)."""
        register = self.bot.scheduler.register
        # Paused with check-ins (the scheduler asks the switch); a prompt or a nudge whose
        # moment passed meanwhile is dropped, and a dropped prompt re-arms its schedule.
        register(PROMPT_KIND, self.on_prompt, feature=FEATURE, moment_bound=True,
                 on_drop=self.on_prompt_dropped)  # fmt: skip
        register(NUDGE_KIND, self.on_nudge, feature=FEATURE, moment_bound=True)
        register(FINAL_KIND, self.on_final, feature=FEATURE)
        register(NUDGE_BATCH_KIND, self.on_nudge_batch, feature=FEATURE, moment_bound=True)

    def unregister(self) -> None:
        """Undo `register` (the cog's `cog_unload`); pending jobs stay stored."""
        self.bot.scheduler.unregister(PROMPT_KIND, NUDGE_KIND, FINAL_KIND, NUDGE_BATCH_KIND)

    # -- starting and stopping a schedule -------------------------------------------------

    async def start(self, group: GroupRef, schedule: Schedule) -> Period:
        """Save the schedule (replacing its owner's earlier one, never another owner's) and
        arm it; returns the period the next prompt opens."""
        await self.store.save_schedule(schedule)
        stored = await self.store.get_schedule(group.id, schedule.owner)
        return await self.arm(group, stored or schedule)

    async def stop(self, group: GroupRef, owner: str = "") -> tuple[bool, PeriodRecord | None]:
        """Remove `owner`'s schedule of a group (others' go on): whether there was one, and
        the prompted period that still runs on to its end and gets its summary."""
        schedule = await self.store.get_schedule(group.id, owner)
        if schedule is None or not await self.store.delete_schedule(group.id, owner):
            return False, None
        await self.disarm(group.id, owner)
        return True, await self.finish(group, schedule)

    # -- arming -------------------------------------------------------------------------

    async def arm(self, group: GroupRef, schedule: Schedule) -> Period:
        """(Re)start a group's schedule: the next prompt job, and the nudge for the open
        period if its prompt is already out. Returns the period the next prompt opens."""
        await self.disarm(group.id, schedule.owner)
        zone = await self.service.zone(group)
        current = logic.period_at(schedule.rule, zone, self.bot.clock.now())
        upcoming = logic.next_period(schedule.rule, zone, current)
        await self._schedule_prompt(group, upcoming.start, schedule.owner)
        record = await self.store.get_period_record(group.id, current.key, schedule.owner)
        if record and record.prompt_posted:
            await self._schedule_nudge(group, schedule, current)
        return upcoming

    async def disarm(self, group_id: int, owner: str = "") -> None:
        await self.bot.scheduler.cancel_key(job_key(group_id, owner), PROMPT_KIND)
        await self.bot.scheduler.cancel_key(job_key(group_id, owner), NUDGE_KIND)

    async def finish(self, group: GroupRef, schedule: Schedule) -> PeriodRecord | None:
        """After unscheduling: the open, prompted period still gets its summary at its
        end. Returns that period (None if there is none)."""
        owner = schedule.owner
        record = await self.store.open_prompted_period(group.id, self.bot.clock.now(), owner)
        if record is None:
            return None
        rule = schedule.rule
        payload = {
            "group_id": group.id,
            "owner": owner,
            "period_key": record.period_key,
            "cadence": rule.cadence,
            "hour": rule.at.hour,
            "minute": rule.at.minute,
            "weekday": rule.weekday,
        }
        await self.bot.scheduler.schedule(
            FINAL_KIND, record.period_end, payload, group.guild_id, key=job_key(group.id, owner)
        )
        return record

    async def on_final(self, job: Job) -> None:
        group = await groups.get_group(self.bot.store, int(job.payload["group_id"]))
        if group is None or group.archived:
            return
        p = job.payload
        rule = Rule(p["cadence"], time(int(p["hour"]), int(p["minute"])), p["weekday"])
        zone, owner = await self.service.zone(group), owner_of(job)
        for record in await self.store.periods_to_summarise(group.id, self.bot.clock.now(), owner):
            await self.post_summary(group, rule, zone, record, owner)

    async def _schedule_prompt(self, group: GroupRef, start: int, owner: str = "") -> None:
        payload = {"group_id": group.id, "start": start, "owner": owner}
        await self.bot.scheduler.schedule(
            PROMPT_KIND, start, payload, group.guild_id, key=job_key(group.id, owner)
        )

    async def _schedule_nudge(self, group: GroupRef, schedule: Schedule, period: Period) -> None:
        when = logic.nudge_at(period, schedule.nudge_hours)
        if when is None or when <= self.bot.clock.now():
            return
        owner = schedule.owner
        payload = {
            "group_id": group.id, "period_key": period.key, "start": period.start, "owner": owner
        }  # fmt: skip
        await self.bot.scheduler.schedule(
            NUDGE_KIND, when, payload, group.guild_id, key=job_key(group.id, owner)
        )

    # -- the prompt job -----------------------------------------------------------------

    async def on_prompt(self, job: Job) -> None:
        group = await groups.get_group(self.bot.store, int(job.payload["group_id"]))
        owner = owner_of(job)
        schedule = await self.store.get_schedule(group.id, owner) if group else None
        if group is None or schedule is None:
            return  # the group or its schedule is gone: the job ends here
        rule, zone = schedule.rule, await self.service.zone(group)
        now = self.bot.clock.now()
        # An archived group posts nothing but keeps its schedule (a paused feature's
        # prompt job is parked by the scheduler and never gets here).
        active = not group.archived
        due = logic.period_at(rule, zone, float(job.payload["start"]))
        if active:
            await self._adopt_unprompted(group, rule, zone, due, now, owner)
            for record in await self.store.periods_to_summarise(group.id, now, owner):
                await self.post_summary(group, rule, zone, record, owner)
        current = logic.period_at(rule, zone, now)
        if current.key != due.key:
            # Down past the whole period: that prompt is not posted late, but the period
            # running now had no prompt yet (its own job is not due before it ends).
            log.info("check-in prompt %s of group %s skipped: its period closed; prompting %s",
                     due.key, group.id, current.key)  # fmt: skip
        if active and await self.post_prompt(group, schedule, current):
            await self._schedule_nudge(group, schedule, current)
        await self._replace_prompt_job(group, current.end, owner)

    async def on_prompt_dropped(self, job: Job) -> None:
        """The prompt's moment passed while check-ins were off: it is not posted late, but
        the summaries that fell due with it are posted now (once), and the schedule goes on
        from its next prompt."""
        group = await groups.get_group(self.bot.store, int(job.payload["group_id"]))
        owner = owner_of(job)
        schedule = await self.store.get_schedule(group.id, owner) if group else None
        if group is None or schedule is None:
            return
        if not group.archived:
            zone = await self.service.zone(group)
            for record in await self.store.periods_to_summarise(
                group.id, self.bot.clock.now(), owner
            ):
                await self.post_summary(group, schedule.rule, zone, record, owner)
        await self.arm(group, schedule)

    async def _adopt_unprompted(
        self, group: GroupRef, rule: Rule, zone: ZoneInfo, due: Period, now: float, owner: str
    ) -> None:
        """The period before a prompt had none of its own (the schedule was made or changed
        during it, or the bot was down at its prompt): if members checked in during it,
        it still gets its summary."""
        previous = logic.previous_period(rule, zone, due)
        if previous.end > now or await self.store.get_period_record(group.id, previous.key, owner):
            return
        if await self.store.checked_in_users(group.id, previous.key, owner):
            await self.store.open_period_record(group.guild_id, group.id, previous, owner)
            await self.store.mark_prompt_posted(group.id, previous.key, None, owner)

    async def _replace_prompt_job(self, group: GroupRef, start: int, owner: str = "") -> None:
        """Schedule the next prompt in place of every pending one (the running job among
        them: job ids are never reused, so its deletion after we return touches nothing)."""
        await self.bot.scheduler.cancel_key(job_key(group.id, owner), PROMPT_KIND)
        await self._schedule_prompt(group, start, owner)

    async def post_prompt(self, group: GroupRef, schedule: Schedule, period: Period) -> bool:
        """Post the period's prompt once; True if it is (or already was) out."""
        owner = schedule.owner
        await self.store.open_period_record(group.guild_id, group.id, period, owner)
        record = await self.store.get_period_record(group.id, period.key, owner)
        if record and record.prompt_posted:
            return True
        members = await groups.member_ids(self.bot.store, group.id)
        await self.store.note_members(group.guild_id, group.id, members, period.start, owner)
        goals = await self.store.goals_of_group(group.id)
        text = render.prompt_text(group.name, schedule.prompt, period, members, goals)
        view = prompt_view(group.id) if not owner else schedule_prompt_view(schedule.id or 0)
        message = await self._send(group, text, view=view)
        if message is None:
            return False
        await self.store.mark_prompt_posted(group.id, period.key, message.id, owner)
        return True

    async def post_summary(
        self, group: GroupRef, rule: Rule, zone: ZoneInfo, record: PeriodRecord, owner: str = ""
    ) -> None:
        period = Period(
            record.period_key,
            record.period_start,
            record.period_end,
            logic.index_of(rule, zone, record.period_start),
        )
        members = await groups.present_member_ids(self.bot, group)  # who left is not Missed
        checkins = await self.store.checkins_for_period(group.id, period.key, owner)
        entries = [render.SummaryEntry(c.user_id, c.status, c.note) for c in checkins]
        milestones = await self._milestones(
            group, rule, zone, period, [c.user_id for c in checkins], owner
        )
        goals = await self.store.goals_of_group(group.id)
        text = render.summary_text(group.name, period, members, entries, goals, milestones)
        await self._send(group, text)
        # Marked even when the channel refused (4xx): retrying would not help.
        await self.store.mark_summary_posted(group.id, period.key, owner)

    async def _milestones(
        self,
        group: GroupRef,
        rule: Rule,
        zone: ZoneInfo,
        period: Period,
        users: list[int],
        owner: str = "",
    ) -> dict[int, int]:
        reached: dict[int, int] = {}
        history = await self.store.group_period_starts(
            group.id, owner
        )  # one scan, not one per member
        for user_id in users:
            starts = history.get(user_id, [])
            indices = indices_of(rule, zone, [s for s in starts if s <= period.start])
            milestone = logic.milestone_reached(logic.streak_ending_at(indices, period.index))
            if milestone:
                reached[user_id] = milestone
        return reached

    async def _send(
        self,
        group: GroupRef,
        text: str,
        *,
        view: discord.ui.View | None = None,
        mentions: discord.AllowedMentions = NO_PINGS,
    ) -> discord.Message | None:
        """Send to the group channel. A channel that is gone or closed to the bot (4xx) is
        logged and skipped; server errors raise so the scheduler retries."""
        if group.channel_id is None:
            log.warning("group %s has no channel; check-in message dropped", group.id)
            return None
        channel = self.bot.get_partial_messageable(group.channel_id, guild_id=group.guild_id)
        kwargs: dict = {"allowed_mentions": mentions}
        if view is not None:
            kwargs["view"] = view
        try:
            return await channel.send(text, **kwargs)
        except (discord.NotFound, discord.Forbidden) as exc:
            log.warning("check-in post to channel %s of group %s failed: %s", group.channel_id,
                        group.id, exc)  # fmt: skip
            return None

    # -- the nudge job ----------------------------------------------------------------------

    async def on_nudge(self, job: Job) -> None:
        group = await groups.get_group(self.bot.store, int(job.payload["group_id"]))
        owner = owner_of(job)
        schedule = await self.store.get_schedule(group.id, owner) if group else None
        if group is None or schedule is None or group.archived:
            return
        zone = await self.service.zone(group)
        period = logic.period_at(schedule.rule, zone, float(job.payload["start"]))
        now = self.bot.clock.now()
        if period.key != job.payload["period_key"] or now >= period.end:
            return  # the schedule changed, or the period closed while we were down
        members = await groups.present_member_ids(self.bot, group)  # who left is not nudged
        done = await self.store.checked_in_users(group.id, period.key, owner)
        pending = [u for u in members if u not in done]
        base = {"group_id": group.id, "period_key": period.key, "start": period.start}
        base["owner"] = owner
        # Spread at the pace the DMs go out anyway, so even in order they leave room between.
        spacing = NUDGE_BATCH / self.bot.dm_pacer.rate
        batches = [
            (
                NUDGE_BATCH_KIND,
                now + (i // NUDGE_BATCH) * spacing,
                {**base, "user_ids": pending[i : i + NUDGE_BATCH]},
                group.guild_id,
                nudge_batch_key(group.id, period.key, owner),
            )
            for i in range(0, len(pending), NUDGE_BATCH)
        ]
        if batches:  # a retry may schedule them again: the claims keep nudges single
            await self.bot.scheduler.schedule_many(batches)

    async def on_nudge_batch(self, job: Job) -> None:
        """Nudge up to `NUDGE_BATCH` members: DM each (paced), mention in the channel those
        whose DMs are closed."""
        group = await groups.get_group(self.bot.store, int(job.payload["group_id"]))
        owner = owner_of(job)
        schedule = await self.store.get_schedule(group.id, owner) if group else None
        if group is None or schedule is None or group.archived:
            return
        zone = await self.service.zone(group)
        period = logic.period_at(schedule.rule, zone, float(job.payload["start"]))
        now = self.bot.clock.now()
        if period.key != job.payload["period_key"] or now >= period.end:
            return
        done = await self.store.checked_in_users(group.id, period.key, owner)
        current = set(await groups.member_ids(self.bot.store, group.id))
        wanted = [int(u) for u in job.payload["user_ids"] if u in current and u not in done]
        claimed = await self.store.claim_nudges(
            group.guild_id, group.id, period.key, wanted, now, owner
        )
        fallback = []
        for user_id in claimed:
            async with self.bot.dm_pacer:
                if not await self._dm_nudge(group, period, user_id):
                    fallback.append(user_id)
        if fallback:
            await self.store.set_nudge_method(group.id, period.key, fallback, "channel", owner)
            prefix = render.nudge_channel_prefix(period)
            for text, ids in mention_batches(fallback, prefix):
                async with self.bot.dm_pacer:
                    await self._send(group, text, mentions=ping_only(ids))

    async def _dm_nudge(self, group: GroupRef, period: Period, user_id: int) -> bool:
        """True if the DM went out (or failed for a reason a channel mention won't fix)."""
        text = render.nudge_dm_text(group.name, group.channel_id, period)
        return await send_dm(self.bot, user_id, text) != "refused"

"""The Discord adapter for check-ins: `/goal …` and `/checkin …` commands, the button,
and the scheduled prompt/summary/nudge jobs."""

from __future__ import annotations

import io
import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checkins import logic, render
from cogs.checkins.heatmap import HEATMAP_WEEKS, heatmap_picture
from cogs.checkins.jobs import CheckinJobs
from cogs.checkins.service import CheckinService, checked_nudge_hours
from cogs.checkins.store import Schedule, member_checkin_times
from cogs.checkins.views import FEATURE, CheckinButtons, checked_in_text
from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from core import fit
from core.checks import FeatureGroup, guild_id_of
from core.components import HuddleInteraction
from core.errors import UserError
from core.fit import clip
from core.timeparse import get_zone, parse_clock
from core.ui import reply, ts

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

GOAL_MAX = 200
PROMPT_MAX = 500
# Choice names are capitalised for the client; the values are what the code uses.
CADENCE_CHOICES = [app_commands.Choice(name=c.capitalize(), value=c) for c in logic.CADENCES]
STATUS_CHOICES = [app_commands.Choice(name=s.capitalize(), value=s) for s in logic.STATUSES]
PERIOD_CHOICES = [app_commands.Choice(name=p.capitalize(), value=p) for p in logic.BOARD_WINDOWS]


@app_commands.guild_only()
class GoalCommands(FeatureGroup, name="goal", description="Your goal within a group"):
    feature_name = "checkins"


@app_commands.guild_only()
class CheckinCommands(FeatureGroup, name="checkin", description="Check-ins, streaks, schedules"):
    feature_name = "checkins"


_member_groups = groups.group_autocomplete("member")
_led_groups = groups.group_autocomplete("leader")


def _in_own_channel(interaction: discord.Interaction, group: GroupRef) -> bool:
    """A group's schedule is its own business (a group is private, docs/rules.md):
    announced in its channel, told only to the leader anywhere else."""
    return bool(group.channel_id) and interaction.channel_id == group.channel_id


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        words = ", ".join(f"`{a}`" for a in allowed)
        raise UserError(f"{fit.code(value)} is not a valid `{option}`. Use one of {words}.")
    return cleaned


async def _weekdays(interaction: HuddleInteraction, current: str) -> list:
    typed = current.strip().lower()
    return [
        app_commands.Choice(name=day, value=day)
        for day in logic.WEEKDAYS
        if day.lower().startswith(typed)
    ]


class Checkins(commands.Cog, name="Checkins"):
    """Goals, scheduled check-in prompts, streaks and the board."""

    goal = GoalCommands()
    checkin = CheckinCommands()

    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.service = CheckinService(bot)
        self.store = self.service.store
        self.jobs = CheckinJobs(self.service)

    async def cog_load(self) -> None:
        self.jobs.register()
        CheckinButtons(self.service).register(self.bot.components)

    async def cog_unload(self) -> None:
        self.jobs.unregister()
        self.bot.components.remove_feature(FEATURE)

    async def _group(self, interaction: HuddleInteraction, text: str) -> GroupRef:
        """A group for a member's own check-in or goal: the service asks membership."""
        return await groups.resolve_group(self.bot.store, guild_id_of(interaction), text)

    async def _visible_groups_of(
        self, interaction: HuddleInteraction, user_id: int
    ) -> list[GroupRef]:
        """The groups `user_id` belongs to that the invoker may see."""
        viewer = await groups.viewer_of(interaction)
        found = await groups.groups_of_member(self.bot.store, viewer.guild_id, user_id)
        return [g for g in found if await groups.can_see_group(self.bot.store, viewer, g.id)]

    # -- /goal ------------------------------------------------------------------------------

    @goal.command(name="set", description="Set your goal within a group (shown on prompts)")
    @app_commands.describe(group="Your group", text="Your goal, in a sentence")
    @app_commands.autocomplete(group=_member_groups)
    async def goal_set(self, interaction: HuddleInteraction, group: str, text: str) -> None:
        found = await self._group(interaction, group)
        await self.service.require_member(found, interaction.user.id)
        cleaned = text.strip()
        if not cleaned or len(cleaned) > GOAL_MAX:
            raise UserError(f"Write your goal in 1 to {GOAL_MAX} characters.")
        now = self.bot.clock.now()
        await self.store.set_goal(found.guild_id, found.id, interaction.user.id, cleaned, now)
        await reply(interaction, f"🎯 Your goal in **{found.name}**: {cleaned}")

    @goal.command(name="list", description="A member's goals across groups")
    @app_commands.describe(member="Whose goals (you, if left out)")
    async def goal_list(
        self, interaction: HuddleInteraction, member: discord.Member | None = None
    ) -> None:
        user = member or interaction.user
        guild_id = guild_id_of(interaction)
        goals = await self.store.goals_of_member(guild_id, user.id)
        # Only goals in groups the invoker may see: a group is private.
        current = {g.id: g for g in await self._visible_groups_of(interaction, user.id)}
        named = [
            (current[goal.group_id].name, goal.text)
            for goal in goals
            if goal.group_id in current and not current[goal.group_id].archived
        ]
        await reply(interaction, render.goals_text(user.id, named))

    @goal.command(name="clear", description="Remove your goal within a group")
    @app_commands.describe(group="Your group")
    @app_commands.autocomplete(group=_member_groups)
    async def goal_clear(self, interaction: HuddleInteraction, group: str) -> None:
        found = await self._group(interaction, group)
        if not await self.store.clear_goal(found.id, interaction.user.id):
            raise UserError(f"You have no goal in **{found.name}**. Set one with `/goal set`.")
        await reply(interaction, f"Your goal in **{found.name}** is cleared.")

    # -- /checkin schedule / unschedule -------------------------------------------------------

    @checkin.command(name="schedule", description="Leaders: post check-in prompts on a schedule")
    @app_commands.describe(
        group="The group",
        cadence="daily or weekly",
        time="Prompt time in the group's time zone, like 18:00 or 7pm",
        weekday="Weekly: the day of the prompt by name, e.g. Tuesday (default: today)",
        prompt="The question to ask (optional)",
        nudge="Hours before a period closes to nudge who hasn't checked in (0 = off)",
    )
    @app_commands.choices(cadence=CADENCE_CHOICES)
    @app_commands.autocomplete(group=_led_groups, weekday=_weekdays)
    async def schedule(
        self,
        interaction: HuddleInteraction,
        group: str,
        cadence: str,
        time: str,
        weekday: str | None = None,
        prompt: str | None = None,
        nudge: app_commands.Range[int, 0, 167] | None = None,
    ) -> None:
        cadence = _choice(cadence, logic.CADENCES, "cadence")
        found = await groups.group_for(interaction, group, "lead", "change its check-ins")
        self.service.require_schedulable(found)
        at = parse_clock(time)
        zone = await self.service.zone(found)
        day = self._weekday(cadence, weekday, zone)
        hours = checked_nudge_hours(cadence, nudge or 0)
        text = clip((prompt or "").strip(), PROMPT_MAX)
        schedule = Schedule(
            found.guild_id, found.id, cadence, at.hour, at.minute, day, text, hours,
            interaction.user.id, self.bot.clock.now(),
        )  # fmt: skip
        upcoming = await self.jobs.start(found, schedule)
        text = render.scheduled_text(
            found.name, schedule.rule, zone.key, upcoming.start, hours, bool(weekday)
        )
        await reply(interaction, text, ephemeral=not _in_own_channel(interaction, found))

    def _weekday(self, cadence: str, weekday: str | None, zone) -> int | None:
        """Weekly needs a weekday; without one it is today's weekday in the group's zone."""
        if cadence != "weekly":
            return None
        if weekday and weekday.strip():
            try:
                return logic.parse_weekday(weekday)
            except ValueError:
                raise UserError(
                    f"{fit.code(weekday)} is not a weekday. Write its name, like `Tuesday`."
                ) from None
        return datetime.fromtimestamp(self.bot.clock.now(), tz=zone).weekday()

    @checkin.command(name="unschedule", description="Leaders: stop a group's check-in prompts")
    @app_commands.describe(group="The group")
    @app_commands.autocomplete(group=_led_groups)
    async def unschedule(self, interaction: HuddleInteraction, group: str) -> None:
        found = await groups.group_for(interaction, group, "lead", "change its check-ins")
        had_schedule, last = await self.jobs.stop(found)
        if not had_schedule:
            raise UserError(f"**{found.name}** has no check-in schedule.")
        tail = (
            f" The current period's summary still posts when it ends, {ts(last.period_end, 'F')}."
            if last
            else ""
        )
        await reply(
            interaction,
            f"Check-in prompts for **{found.name}** stopped.{tail}"
            " Members can still `/checkin log`.",
            ephemeral=not _in_own_channel(interaction, found),
        )

    # -- /checkin log / streak / board --------------------------------------------------------

    @checkin.command(name="log", description="Check in for the current period")
    @app_commands.describe(group="Your group", note="What you did", status="How it went")
    @app_commands.choices(status=STATUS_CHOICES)
    @app_commands.autocomplete(group=_member_groups)
    async def log_checkin(
        self,
        interaction: HuddleInteraction,
        group: str,
        note: str | None = None,
        status: str = "done",
    ) -> None:
        found = await self._group(interaction, group)
        result = await self.service.record(found, interaction.user.id, note or "", status)
        await reply(interaction, checked_in_text(found.name, result))

    @checkin.command(name="streak", description="Current and best streak, completion rate")
    @app_commands.describe(member="Whose streaks (you, if left out)", group="Only this group")
    @app_commands.autocomplete(group=_member_groups)
    async def streak(
        self,
        interaction: HuddleInteraction,
        member: discord.Member | None = None,
        group: str | None = None,
    ) -> None:
        user = member or interaction.user
        if group:
            chosen = [await groups.group_for(interaction, group)]
        else:
            chosen = await self._visible_groups_of(interaction, user.id)
        if not chosen and user.id == interaction.user.id:
            raise UserError("You're in no group yet; there are no streaks to show.")
        if not chosen:
            raise UserError(f"<@{user.id}> has no streaks in a group you can see.")
        lines = [render.streak_line(g.name, await self.service.stats(g, user.id)) for g in chosen]
        await interaction.response.defer(ephemeral=True)
        text = render.streak_text(user.id, lines)
        png, figures, alt = await self._heatmap(guild_id_of(interaction), user, chosen)
        text = text if len(text) + 1 + len(figures) > 2000 else f"{text}\n{figures}"
        file = discord.File(io.BytesIO(png), filename="checkins-heatmap.png", description=alt)
        await reply(interaction, text, file=file)

    async def _heatmap(
        self, guild_id: int, user: discord.abc.User, chosen: list[GroupRef]
    ) -> tuple[bytes, str, str]:
        """The member's last 26 weeks of check-ins in the groups shown: the
        picture, its figures as text, and its alt text (whose, which groups)."""
        now = self.bot.clock.now()
        since = now - (HEATMAP_WEEKS + 1) * 7 * 86_400
        ids = [g.id for g in chosen]
        times = await member_checkin_times(self.bot.store, guild_id, user.id, ids, since)
        tz = get_zone(await self.bot.config.server_timezone(guild_id))
        where = clip(", ".join(g.name for g in chosen), 200)
        return await heatmap_picture(times, tz, now, clip(user.display_name, 60), where)

    @checkin.command(name="board", description="A group's check-in leaderboard")
    @app_commands.describe(group="The group", period="week, month or all time (default week)")
    @app_commands.choices(period=PERIOD_CHOICES)
    @app_commands.autocomplete(group=_member_groups)
    async def board(
        self,
        interaction: HuddleInteraction,
        group: str,
        period: str = "week",
    ) -> None:
        period = _choice(period, tuple(logic.BOARD_WINDOWS), "period")
        found = await groups.group_for(interaction, group)
        members = await groups.member_ids(self.bot.store, found.id)
        since = logic.board_since(period, self.bot.clock.now())
        counts = await self.store.counts_since(found.id, since)
        streaks = await self.service.current_streaks(found, members)
        rows = logic.rank_board(members, counts, streaks)
        await reply(interaction, render.board_text(found.name, period, rows))

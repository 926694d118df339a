"""The persistent **Check in** button on prompts and the modal it opens, routed by
`bot.components`: the button is `huddle:checkins:checkin:<group>`, the modal
`huddle:checkins:checkin-modal:<group>`. The router handles modal submits whether or not
the bot restarted since the modal opened. Prompts posted with the older ids
(`huddle:checkin:<group>`, modal `huddle:checkin-modal:<group>`) keep working through
aliases."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.checkins.models import Schedule
from cogs.checkins.service import CheckinService, Recorded
from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from core.checks import guild_id_of
from core.components import HuddleInteraction, Press, RoutedModal, button, persistent_view
from core.errors import NotFound
from core.ui import reply, ts

if TYPE_CHECKING:
    from core.components import ComponentRouter

log = logging.getLogger(__name__)

FEATURE = "checkins"
BUTTON = "checkin"
MODAL = "checkin-modal"
# Prompts of a schedule another feature made (a cycle's reading check-ins) target the
# schedule, so the check-in counts under it, not under the group's own schedule.
SCHEDULE_BUTTON = "sched-checkin"
SCHEDULE_MODAL = "sched-checkin-modal"
LEGACY_BUTTON = r"huddle:checkin:(?P<target>\d+)"
LEGACY_MODAL = r"huddle:checkin-modal:(?P<target>\d+)"


def prompt_view(group_id: int) -> discord.ui.View:
    check_in = button(
        FEATURE, BUTTON, group_id, "Check in", discord.ButtonStyle.success, emoji="✅"
    )
    return persistent_view(check_in)


def schedule_prompt_view(schedule_id: int) -> discord.ui.View:
    check_in = button(
        FEATURE, SCHEDULE_BUTTON, schedule_id, "Check in", discord.ButtonStyle.success, emoji="✅"
    )
    return persistent_view(check_in)


# The modal's status select: (stored value, emoji, label), `done` chosen at first.
STATUS_CHOICES = (
    ("done", "✅", "Done"),
    ("partial", "🟡", "Partial"),
    ("blocked", "⛔", "Blocked"),
)


def checkin_modal(group: GroupRef, *, schedule_id: int | None = None) -> RoutedModal:
    note: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
        label="What did you do?",
        custom_id="note",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=1000,
        placeholder="A line or two about your progress",
    )
    status: discord.ui.Label[discord.ui.Modal] = discord.ui.Label(  # a select: no mistyped word
        text="Status",
        component=discord.ui.Select(
            custom_id="status",
            options=[
                discord.SelectOption(label=label, value=value, emoji=emoji, default=value == "done")
                for value, emoji, label in STATUS_CHOICES
            ],
        ),
    )
    if schedule_id is not None:
        title = f"Check in — {group.name}"
        return RoutedModal(FEATURE, SCHEDULE_MODAL, schedule_id, title, note, status)
    return RoutedModal(FEATURE, MODAL, group.id, f"Check in — {group.name}", note, status)


def checked_in_text(group_name: str, result: Recorded) -> str:
    """The private confirmation after a check-in (from the modal or `/checkin log`)."""
    verb = "Checked in" if result.new else "Updated your check-in"
    stats = result.stats
    return (
        f"✅ {verb} for **{group_name}** (period ending {ts(result.period.end, 'f')}).\n"
        f"Current streak: **{stats.current}** · best streak: **{stats.best}**"
    )


class CheckinButtons:
    """The handlers behind the button and the modal; registered in the cog's `cog_load`."""

    def __init__(self, service: CheckinService) -> None:
        self.service = service

    def register(self, router: ComponentRouter) -> None:
        router.add(FEATURE, BUTTON, self.open_modal)
        router.add(FEATURE, MODAL, self.record)
        router.alias(LEGACY_BUTTON, FEATURE, BUTTON)
        router.alias(LEGACY_MODAL, FEATURE, MODAL)
        router.add(FEATURE, SCHEDULE_BUTTON, self.open_schedule_modal)
        router.add(FEATURE, SCHEDULE_MODAL, self.record_for_schedule)

    async def open_modal(self, interaction: HuddleInteraction, press: Press) -> None:
        group = await self._group(interaction, press.target)
        await self.service.require_member(group, interaction.user.id)
        await interaction.response.send_modal(checkin_modal(group))

    async def record(self, interaction: HuddleInteraction, press: Press) -> None:
        group = await self._group(interaction, press.target)
        note, status = press.values.get("note", ""), press.values.get("status") or "done"
        result = await self.service.record(group, interaction.user.id, note, status)
        await reply(interaction, checked_in_text(group.name, result), ephemeral=True)

    async def open_schedule_modal(self, interaction: HuddleInteraction, press: Press) -> None:
        group, _ = await self._schedule(interaction, press.target)
        await self.service.require_member(group, interaction.user.id)
        await interaction.response.send_modal(checkin_modal(group, schedule_id=press.target))

    async def record_for_schedule(self, interaction: HuddleInteraction, press: Press) -> None:
        group, schedule = await self._schedule(interaction, press.target)
        note, status = press.values.get("note", ""), press.values.get("status") or "done"
        result = await self.service.record(
            group, interaction.user.id, note, status, owner=schedule.owner
        )
        await reply(interaction, checked_in_text(group.name, result), ephemeral=True)

    async def _schedule(
        self, interaction: HuddleInteraction, schedule_id: int
    ) -> tuple[GroupRef, Schedule]:
        """The schedule behind a prompt's button; gone once its owner stopped it."""
        schedule = await self.service.store.schedule_by_id(schedule_id)
        if schedule is None:
            raise NotFound("These check-ins have ended.")
        return await self._group(interaction, schedule.group_id), schedule

    async def _group(self, interaction: HuddleInteraction, group_id: int) -> GroupRef:
        """The button's group, only on its own server: an id from another server is as
        missing as a deleted group."""
        group = await groups.get_group(self.service.bot.store, group_id)
        if group is None or group.guild_id != guild_id_of(interaction):
            raise NotFound("This group no longer exists.")
        return group

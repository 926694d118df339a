"""The persistent **Check in** button on prompts and the modal it opens.

The button is a DynamicItem (`huddle:checkin:<group_id>`) registered in the cog's
`cog_load`, so prompts posted before a restart keep working."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from cogs.groups import api as groups
from core.checks import ensure_feature
from core.errors import NotFound
from core.ui import clip, reply, ts

if TYPE_CHECKING:
    from .service import CheckinService

log = logging.getLogger(__name__)

FEATURE = "checkins"


def _service(interaction: discord.Interaction) -> CheckinService:
    cog = interaction.client.get_cog("Checkins")  # type: ignore[attr-defined]
    return cog.service  # type: ignore[union-attr]


async def _route_error(interaction: discord.Interaction, error: Exception) -> None:
    await interaction.client.handle_interaction_error(interaction, error)  # type: ignore[attr-defined]


class CheckinButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"huddle:checkin:(?P<group_id>\d+)"
):
    def __init__(self, group_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Check in",
                style=discord.ButtonStyle.success,
                emoji="✅",
                custom_id=f"huddle:checkin:{group_id}",
            )
        )
        self.group_id = group_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> CheckinButton:
        return cls(int(match["group_id"]))

    async def callback(self, interaction: discord.Interaction) -> Any:
        try:
            await ensure_feature(interaction, FEATURE)
            group = await groups.get_group(interaction.client.store, self.group_id)  # type: ignore[attr-defined]
            if group is None:
                raise NotFound("This group no longer exists.")
            await _service(interaction).require_member(group, interaction.user.id)
            await interaction.response.send_modal(CheckinModal(group.id, group.name))
        except Exception as error:  # DynamicItem errors are otherwise only logged
            await _route_error(interaction, error)


class CheckinModal(discord.ui.Modal):
    note: discord.ui.TextInput = discord.ui.TextInput(
        label="What did you do?",
        custom_id="note",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=1000,
        placeholder="A line or two about your progress",
    )
    status: discord.ui.TextInput = discord.ui.TextInput(
        label="Status: done, partial or blocked",
        custom_id="status",
        required=False,
        default="done",
        max_length=10,
        placeholder="done, partial or blocked",
    )

    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__(title=clip(f"Check in — {group_name}", 45), timeout=900)
        self.group_id = group_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await ensure_feature(interaction, FEATURE)
        group = await groups.get_group(interaction.client.store, self.group_id)  # type: ignore[attr-defined]
        if group is None:
            raise NotFound("This group no longer exists.")
        result = await _service(interaction).record(
            group, interaction.user.id, self.note.value, self.status.value or "done"
        )
        await reply(interaction, checked_in_text(group.name, result), ephemeral=True)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:
        await _route_error(interaction, error)


def checked_in_text(group_name: str, result: Any) -> str:
    """The private confirmation after a check-in (from the modal or `/checkin log`)."""
    verb = "Checked in" if result.new else "Updated your check-in"
    stats = result.stats
    return (
        f"✅ {verb} for **{group_name}** (period ending {ts(result.period.end, 'f')}).\n"
        f"Current streak: **{stats.current}** · best streak: **{stats.best}**"
    )


def prompt_view(group_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CheckinButton(group_id))
    return view

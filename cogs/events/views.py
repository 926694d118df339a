"""Persistent buttons (DynamicItems): they carry the event/poll id in their custom_id, so
they work after a restart without keeping views in memory."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from cogs.events.logic import STATUS_LABELS

if TYPE_CHECKING:
    from cogs.events.cog import EventsCog

STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.primary,
    "cant": discord.ButtonStyle.secondary,
}


def _cog(interaction: discord.Interaction) -> EventsCog:
    cog = interaction.client.get_cog("EventsCog")  # type: ignore[union-attr]
    if cog is None:
        raise RuntimeError("events cog not loaded")
    return cog  # type: ignore[return-value]


async def _run(interaction: discord.Interaction, work: Any) -> None:
    """Route errors exactly like slash commands do (ephemeral, plain words)."""
    try:
        await work
    except Exception as error:  # the central handler sorts them out
        await interaction.client.handle_interaction_error(interaction, error)  # type: ignore[attr-defined]


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"huddle:rsvp:(?P<event_id>\d+):(?P<status>going|maybe|cant)",
):
    def __init__(self, event_id: int, status: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=STATUS_LABELS[status],
                style=STYLES[status],
                custom_id=f"huddle:rsvp:{event_id}:{status}",
                disabled=disabled,
            )
        )
        self.event_id = event_id
        self.status = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RsvpButton:
        return cls(int(match["event_id"]), match["status"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _run(
            interaction,
            _cog(interaction).service.rsvp_button(interaction, self.event_id, self.status),
        )


class FindTimeCreateButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"huddle:findtime:(?P<poll_id>\d+):create",
):
    def __init__(self, poll_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Create event",
                style=discord.ButtonStyle.success,
                custom_id=f"huddle:findtime:{poll_id}:create",
                disabled=disabled,
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> FindTimeCreateButton:
        return cls(int(match["poll_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _run(
            interaction, _cog(interaction).findtime.create_from_button(interaction, self.poll_id)
        )


def findtime_view(poll_id: int, *, disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FindTimeCreateButton(poll_id, disabled=disabled))
    return view

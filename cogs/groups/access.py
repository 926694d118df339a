"""Who may act on a group, and where: the checks commands and buttons share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.groups.api import require_may
from cogs.groups.store import GroupRef
from core.checks import is_manager
from core.errors import GuildOnly, NotAllowed, NotFound

if TYPE_CHECKING:
    from core.components import HuddleInteraction


def guild_of(interaction: discord.Interaction) -> discord.Guild:
    """The server object (for its roles and channels); refuses DMs."""
    if interaction.guild is None:
        raise GuildOnly()
    return interaction.guild


async def require_leader(interaction: HuddleInteraction, group: GroupRef, action: str) -> bool:
    """Leaders of this group and community managers pass (`api.require_may`, the check
    every feature uses); returns whether a manager."""
    viewer = await require_may(interaction, group, "lead", action)
    return viewer.sees_every_group


async def require_manager_to_decide(interaction: discord.Interaction) -> None:
    """New groups awaiting approval are for community managers to settle."""
    if not await is_manager(interaction):
        raise NotAllowed("Only community managers can approve or deny new groups.")


def require_target(member: discord.Member | discord.User) -> discord.Member:
    """The member a leader acts on must be a person on this server."""
    if member.bot:
        raise NotAllowed("Bots can't be group members.")
    if not isinstance(member, discord.Member):
        raise NotFound("That person isn't a member of this server.")
    return member

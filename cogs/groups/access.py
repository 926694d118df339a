"""Who may act on a group, and where: the checks commands and buttons share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.groups.api import is_leader
from cogs.groups.models import GroupRef
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
    """Leaders of this group and community managers pass; returns whether a manager."""
    if await is_manager(interaction):
        return True
    if not await is_leader(interaction.client.store, group.id, interaction.user.id):
        raise NotAllowed(f"Only leaders of **{group.name}** (or community managers) can {action}.")
    return False


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

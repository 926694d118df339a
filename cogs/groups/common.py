"""Helpers shared by the groups modules: settings, who may manage a group, messages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from cogs.groups import logic
from cogs.groups.api import GroupRef, is_leader
from core.checks import is_manager
from core.errors import GuildOnly, NotAllowed, NotFound
from core.ui import NO_PINGS

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    max_size: int
    max_per_member: int


async def limits(bot: HuddleBot, guild_id: int) -> Limits:
    size = await bot.config.get(guild_id, "groups.max_size", 25)
    per_member = await bot.config.get(guild_id, "groups.max_per_member", 5)
    return Limits(max(2, int(size)), max(1, int(per_member)))


def guild_of(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise GuildOnly()
    return interaction.guild


def group_limit(group: GroupRef, lim: Limits) -> int:
    return logic.capacity(group.max_members, lim.max_size)


async def require_leader(
    bot: HuddleBot, interaction: discord.Interaction, group: GroupRef, action: str
) -> bool:
    """Leaders of this group and community managers pass; returns whether a manager."""
    manager = await is_manager(interaction)
    if manager:
        return True
    if not await is_leader(bot.store, group.id, interaction.user.id):
        raise NotAllowed(f"Only leaders of **{group.name}** (or community managers) can {action}.")
    return False


def require_target(member: discord.Member | discord.User) -> discord.Member:
    if member.bot:
        raise NotAllowed("Bots can't be group members.")
    if not isinstance(member, discord.Member):
        raise NotFound("That person isn't a member of this server.")
    return member


async def tell(bot: HuddleBot, user_id: int, text: str) -> bool:
    """A direct message, best effort (closed DMs are normal). True when delivered."""
    try:
        channel = await bot.create_dm(discord.Object(id=user_id))
        await channel.send(text, allowed_mentions=NO_PINGS)
    except discord.HTTPException as exc:
        log.info("could not DM %s: %s", user_id, exc)
        return False
    return True


async def post(
    bot: HuddleBot, channel_id: int | None, text: str, view: discord.ui.View | None = None
) -> discord.Message | None:
    """A message in a channel (never pinging); None when it can't be posted."""
    if not channel_id:
        return None
    kwargs: dict = {"allowed_mentions": NO_PINGS}
    if view is not None:
        kwargs["view"] = view
    try:
        return await bot.get_partial_messageable(channel_id).send(text, **kwargs)
    except discord.HTTPException as exc:
        log.info("could not post in %s: %s", channel_id, exc)
        return None

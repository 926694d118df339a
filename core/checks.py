"""Permission and feature checks, enforced in the bot (not only hidden in the client)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from core.errors import BotMissingPermission, FeatureDisabled, GuildOnly, NotAllowed

if TYPE_CHECKING:
    from core.bot import HuddleBot

T = TypeVar("T")


def huddle(interaction: discord.Interaction) -> HuddleBot:
    return interaction.client  # type: ignore[return-value]


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server an interaction happened in; refuses DMs. The one way features get it."""
    if interaction.guild_id is None:
        raise GuildOnly()
    return interaction.guild_id


def is_admin(member: discord.abc.User | discord.Member | None) -> bool:
    """Manage Server, Administrator, or the server owner."""
    if not isinstance(member, discord.Member):
        return False
    if member.guild.owner_id == member.id:
        return True
    perms = member.guild_permissions
    return perms.manage_guild or perms.administrator


async def is_manager(interaction: discord.Interaction) -> bool:
    """An admin, or a holder of the community-manager role set by `/config manager-role`."""
    member = interaction.user
    if is_admin(member):
        return True
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    role_id = await huddle(interaction).config.get(interaction.guild.id, "manager_role")
    return bool(role_id) and any(r.id == int(role_id) for r in member.roles)


async def require_manager(interaction: discord.Interaction) -> None:
    if not await is_manager(interaction):
        raise NotAllowed("Only community managers and admins can do that.")


def admin_only() -> Callable[[T], T]:
    """Manage Server (or owner) checked in the bot, on top of default_permissions."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise GuildOnly()
        if not is_admin(interaction.user):
            raise NotAllowed("Only admins (Manage Server) can change Huddle's configuration.")
        return True

    return app_commands.check(predicate)


async def ensure_feature(interaction: discord.Interaction, feature: str) -> None:
    if interaction.guild is None:
        raise GuildOnly()
    if not await huddle(interaction).config.feature_enabled(interaction.guild.id, feature):
        raise FeatureDisabled(feature)


def feature(name: str) -> Callable[[T], T]:
    """Check that `name` is enabled for the server. Put it on a command or a Group class
    (`@feature('polls') class PollCommands(app_commands.Group)` via interaction_check)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await ensure_feature(interaction, name)
        return True

    return app_commands.check(predicate)


class FeatureGroup(app_commands.Group):
    """An app-command group whose every subcommand requires its feature to be enabled.

    Subclass with `feature_name = 'polls'`; interaction_check runs before each subcommand.
    """

    feature_name: str = ""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await ensure_feature(interaction, self.feature_name)
        return True


# (attribute of discord.Permissions, the name Discord shows) needed to post a message with an
# embed and reactions under it.
POSTING_PERMISSIONS = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("read_message_history", "Read Message History"),
    ("add_reactions", "Add Reactions"),
)


def require_bot_permissions(
    channel: object, action: str, needed: tuple[tuple[str, str], ...] = POSTING_PERMISSIONS
) -> None:
    """Raise BotMissingPermission naming the first permission the bot lacks in `channel`
    (a cached guild channel; anything else is let through for Discord to judge)."""
    if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return
    perms = channel.permissions_for(channel.guild.me)
    for attr, name in needed:
        if not getattr(perms, attr):
            raise BotMissingPermission(name, action)


def require_member_can_post(member: discord.Member, channel: object, what: str) -> None:
    """Whoever asks the bot to post somewhere (a panel, a poll, an event) must be allowed
    to view the channel and send messages there themselves (docs/rules.md, "Who may do what").
    `what` names the post: "a poll", "the panel"."""
    if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return
    perms = channel.permissions_for(member)
    if not (perms.view_channel and perms.send_messages):
        raise NotAllowed(f"You can't post in {channel.mention}, so I won't post {what} there.")


def any_member(interaction: discord.Interaction) -> discord.Member:
    if not isinstance(interaction.user, discord.Member):
        raise GuildOnly()
    return interaction.user


__all__: list[Any] = [
    "FeatureGroup",
    "admin_only",
    "any_member",
    "ensure_feature",
    "feature",
    "guild_id_of",
    "huddle",
    "is_admin",
    "is_manager",
    "require_bot_permissions",
    "require_manager",
    "require_member_can_post",
]

"""The groups settings `/config groups` writes (keys owned by the admin cog's command),
registered here so `/config show` lists them with their defaults, and the size limits
read from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cogs.groups import logic
from cogs.groups.store import GroupRef
from core.config import SettingSpec, channel_mention, role_mention, yes_no

if TYPE_CHECKING:
    from core.bot import HuddleBot

SETTINGS = (
    SettingSpec("groups", "groups.category", "Groups category", None, channel_mention),
    SettingSpec("groups", "groups.archive_category", "Archive category", None, channel_mention),
    SettingSpec("groups", "groups.creation", "Who may create groups", "anyone"),
    SettingSpec("groups", "groups.creator_role", "Creator role", None, role_mention),
    SettingSpec("groups", "groups.approval", "New groups need manager approval", False, yes_no),
    SettingSpec("groups", "groups.max_size", "Default and maximum group size", 25),
    SettingSpec("groups", "groups.max_per_member", "Groups per member", 5),
)


@dataclass(frozen=True)
class Limits:
    """A server's group size limit and how many groups one member may be in."""

    max_size: int
    max_per_member: int


async def limits(bot: HuddleBot, guild_id: int) -> Limits:
    # Floors keep a mistyped setting from making every group full or unjoinable.
    size = await bot.config.get(guild_id, "groups.max_size", 25)
    per_member = await bot.config.get(guild_id, "groups.max_per_member", 5)
    return Limits(max(2, int(size)), max(1, int(per_member)))


def group_limit(group: GroupRef, lim: Limits) -> int:
    """Most members this group takes: its own cap within the server's."""
    return logic.capacity(group.max_members, lim.max_size)

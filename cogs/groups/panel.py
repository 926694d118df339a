"""`/group panel`: Join buttons for every open group, posted in a channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.groups import render
from cogs.groups.settings import group_limit, limits
from cogs.groups.views import panel_view
from core.errors import BotMissingPermission, UserError

if TYPE_CHECKING:
    from cogs.groups.models import GroupRef
    from cogs.groups.store import GroupStore
    from core.bot import HuddleBot

# A message holds at most 25 buttons (5 rows of 5).
GROUPS_PER_MESSAGE = 25


async def post_panel(
    bot: HuddleBot, store: GroupStore, guild: discord.Guild, channel_id: int
) -> int:
    """One message per 25 open groups, each with an embed and Join buttons; returns how
    many groups it shows."""
    groups = await store.open_groups(guild.id)
    if not groups:
        raise UserError("There are no open groups to show yet.")
    sizes = await _size_texts(bot, store, guild.id, groups)
    target = bot.get_partial_messageable(channel_id)
    for start in range(0, len(groups), GROUPS_PER_MESSAGE):
        part = groups[start : start + GROUPS_PER_MESSAGE]
        embed = render.panel_embed([(g.name, g.description, sizes[g.id]) for g in part])
        try:
            await target.send(embed=embed, view=panel_view([(g.id, g.name) for g in part]))
        except discord.Forbidden as exc:
            raise BotMissingPermission("Send Messages", "post the panel there") from exc
    return len(groups)


async def _size_texts(
    bot: HuddleBot, store: GroupStore, guild_id: int, groups: list[GroupRef]
) -> dict[int, str]:
    """`3/25 members` per group id."""
    lim = await limits(bot, guild_id)
    sizes = {s.group.id: s.size for s in await store.summaries(guild_id)}
    return {g.id: f"{sizes.get(g.id, 0)}/{group_limit(g, lim)} members" for g in groups}

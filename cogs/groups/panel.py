"""`/group panel`: Join buttons for every open group (Request buttons for the groups
leaders approve), posted in a channel. The panel's member counts follow joins and leaves:
its messages are remembered per server and edited shortly after a membership changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from cogs.groups import render
from cogs.groups.jobs import REFRESH_KIND
from cogs.groups.settings import group_limit, limits
from cogs.groups.views import panel_view
from core.errors import BotMissingPermission, UserError
from core.ui import plural

if TYPE_CHECKING:
    from cogs.groups.store import GroupRef, GroupStore
    from core.bot import HuddleBot
    from core.scheduler import Job

# A message holds at most 25 buttons (5 rows of 5).
GROUPS_PER_MESSAGE = 25
# The server's panel messages: [{"channel": id, "message": id, "groups": [ids]}, …]
PANELS_KEY = "groups.panels"
# A burst of joins (a panel just posted) becomes one edit per panel message.
REFRESH_AFTER = 2.0


async def post_panel(
    bot: HuddleBot, store: GroupStore, guild: discord.Guild, channel_id: int
) -> int:
    """One message per 25 joinable groups, each with an embed and Join (or Request to
    join) buttons; returns how many groups it shows."""
    groups = await store.open_groups(guild.id)
    if not groups:
        raise UserError(
            "There are no groups to join or ask to join yet (invite-only groups are not shown)."
        )
    sizes = await _size_texts(bot, store, guild.id, groups)
    target = bot.get_partial_messageable(channel_id)
    posted: list[dict[str, Any]] = []
    for start in range(0, len(groups), GROUPS_PER_MESSAGE):
        part = groups[start : start + GROUPS_PER_MESSAGE]
        embed, view = _panel_message(part, sizes)
        try:
            message = await target.send(embed=embed, view=view)
        except discord.Forbidden as exc:
            raise BotMissingPermission("Send Messages", "post the panel there") from exc
        posted.append(
            {"channel": channel_id, "message": message.id, "groups": [g.id for g in part]}
        )
    kept = list(await bot.config.get(guild.id, PANELS_KEY, []) or [])
    await bot.config.set(guild.id, PANELS_KEY, (kept + posted)[-50:])
    return len(groups)


def _panel_message(
    part: list[GroupRef], sizes: dict[int, str]
) -> tuple[discord.Embed, discord.ui.View]:
    embed = render.panel_embed([(g.name, g.description, sizes[g.id]) for g in part])
    asks = frozenset(g.id for g in part if g.visibility == "request")
    return embed, panel_view([(g.id, g.name) for g in part], asks)


async def _size_texts(
    bot: HuddleBot, store: GroupStore, guild_id: int, groups: list[GroupRef]
) -> dict[int, str]:
    """`3/25 members` per group id (`· leaders approve` for a request-only group)."""
    lim = await limits(bot, guild_id)
    sizes = {s.group.id: s.size for s in await store.summaries(guild_id)}
    return {
        g.id: f"{sizes.get(g.id, 0)}/{plural(group_limit(g, lim), 'member')}"
        + (" · leaders approve requests" if g.visibility == "request" else "")
        for g in groups
    }


async def panels_changed(bot: HuddleBot, guild_id: int) -> None:
    """A membership changed: the server's panels are edited in a moment (one job)."""
    if not await bot.config.get(guild_id, PANELS_KEY, []):
        return
    key = f"group-panels:{guild_id}"
    if await bot.scheduler.pending(REFRESH_KIND, key):
        return
    due = bot.clock.now() + REFRESH_AFTER
    await bot.scheduler.schedule(REFRESH_KIND, due, {"guild_id": guild_id}, guild_id, key=key)


async def refresh_panels(bot: HuddleBot, store: GroupStore, job: Job) -> None:
    """Edit every remembered panel message with today's counts; a panel deleted by hand
    is forgotten. A group no longer joinable keeps its button (the press explains)."""
    guild_id = int(job.payload["guild_id"])
    panels = list(await bot.config.get(guild_id, PANELS_KEY, []) or [])
    summaries = {s.group.id: s.group for s in await store.summaries(guild_id)}
    kept = []
    for panel in panels:
        part = [summaries[g] for g in panel["groups"] if g in summaries]
        if not part:
            continue
        embed, view = _panel_message(part, await _size_texts(bot, store, guild_id, part))
        message = bot.get_partial_messageable(panel["channel"]).get_partial_message(
            panel["message"]
        )
        try:
            await message.edit(embed=embed, view=view)
        except discord.NotFound:
            continue
        except discord.HTTPException:
            pass  # kept: the next change tries again
        kept.append(panel)
    if kept != panels:
        await bot.config.set(guild_id, PANELS_KEY, kept)

"""Leaders hear of a join request: a DM to each leader (at most `LEADERS_TOLD`) linking
the request message, sent by a job right after the request is posted, so the requester's
answer never waits on DMs. No ping: the bot pings only in reminders and role pings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.groups.jobs import REQUEST_DM_KIND
from cogs.groups.messages import tell
from core.ui import message_link

if TYPE_CHECKING:
    from cogs.groups.store import GroupStore
    from core.bot import HuddleBot
    from core.scheduler import Job

LEADERS_TOLD = 20


async def tell_leaders_later(bot: HuddleBot, request_id: int, guild_id: int) -> None:
    await bot.scheduler.schedule(
        REQUEST_DM_KIND, bot.clock.now(), {"request_id": request_id}, guild_id
    )


def leader_dm_text(requester: int, group: str, server: str, link: str | None) -> str:
    where = f" Approve or deny it here: {link}" if link else ""
    return (
        f"<@{requester}> asks to join **{group}** on "
        f"**{discord.utils.escape_markdown(server)}**.{where}"
    )


async def tell_leaders(bot: HuddleBot, store: GroupStore, job: Job) -> None:
    """The request's leaders, each by DM, while it is still waiting."""
    req = await store.requests.get(int(job.payload["request_id"]))
    group = await store.get(req.group_id) if req else None
    if req is None or group is None or req.status != "pending":
        return
    guild = bot.get_guild(req.guild_id)
    link = message_link(req.guild_id, req.channel_id, req.message_id) if req.message_id else None
    text = leader_dm_text(req.user_id, group.name, guild.name if guild else "the server", link)
    for leader in (await store.member_ids(group.id, leaders_only=True))[:LEADERS_TOLD]:
        await tell(bot, leader, text)

"""Telling members things: channel messages that ping exactly the people meant, and DMs
that fall back to a mention in the event's channel when DMs are closed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from core.ui import NO_PINGS, ping_only

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

MENTIONS_PER_MESSAGE = 80  # 80 mentions of ~22 chars stay under the 2,000-char limit


async def post(bot: HuddleBot, channel_id: int | None, text: str) -> bool:
    """A plain message that pings nobody."""
    if channel_id is None:
        return False
    try:
        await bot.get_partial_messageable(channel_id).send(text, allowed_mentions=NO_PINGS)
    except discord.HTTPException as exc:
        log.warning("message to channel %s failed: %s", channel_id, exc)
        return False
    return True


async def mention(
    bot: HuddleBot, channel_id: int | None, text: str, user_ids: Sequence[int]
) -> None:
    """`text` followed by mentions of `user_ids`, pinging only them (split if very many)."""
    if channel_id is None or not user_ids:
        return
    channel = bot.get_partial_messageable(channel_id)
    for start in range(0, len(user_ids), MENTIONS_PER_MESSAGE):
        chunk = list(user_ids[start : start + MENTIONS_PER_MESSAGE])
        body = (text + "\n" if start == 0 else "") + " ".join(f"<@{u}>" for u in chunk)
        try:
            await channel.send(body[:2000], allowed_mentions=ping_only(chunk))
        except discord.HTTPException as exc:
            log.warning("mention message to channel %s failed: %s", channel_id, exc)
            return


async def dm(bot: HuddleBot, user_id: int, text: str) -> bool:
    """True when the DM was delivered (False: DMs closed or the user is gone)."""
    try:
        channel = await bot.create_dm(discord.Object(user_id))
        await channel.send(text, allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        return False
    return True


async def dm_or_mention(bot: HuddleBot, user_id: int, text: str, channel_id: int | None) -> None:
    if not await dm(bot, user_id, text):
        await mention(bot, channel_id, text, [user_id])

"""Telling members things: channel messages that ping exactly the people meant, and DMs
that fall back to a mention in the event's channel when DMs are closed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from core import fit
from core.dms import send_dm
from core.fit import mention_batches
from core.ui import NO_PINGS, ping_only

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


async def post(bot: HuddleBot, channel_id: int | None, text: str) -> bool:
    """A plain message that pings nobody."""
    if channel_id is None:
        return False
    try:
        await bot.get_partial_messageable(channel_id).send(
            fit.clip(text, fit.CONTENT), allowed_mentions=NO_PINGS
        )
    except discord.HTTPException as exc:
        log.warning("message to channel %s failed: %s", channel_id, exc)
        return False
    return True


async def mention(
    bot: HuddleBot, channel_id: int | None, text: str, user_ids: Sequence[int]
) -> bool:
    """`text`, then mentions of `user_ids` pinging only them, in messages of at most 100
    mentions and 2,000 characters (`core.fit.mention_batches`). False when a post failed."""
    if channel_id is None or not user_ids:
        return True
    channel = bot.get_partial_messageable(channel_id)
    head = fit.clip(text, fit.CONTENT - 30) + "\n" if text else ""
    for index, (body, ids) in enumerate(mention_batches(user_ids)):
        content = head + body if index == 0 and len(head) + len(body) <= fit.CONTENT else body
        if index == 0 and content == body and head:
            try:
                await channel.send(head.rstrip("\n"), allowed_mentions=NO_PINGS)
            except discord.HTTPException as exc:
                log.warning("message to channel %s failed: %s", channel_id, exc)
                return False
        try:
            await channel.send(content, allowed_mentions=ping_only(ids))
        except discord.HTTPException as exc:
            log.warning("mention message to channel %s failed: %s", channel_id, exc)
            return False
    return True


async def send_batch(
    bot: HuddleBot, channel_id: int, content: str, user_ids: Sequence[int]
) -> None:
    """One prepared message (from `core.fit.mention_batches`) pinging only `user_ids`. A
    channel closed to the bot is logged and given up (retrying would not help); other
    failures raise, so the job is retried."""
    try:
        await bot.get_partial_messageable(channel_id).send(
            content, allowed_mentions=ping_only(list(user_ids))
        )
    except discord.Forbidden as exc:
        log.warning("mention message to channel %s refused: %s", channel_id, exc)


async def dm(bot: HuddleBot, user_id: int, text: str) -> bool:
    """True when the DM was delivered (False: DMs closed or the user is gone: skipped,
    never retried). Paced with every other bulk DM (`bot.dm_pacer`)."""
    async with bot.dm_pacer:
        return await send_dm(bot, user_id, text) == "sent"


async def dm_or_mention(bot: HuddleBot, user_id: int, text: str, channel_id: int | None) -> None:
    if not await dm(bot, user_id, text):
        await mention(bot, channel_id, text, [user_id])

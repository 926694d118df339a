"""One way to send a direct message: every feature's DMs (nudges, reminders, join
requests, find-a-time) go through `send_dm`, which counts them for `/metrics` and tells a
closed inbox (Discord's 403) from any other failure."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord

from core import fit
from core.ui import NO_PINGS

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

DmOutcome = Literal["sent", "refused", "failed"]  # refused: DMs closed, the user blocked us


async def send_dm(bot: HuddleBot, user_id: int, text: str) -> DmOutcome:
    """Send `text` (clipped to a message, pinging nobody) to `user_id`'s DMs."""
    try:
        channel = await bot.create_dm(discord.Object(id=user_id))
        await channel.send(fit.clip(text, fit.CONTENT), allowed_mentions=NO_PINGS)
    except discord.Forbidden as exc:
        log.info("DM to %s refused (%s)", user_id, exc.code)
        bot.metrics.count_dm(delivered=False)
        return "refused"
    except discord.HTTPException as exc:
        log.warning("DM to %s failed: %s", user_id, exc)
        bot.metrics.count_dm(delivered=False)
        return "failed"
    bot.metrics.count_dm(delivered=True)
    return "sent"

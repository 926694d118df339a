"""Messages the groups feature sends: DMs, channel posts, and settling a request message.
None of them pings (`NO_PINGS`): mentions here name people, they don't call them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from core.dms import send_dm
from core.ui import NO_PINGS

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


async def tell(bot: HuddleBot, user_id: int, text: str) -> bool:
    """A direct message, best effort (closed DMs are normal). True when delivered."""
    return await send_dm(bot, user_id, text) == "sent"


async def post(
    bot: HuddleBot, channel_id: int | None, text: str, view: discord.ui.View | None = None
) -> discord.Message | None:
    """A message in a channel; None when it can't be posted."""
    if not channel_id:
        return None
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if view is not None:
        kwargs["view"] = view
    try:
        return await bot.get_partial_messageable(channel_id).send(text, **kwargs)
    except discord.HTTPException as exc:
        log.info("could not post in %s: %s", channel_id, exc)
        return None


async def settle_message(interaction: discord.Interaction, text: str) -> None:
    """Replace a request message's text and remove its buttons."""
    if interaction.response.is_done():
        await interaction.edit_original_response(content=text, view=None, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.edit_message(content=text, view=None, allowed_mentions=NO_PINGS)

"""Restarting the bot in e2e tests with discord.py's real ready timing (docs/testing.md).

Tests shorten discord.py's `guild_ready_timeout` for speed, but on a real start on_ready
comes ~2 s after the last guild arrives while reactions and interactions already flow.
`restart` closes the bot and starts a new one on the same database and clock with the
real default, returning as soon as the guilds are cached — before on_ready — so a test
can act in that window. The scheduler is gated on on_ready (overdue jobs catch up then):
`until_ready` waits for it (~2 s)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from core.bot import HuddleBot

StartBot = Callable[..., Awaitable[HuddleBot]]


async def restart(
    bot: HuddleBot, start_bot: StartBot, *, real_ready: bool = True, **options: Any
) -> HuddleBot:
    """Close `bot` (unless already closed), start a new one. real_ready: discord.py's
    default guild_ready_timeout, returned before on_ready; real_ready=False: the suite's
    short timeout, after on_ready."""
    if not bot.is_closed():
        await bot.close()
    if real_ready:
        options.setdefault("guild_ready_timeout", None)
        options.setdefault("until_ready", False)
    new = await start_bot(**options)
    if real_ready:
        before_ready(new)
    return new


def before_ready(bot: HuddleBot) -> None:
    """Still in the window between the guilds arriving and on_ready."""
    assert not bot.is_ready(), "on_ready already fired: the window under test is over"


async def until_ready(bot: HuddleBot, emulator: Any = None, limit: float = 10.0) -> None:
    """Wait for on_ready (the scheduler's gate: overdue jobs start right after it)."""
    await asyncio.wait_for(bot.wait_until_ready(), limit)
    if emulator is not None:
        await emulator.settle()

"""Entry point: load settings, set up logging, run Huddle until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import aiohttp
import discord

from core.bot import HuddleBot
from core.logs import setup_logging
from core.settings import Settings, SettingsError, load_settings
from core.store import MigrationError

log = logging.getLogger("huddle")


async def run(settings: Settings) -> int:
    bot = HuddleBot(settings)
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []  # keep a reference so the task is not collected

    def request_shutdown() -> None:
        if not closing:
            log.info("shutting down")
            closing.append(loop.create_task(bot.close()))

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, request_shutdown)
    try:
        async with bot:
            await bot.start(settings.token)
    except discord.LoginFailure:
        print(
            "Discord rejected DISCORD_TOKEN: copy a fresh bot token from the Developer "
            "Portal (Bot → Reset Token) into .env.",
            file=sys.stderr,
        )
        return 1
    except (aiohttp.ClientConnectionError, OSError) as exc:
        print(
            f"Cannot reach Discord ({exc}). Check the network, or DISCORD_API_BASE if set.",
            file=sys.stderr,
        )
        return 1
    except MigrationError as exc:
        print(f"Database upgrade failed, nothing was changed: {exc}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.database_path.parent, secret=settings.token)
    return asyncio.run(run(settings))


if __name__ == "__main__":
    sys.exit(main())

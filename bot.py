"""Entry point.

python bot.py                 run Huddle until SIGINT/SIGTERM
python bot.py check           are the settings and the database usable? (no Discord)
python bot.py backup FILE     a consistent copy of the database, also while Huddle runs
python bot.py restore FILE    put a copy back (refused while Huddle runs)
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

import aiohttp
import discord

from core.backup import AlreadyRunning, BackupError, backup, hold_running_lock, restore
from core.bot import HuddleBot
from core.logs import setup_logging
from core.preflight import run_check
from core.settings import Settings, SettingsError, load_database_path, load_settings
from core.store import MigrationError, available_migrations

log = logging.getLogger("huddle")


async def run(settings: Settings) -> int:
    bot = HuddleBot(settings)
    bot.freeze_gc_when_ready = True  # a long-running process: see core/memory.py
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


USAGE = "usage: python bot.py [check | backup FILE | restore FILE]"


def serve() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        # Held until the process ends: restore (and a second bot) can see Huddle runs.
        lock = hold_running_lock(settings.database_path)
    except AlreadyRunning as exc:
        print(f"{exc} Only one Huddle may run on a database.", file=sys.stderr)
        return 1
    with lock:
        setup_logging(settings.log_level, settings.database_path.parent, secret=settings.token)
        return asyncio.run(run(settings))


def check() -> int:
    findings = run_check()
    for finding in findings:
        print(finding.line())
    usable = all(f.level != "FAIL" for f in findings)
    print("usable" if usable else "NOT usable: fix the FAIL lines above")
    return 0 if usable else 1


def copy_command(command: str, file: str) -> int:
    db = load_database_path()
    latest = available_migrations()[-1][0]
    try:
        if command == "backup":
            info = backup(db, Path(file), latest)
            print(
                f"backed up {db} to {info.path} ({info.size:,} bytes, schema v{info.schema_version})"
            )
            return 0
        info, kept = restore(Path(file), db, latest)
    except AlreadyRunning as exc:
        print(f"Refused: {exc} Stop it first (e.g. systemctl stop huddle).", file=sys.stderr)
        return 1
    except BackupError as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 1
    print(f"restored {file} to {db} (schema v{info.schema_version})")
    if kept is not None:
        print(f"the database it replaced is kept at {kept}")
    if info.schema_version < latest:
        print(f"the next start upgrades it to v{latest} (copying it first)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        return serve()
    if args == ["check"]:
        return check()
    if len(args) == 2 and args[0] in ("backup", "restore"):
        return copy_command(args[0], args[1])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""Starting the real bot against the emulator: in-process, or as a `python bot.py` subprocess."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from core.bot import HuddleBot
from core.settings import Settings
from tests.emulator.server import Emulator

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 10.0


def settings_for(emulator: Emulator, db_path: Path, **overrides: Any) -> Settings:
    return Settings(
        token=emulator.token,
        database_path=db_path,
        log_level="DEBUG",
        api_base=emulator.api_base,
        gateway_url=emulator.gateway_url,
        **overrides,
    )


async def start_bot(
    emulator: Emulator,
    db_path: Path,
    clock: Any = None,
    extensions: list[str] | None = None,
    *,
    guild_ready_timeout: float | None = 0.01,
    until_ready: bool = True,
    **settings_overrides: Any,
) -> HuddleBot:
    """A started HuddleBot that finished setup_hook, is READY and has its guilds cached.

    Tests shorten discord.py's `guild_ready_timeout` (2 s after the last guild before
    on_ready) for speed, to 10 ms (the emulator sends every GUILD_CREATE right behind
    READY); `guild_ready_timeout=None` keeps discord.py's real default, and
    `until_ready=False` returns as soon as READY is parsed and the guilds are cached, while
    on_ready is still held back (events and interactions already flow then)."""
    settings = settings_for(emulator, db_path, **settings_overrides)
    _reuse_extension_modules()
    timeout = {} if guild_ready_timeout is None else {"guild_ready_timeout": guild_ready_timeout}
    bot = HuddleBot(settings, clock=clock, extensions=extensions, **timeout)

    async def no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every non-initial IDENTIFY; tests need no pause."""

    bot.before_identify_hook = no_identify_delay  # type: ignore[method-assign]
    emulator.bots.append(bot)
    task = asyncio.create_task(bot.start(settings.token), name="huddle-bot")
    bot._emulator_task = task  # type: ignore[attr-defined]
    ready = asyncio.create_task(bot.wait_until_ready() if until_ready else _guilds_cached(bot))
    done, _ = await asyncio.wait(
        {task, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
    )
    if ready not in done:
        ready.cancel()
        if task in done:
            await bot.close()
            task.result()  # re-raise why start() ended
        await stop_bot(bot)
        raise AssertionError(f"the bot did not become ready within {READY_TIMEOUT}s")
    _remember_extension_modules()
    await emulator.settle()
    return bot


async def _guilds_cached(bot: HuddleBot) -> None:
    # discord.py dispatches nothing when READY is parsed and guilds cached (before on_ready);
    # READY lists the guilds unavailable, their GUILD_CREATE makes them available
    while bot.user is None or not bot.guilds or any(g.unavailable for g in bot.guilds):  # noqa: ASYNC110
        await asyncio.sleep(0.005)


async def stop_bot(bot: HuddleBot) -> None:
    if not bot.is_closed():
        await bot.close()
    task: asyncio.Task | None = getattr(bot, "_emulator_task", None)
    if task is not None:
        try:
            await asyncio.wait_for(task, 5)
        except (asyncio.CancelledError, TimeoutError):
            pass


# The cogs modules the first bot of this process imported (see `_reuse_extension_modules`).
_EXTENSION_MODULES: dict[str, ModuleType] = {}


def _reuse_extension_modules() -> None:
    """Closing a bot unloads its extensions, and discord.py drops each extension's modules
    from sys.modules with them: every test's bot would execute every cogs module again
    (~80 ms a start). Put back those a bot of this process imported before, so each bot
    imports the same module objects (as a unit test that imported them at collection
    does); discord.py still executes each extension's `__init__` afresh. The cogs keep no
    state in their modules (constants and pure caches), and each bot builds its own cogs,
    commands and views from the classes."""
    for name, module in _EXTENSION_MODULES.items():
        sys.modules.setdefault(name, module)


def _remember_extension_modules() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("cogs."):
            _EXTENSION_MODULES.setdefault(name, module)


class BotProcess:
    """`python bot.py` against the emulator (for kill -9 / restart tests)."""

    def __init__(
        self,
        emulator: Emulator,
        db_path: Path,
        extra_env: dict | None = None,
        now: float | None = None,
    ) -> None:
        self.emulator = emulator
        self.db_path = db_path
        self.extra_env = extra_env or {}
        # The test's "now" for the subprocess (see clocked_bot.py); None = the real clock.
        self.now = now
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, limit: float = 20.0) -> BotProcess:
        env = {
            **os.environ,
            "DISCORD_TOKEN": self.emulator.token,
            "DISCORD_API_BASE": self.emulator.api_base,
            "DISCORD_GATEWAY_URL": self.emulator.gateway_url,
            "DATABASE_PATH": str(self.db_path),
            "LOG_LEVEL": "INFO",
            # No web server unless a test asks for one: parallel subprocesses would all
            # try port 8080.
            "HTTP_PORT": "0",
            **self.extra_env,
        }
        script = ROOT / "bot.py"
        if self.now is not None:
            env["HUDDLE_TEST_NOW"] = repr(self.now)
            script = Path(__file__).with_name("clocked_bot.py")
        before = self.emulator.gateway.identifies
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            cwd=str(ROOT),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        deadline = time.monotonic() + limit
        while self.emulator.gateway.identifies <= before:
            if self.proc.returncode is not None or time.monotonic() > deadline:
                out = await self.output()
                raise AssertionError(f"bot.py did not connect (rc={self.proc.returncode}):\n{out}")
            await asyncio.sleep(0.01)
        await self.emulator.settle(quiet=0.1)
        return self

    def kill(self) -> None:
        """SIGKILL: no clean shutdown at all."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    async def wait(self) -> int:
        assert self.proc is not None
        return await self.proc.wait()

    async def output(self) -> str:
        if self.proc is None or self.proc.stdout is None:
            return ""
        if self.proc.returncode is None:
            self.kill()
            await self.proc.wait()
        return (await self.proc.stdout.read()).decode(errors="replace")

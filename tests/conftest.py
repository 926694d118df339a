"""Root fixtures: a fake clock, the Discord emulator with a populated guild, and the bot.

See tests/emulator/README.md for the test API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.bot import HuddleBot
from core.clock import FakeClock
from tests.emulator import Emulator, GuildHandle
from tests.emulator.harness import BotProcess, stop_bot
from tests.emulator.harness import start_bot as _start_bot

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "extensions(*names): extensions the `bot` fixture loads (default: all cogs)"
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def emulator(clock: FakeClock) -> AsyncIterator[Emulator]:
    emu = Emulator(clock=clock)
    await emu.start()
    emu.create_guild(name="Test Server")
    try:
        yield emu
    finally:
        await emu.stop()
    if emu.violations:
        listing = "\n".join(f"  - {v}" for v in emu.violations)
        pytest.fail(
            f"{len(emu.violations)} bot request(s) broke Discord's API spec or hit an "
            f"unimplemented emulator route:\n{listing}",
            pytrace=False,
        )


@pytest.fixture
def guild(emulator: Emulator) -> GuildHandle:
    return emulator.guild


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "huddle.db"


@pytest.fixture
async def start_bot(
    emulator: Emulator, clock: FakeClock, db_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., Awaitable[HuddleBot]]]:
    """`await start_bot()` → a new started bot on the same database and clock."""
    marker = request.node.get_closest_marker("extensions")
    default_extensions = list(marker.args) if marker else None
    bots: list[HuddleBot] = []

    async def factory(extensions: list[str] | None = None, **settings) -> HuddleBot:
        bot = await _start_bot(
            emulator,
            db_path,
            clock,
            extensions=extensions if extensions is not None else default_extensions,
            **settings,
        )
        bots.append(bot)
        return bot

    yield factory
    for bot in reversed(bots):
        await stop_bot(bot)


@pytest.fixture
async def bot(start_bot: Callable[..., Awaitable[HuddleBot]]) -> HuddleBot:
    return await start_bot()


@pytest.fixture
async def bot_subprocess(
    emulator: Emulator, clock: FakeClock
) -> AsyncIterator[Callable[..., Awaitable[BotProcess]]]:
    """`proc = await bot_subprocess(db_path)` runs `python bot.py` against the emulator, on the
    test's clock: the subprocess starts at the fake clock's now and runs on in real time, and
    a later subprocess never starts earlier than where the one before had got to."""
    procs: list[BotProcess] = []
    launched: list[tuple[float, float]] = []  # (fake now, real time) of the last launch

    def subprocess_now() -> float:
        now = clock.now()
        if launched:
            fake, real = launched[-1]
            now = max(now, fake + (time.time() - real))
        launched.append((now, time.time()))
        return now

    async def factory(db_path: Path, **env: str) -> BotProcess:
        proc = await BotProcess(emulator, Path(db_path), env, now=subprocess_now()).start()
        procs.append(proc)
        return proc

    yield factory
    for proc in procs:
        proc.kill()
        if proc.proc is not None:
            await proc.proc.wait()

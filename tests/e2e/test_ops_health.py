"""/healthz on the running bot (README, "Running it for real"): 200 while connected, the database
writable and the scheduler keeping up; 503 naming the failing check otherwise. Reached
over real HTTP on 127.0.0.1 (the bot's web server on a free port)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from core.health import LATE_AFTER


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def healthz(bot, http) -> tuple[int, dict]:
    async with http.get(bot.web.url("/healthz")) as resp:
        return resp.status, await resp.json()


async def until(condition, limit: float = 5.0) -> None:
    """Poll a condition every few ms (the bot reconnects in its own time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.005)


@pytest.mark.extensions()
async def test_healthy_then_503_naming_discord_while_the_gateway_is_gone(emulator, start_bot, http):
    bot = await start_bot(http_port=0)
    status, body = await healthz(bot, http)
    assert status == 200, body
    assert body == {
        "status": "ok",
        "failing": [],
        "checks": {"discord": "ok", "database": "ok", "scheduler": "ok"},
    }
    await emulator.gateway.hold()
    try:
        await until(lambda: any(s.is_closed() for s in bot.shards.values()))
        status, body = await healthz(bot, http)
        assert status == 503
        assert body["failing"] == ["discord"]
        assert body["checks"]["discord"] == "disconnected"
    finally:
        emulator.gateway.release()
    resumes = emulator.gateway.resumes
    await until(lambda: emulator.gateway.resumes > resumes, limit=10)
    await until(lambda: not any(s.is_closed() for s in bot.shards.values()))
    assert (await healthz(bot, http))[0] == 200


@pytest.mark.extensions()
async def test_503_naming_the_database_when_it_is_read_only(start_bot, http):
    bot = await start_bot(http_port=0)
    assert (await healthz(bot, http))[0] == 200
    # SQLite's own read-only switch on the bot's connection: every write now fails the way
    # a read-only file or mount makes it fail.
    await bot.store.execute("PRAGMA query_only = ON")
    status, body = await healthz(bot, http)
    assert status == 503
    assert body["failing"] == ["database"]
    assert "readonly" in body["checks"]["database"]
    await bot.store.execute("PRAGMA query_only = OFF")
    assert (await healthz(bot, http))[0] == 200


@pytest.mark.extensions()
async def test_503_naming_the_scheduler_while_it_is_held_behind(start_bot, clock, http):
    bot = await start_bot(http_port=0)
    bot.scheduler.concurrency = 1  # one slot, taken by a job that does not end
    release = asyncio.Event()
    ran: list[int] = []

    async def hold(job):
        ran.append(job.id)
        await release.wait()

    bot.scheduler.register("test.hold", hold)
    first = await bot.scheduler.schedule("test.hold", clock.now() + 10, {}, key="a")
    second = await bot.scheduler.schedule("test.hold", clock.now() + 10, {}, key="b")
    # The clock's advance runs what fell due and waits for it: it ends once released.
    advancing = asyncio.create_task(clock.advance(10 + LATE_AFTER + 1))
    try:
        await until(lambda: ran == [first])
        status, body = await healthz(bot, http)
        assert status == 503
        assert body["failing"] == ["scheduler"]
        assert body["checks"]["scheduler"].startswith("behind: 1 job(s)")
    finally:
        release.set()
        await advancing
    assert ran == [first, second]
    assert (await healthz(bot, http))[0] == 200


@pytest.mark.extensions()
async def test_a_running_long_job_is_not_behind(start_bot, clock, http):
    bot = await start_bot(http_port=0)
    release = asyncio.Event()
    started = asyncio.Event()

    async def long_job(job):
        started.set()
        await release.wait()

    bot.scheduler.register("test.long", long_job)
    await bot.scheduler.schedule("test.long", clock.now() + 1, {})
    advancing = asyncio.create_task(clock.advance(1 + LATE_AFTER * 10))
    try:
        await started.wait()
        assert (await healthz(bot, http))[0] == 200
    finally:
        release.set()
        await advancing


@pytest.mark.extensions()
async def test_a_stopped_scheduler_is_unhealthy(start_bot, http):
    bot = await start_bot(http_port=0)
    await bot.scheduler.stop()
    status, body = await healthz(bot, http)
    assert (status, body["checks"]["scheduler"]) == (503, "stopped")

"""The scheduler inside the running bot: scheduled work that failed for good surfaces in
the server's audit channel, once, and never pings."""

from __future__ import annotations

from core.scheduler import MAX_ATTEMPTS
from tests.support.channels import staff_channel
from tests.support.restart import before_ready, restart, until_ready

HOUR = 3600


async def test_job_that_fails_for_good_posts_one_audit_line(emulator, guild, bot, clock):
    log = staff_channel(emulator, guild)
    r = await guild.admin.slash("config log-channel", channel=log)
    assert r.ephemeral
    calls = 0

    async def broken(job):
        nonlocal calls
        calls += 1
        raise RuntimeError("the channel was deleted")

    bot.scheduler.register("test.broken", broken)
    await bot.scheduler.schedule("test.broken", clock.now() + 60, {}, guild_id=guild.id)
    before = len(guild.messages(log))
    for _ in range(MAX_ATTEMPTS + 2):
        await clock.advance(HOUR)
    await emulator.settle()
    assert calls == MAX_ATTEMPTS
    new = [m["content"] for m in guild.messages(log)][before:]
    assert len(new) == 1, new
    assert "failed for good" in new[0] and "test.broken" in new[0], new
    assert "the channel was deleted" in new[0]
    for req in emulator.find_requests("POST", rf"/channels/{log}/messages$"):
        mentions = req.json.get("allowed_mentions")
        assert mentions is not None and not mentions.get("parse"), req.json


async def test_job_of_another_server_does_not_post_here(emulator, guild, bot, clock):
    log = staff_channel(emulator, guild)
    await guild.admin.slash("config log-channel", channel=log)

    async def broken(job):
        raise RuntimeError("nope")

    bot.scheduler.register("test.broken", broken)
    await bot.scheduler.schedule("test.broken", clock.now(), {}, guild_id=guild.id + 1)
    await bot.scheduler.schedule("test.broken", clock.now(), {}, guild_id=None)
    before = len(guild.messages(log))
    for _ in range(MAX_ATTEMPTS + 2):
        await clock.advance(HOUR)
    await emulator.settle()
    dead = await bot.store.fetchval("SELECT COUNT(*) FROM jobs WHERE dead = 1")
    assert dead == 2  # both gave up …
    assert [m["content"] for m in guild.messages(log)][before:] == []  # … neither posted here


async def test_dead_job_stays_dead_across_a_restart(emulator, guild, bot, clock, start_bot):
    """With discord.py's real ready timing: a job that gave up is not run again
    by the restarted bot, nor told twice; one overdue at the restart runs after on_ready
    and gives up with its own single audit line."""
    log = staff_channel(emulator, guild)
    await guild.admin.slash("config log-channel", channel=log)
    calls: list[int] = []

    async def broken(job):
        calls.append(job.id)
        raise RuntimeError("the channel was deleted")

    bot.scheduler.register("test.broken", broken)
    dead = await bot.scheduler.schedule("test.broken", clock.now() + 60, {}, guild_id=guild.id)
    for _ in range(MAX_ATTEMPTS + 2):
        await clock.advance(HOUR)
    await emulator.settle()
    assert calls == [dead] * MAX_ATTEMPTS
    overdue = await bot.scheduler.schedule("test.broken", clock.now() + 60, {}, guild_id=guild.id)
    await bot.close()
    await clock.advance(2 * HOUR)  # due while the bot is down
    bot = await restart(bot, start_bot)
    bot.scheduler.register("test.broken", broken)  # before on_ready: nothing has run
    before_ready(bot)
    assert calls == [dead] * MAX_ATTEMPTS
    await until_ready(bot, emulator)
    for _ in range(MAX_ATTEMPTS + 2):
        await clock.advance(HOUR)
    await emulator.settle()
    assert calls == [dead] * MAX_ATTEMPTS + [overdue] * MAX_ATTEMPTS
    lines = [m["content"] for m in guild.messages(log) if "failed for good" in m["content"]]
    assert len(lines) == 2 and [f"(job {dead})" in t for t in lines] == [True, False], lines
    assert f"(job {overdue})" in lines[1]

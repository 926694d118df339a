"""The scheduler inside the running bot: scheduled work that failed for good surfaces in
the server's audit channel (SPEC §5), once, and never pings."""

from __future__ import annotations

from core.scheduler import MAX_ATTEMPTS

HOUR = 3600


async def test_job_that_fails_for_good_posts_one_audit_line(emulator, guild, bot, clock):
    log = int(emulator.new_channel(emulator.world.guilds[guild.id], "huddle-log", 0)["id"])
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
    log = int(emulator.new_channel(emulator.world.guilds[guild.id], "huddle-log", 0)["id"])
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

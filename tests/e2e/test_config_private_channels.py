"""The log channel and the digest channel name groups' polls, events and figures, so a
channel that members other than managers and admins can read is refused for them, saying
why; a staff-only channel is accepted."""

from __future__ import annotations

from tests.support.channels import staff_channel
from tests.support.groups import create


async def test_a_channel_everyone_reads_is_refused_for_the_log_and_the_digest(guild, bot):
    log = await guild.admin.slash("config log-channel", channel=guild.general)
    assert log.ephemeral and "@everyone" in log.text and "only managers and admins" in log.text
    digest = await guild.admin.slash("config insights", digest_channel=guild.general)
    assert "@everyone" in digest.text and "Monday digest" in digest.text, digest.text
    assert await bot.config.get(guild.id, "log_channel") is None
    assert not await bot.config.get(guild.id, "insights.digest_channel")


async def test_a_groups_channel_is_refused_naming_the_groups_role(guild, bot):
    await create(guild.alice, "Book Club")
    channel = int(guild.channel("book-club")["id"])
    r = await guild.admin.slash("config log-channel", channel=channel)
    assert "**Book Club**" in r.text and "**@everyone**" not in r.text, r.text
    assert "by hand" not in r.text, r.text  # the bot's own access is not a reader
    assert await bot.config.get(guild.id, "log_channel") is None


async def test_a_staff_only_channel_is_accepted_for_both(guild, bot, emulator):
    staff = staff_channel(emulator, guild)
    log = await guild.admin.slash("config log-channel", channel=staff)
    assert f"<#{staff}>" in log.text, log.text
    digest = await guild.admin.slash("config insights", digest_channel=staff)
    assert "Monday digest channel" in digest.text, digest.text
    assert await bot.config.get(guild.id, "log_channel") == staff
    assert await bot.config.get(guild.id, "insights.digest_channel") == staff

"""The end-of-test check of tests/e2e/conftest.py really flags a group event shown on a
scheduled event others can see (positive control), and leaves the right ones alone."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from tests.support.events import make_group, new_channel
from tests.support.scheduled import group_scheduled_event_violations

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.events")


async def plant(bot, guild, clock, name: str, *, channel_id: int | None = None):
    """A scheduled event made through the emulator's REST, as old code or a hand would."""
    start = datetime.fromtimestamp(clock.now() + 7200, tz=UTC)
    end = datetime.fromtimestamp(clock.now() + 9000, tz=UTC)
    discord_guild = bot.get_guild(guild.id)
    if channel_id is None:
        return await discord_guild.create_scheduled_event(
            name=name, start_time=start, end_time=end, location="Somewhere",
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
        )  # fmt: skip
    return await discord_guild.create_scheduled_event(
        name=name, start_time=start, channel=discord_guild.get_channel(channel_id),
        entity_type=discord.EntityType.voice, privacy_level=discord.PrivacyLevel.guild_only,
    )  # fmt: skip


async def test_the_check_flags_group_events_on_visible_scheduled_events(
    emulator, guild, bot, clock, db_path
):
    text_id = await new_channel(emulator, guild, "knitters", 0)
    lobby = await new_channel(emulator, guild, "Lobby voice", 2)  # not the group's
    await make_group(bot, guild, "Knitters", text_id, None, guild.alice, [guild.bob])
    made = await guild.alice.slash(
        "event create", title="Hidden meetup", when="in 3 hours", group="Knitters"
    )
    assert "Created" in made.text, made.text
    assert group_scheduled_event_violations(emulator, db_path) == []  # the bot made none

    external = await plant(bot, guild, clock, "Hidden meetup")
    voice = await plant(bot, guild, clock, "Hidden meetup", channel_id=lobby)
    await emulator.settle()
    problems = group_scheduled_event_violations(emulator, db_path)
    assert len(problems) == 2, problems
    assert any("server-wide external" in p for p in problems), problems
    assert any("no voice channel" in p for p in problems), problems
    assert all("Hidden meetup" in p and "Knitters" in p for p in problems), problems

    await external.delete()
    await voice.delete()
    await emulator.settle()
    assert group_scheduled_event_violations(emulator, db_path) == []


async def test_the_check_leaves_the_groups_voice_event_and_server_events_alone(
    emulator, guild, bot, clock, db_path
):
    text_id = await new_channel(emulator, guild, "knitters", 0)
    voice_id = await new_channel(emulator, guild, "Knitters voice", 2)
    other = await new_channel(emulator, guild, "Other voice", 2)
    await make_group(bot, guild, "Knitters", text_id, voice_id, guild.alice, [guild.bob])
    await guild.alice.slash("event create", title="Knit night", when="in 3 hours", group="Knitters")
    await guild.alice.slash("event create", title="Town hall", when="in 3 hours", where="Hall")
    kinds = sorted((e["name"], e["entity_type"]) for e in guild.scheduled_events())
    assert kinds == [("Knit night", 2), ("Town hall", 3)]
    assert group_scheduled_event_violations(emulator, db_path) == []

    # The group's event in another voice channel is flagged too.
    wrong = await plant(bot, guild, clock, "Knit night", channel_id=other)
    await emulator.settle()
    [problem] = group_scheduled_event_violations(emulator, db_path)
    assert "not the group's voice channel" in problem, problem
    await wrong.delete()
    await emulator.settle()

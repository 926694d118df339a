"""Voice states: the payload has the shape of Discord's voice state object, discord.py
reads VOICE_STATE_UPDATE and GUILD_CREATE's voice states, Connect is required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.emulator.voice import voice_state

pytestmark = pytest.mark.extensions("tests.emulator.testext")

SPEC = Path(__file__).parent / "openapi.json"


async def voice_channel(emulator, guild) -> int:
    channel = emulator.new_channel(emulator.world.guilds[guild.id], "Lounge", 2)
    await emulator.dispatch("CHANNEL_CREATE", channel)
    await emulator.settle()
    return int(channel["id"])


async def test_the_voice_state_has_every_field_discord_sends(emulator, guild, bot):
    schema = json.loads(SPEC.read_text())["components"]["schemas"]["VoiceStateResponse"]
    state = voice_state(guild.guild, guild.alice.id, 123, "s")
    assert set(schema["required"]) <= set(state)
    assert set(state) <= set(schema["properties"])


async def test_join_move_leave_reach_discord_py_and_a_restart_sees_who_is_in(
    emulator, guild, bot, start_bot
):
    lounge = await voice_channel(emulator, guild)
    seen: list[tuple[int | None, int | None]] = []

    async def note(member, before, after) -> None:
        seen.append((getattr(before.channel, "id", None), getattr(after.channel, "id", None)))

    bot.add_listener(note, "on_voice_state_update")
    await guild.alice.join_voice(lounge)
    await guild.bob.join_voice(lounge)
    await guild.bob.leave_voice()
    assert seen == [(None, lounge), (None, lounge), (lounge, None)]
    await bot.close()
    again = await start_bot()
    channel = again.get_guild(guild.id).get_channel(lounge)
    assert set(channel.voice_states) == {guild.alice.id}
    assert again.get_guild(guild.id).get_member(guild.alice.id) is not None


async def test_connecting_needs_view_and_connect(emulator, guild, bot):
    lounge = await voice_channel(emulator, guild)
    g = emulator.world.guilds[guild.id]
    g.channels[lounge]["permission_overwrites"] = [
        {"id": str(guild.id), "type": 0, "allow": "0", "deny": str(1 << 20)}
    ]
    with pytest.raises(AssertionError, match="may not connect"):
        await guild.carol.join_voice(lounge)

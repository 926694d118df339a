"""Gateway: RESUME replays missed events exactly once; 429s are retried; restarts."""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.extensions("tests.emulator.testext")


async def test_resume_delivers_every_event_exactly_once(emulator, guild, bot):
    seen: list[int] = []

    async def note(payload) -> None:
        seen.append(payload.user_id)

    bot.add_listener(note, "on_raw_reaction_add")
    message = await bot.get_channel(guild.general).send("vote")
    await guild.alice.react(message.id, "🇦")
    await emulator.drop_gateway()
    # while the bot is disconnected: events are buffered for the session
    for user in (guild.bob, guild.carol, guild.dave):
        await user.react(message.id, "🇦")
    for _ in range(200):
        if emulator.gateway.resumes and len(seen) >= 4:
            break
        await asyncio.sleep(0.005)
    await emulator.settle()
    assert emulator.gateway.resumes == 1
    assert emulator.gateway.identifies == 1
    assert sorted(seen) == sorted([guild.alice.id, guild.bob.id, guild.carol.id, guild.dave.id])


async def test_invalid_session_leads_to_a_fresh_identify(emulator, guild, bot):
    for session in emulator.gateway.sessions.values():
        session.dead = True  # the session can no longer be resumed
    await emulator.drop_gateway()
    for _ in range(400):
        if emulator.gateway.identifies == 2 and bot.is_ready():
            break
        await asyncio.sleep(0.005)
    assert emulator.gateway.invalid_sessions == 1
    assert emulator.gateway.identifies == 2
    reply = await guild.alice.slash("ping")
    assert reply.content == "pong"


async def test_429_is_retried_and_succeeds(emulator, guild, bot):
    inj = emulator.inject("POST", r"/channels/\d+/messages$", status=429)
    await bot.get_channel(guild.general).send("after a rate limit")
    assert len(inj.hits) == 1
    assert emulator.count_requests("POST", r"/channels/\d+/messages$") == 2
    assert guild.messages(guild.general)[-1]["content"] == "after a rate limit"


async def test_injected_403_and_503(emulator, guild, bot):
    import discord

    emulator.inject("POST", r"/channels/\d+/messages$", status=403)
    with pytest.raises(discord.Forbidden):
        await bot.get_channel(guild.general).send("x")
    emulator.inject("POST", r"/channels/\d+/messages$", status=503)
    with pytest.raises(discord.DiscordServerError):
        await bot.get_channel(guild.general).send("x")
    assert guild.messages(guild.general) == []


async def test_restart_on_the_same_database(emulator, guild, bot, start_bot):
    await bot.close()
    bot2 = await start_bot()
    assert bot2.is_ready() and bot2.get_guild(guild.id) is not None
    reply = await guild.bob.slash("ping", text="again")
    assert reply.content == "pong again"

"""Interactions as users see them: slash, defer + followup, autocomplete, buttons, modals."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.extensions("tests.emulator.testext")


async def test_defer_then_followup_with_a_member_option(guild, bot):
    reply = await guild.alice.slash("emu defer", member=guild.bob)
    assert reply.deferred and reply.ephemeral
    assert reply.content == "looked at Bob"
    assert guild.messages(guild.general) == []  # ephemeral: nobody else sees it


async def test_autocomplete(guild, bot):
    choices = await guild.alice.autocomplete("emu pick", "fruit", "b")
    assert [c["value"] for c in choices] == ["banana", "blueberry"]


async def test_button_updates_the_message_and_modal_roundtrip(guild, bot):
    reply = await guild.alice.slash("ping")
    clicked = await guild.bob.click(reply.message, "ping:again")
    assert clicked.type == 7
    assert guild.message(reply.message_id)["content"] == "pong again"
    shown = await guild.bob.click(reply.message_id, "ping:talk")
    assert shown.modal["title"] == "Say something"
    submitted = await guild.bob.submit_modal(shown, {"words": "hello"})
    assert submitted.content == "you said hello" and submitted.ephemeral


async def test_helpful_errors_for_wrong_names(guild, bot):
    with pytest.raises(AssertionError, match="registered"):
        await guild.alice.slash("nope")
    with pytest.raises(AssertionError, match="no option 'colour'"):
        await guild.alice.slash("ping", colour="red")
    reply = await guild.alice.slash("ping")
    with pytest.raises(AssertionError, match="no component"):
        await guild.alice.click(reply.message, "missing")


async def test_reactions_state_and_pagination(emulator, guild, bot):
    message = await bot.get_channel(guild.general).send("poll")
    await message.add_reaction("🇦")
    for user in (guild.alice, guild.bob, guild.carol):
        await user.react(message.id, "🇦")
    await guild.bob.unreact(message.id, "🇦")
    assert guild.reactions(message.id) == {"🇦": [guild.bot_id, guild.alice.id, guild.carol.id]}
    fetched = await bot.get_channel(guild.general).fetch_message(message.id)
    reaction = fetched.reactions[0]
    assert reaction.count == 3 and reaction.me
    users = [u.id async for u in reaction.users(limit=None)]
    assert sorted(users) == sorted([guild.bot_id, guild.alice.id, guild.carol.id])
    await message.remove_reaction("🇦", discord_object(guild.alice.id))
    await message.clear_reactions()
    assert guild.reactions(message.id) == {}
    emulator.react_raw(message.id, guild.dave.id, "🇧")  # e.g. while the bot is offline
    assert guild.reactions(message.id) == {"🇧": [guild.dave.id]}


def discord_object(user_id: int):
    import discord

    return discord.Object(user_id)


async def test_scheduled_events(emulator, guild, bot, clock):
    from datetime import timedelta

    import discord

    g = bot.get_guild(guild.id)
    start = clock.now_dt() + timedelta(days=1)
    event = await g.create_scheduled_event(
        name="Book club",
        start_time=start,
        end_time=start + timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="Library",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert [e["name"] for e in guild.scheduled_events()] == ["Book club"]
    await event.edit(name="Book club (moved)")
    assert guild.scheduled_events()[0]["name"] == "Book club (moved)"
    await event.delete()
    assert guild.scheduled_events() == []
    with pytest.raises(discord.HTTPException) as err:
        await g.create_scheduled_event(
            name="Past",
            start_time=start - timedelta(days=3),
            end_time=start,
            entity_type=discord.EntityType.external,
            location="x",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert err.value.code == 50035

"""The bot's permissions and role hierarchy are enforced like Discord does."""

from __future__ import annotations

import discord
import pytest

from tests.emulator import permissions as perms

pytestmark = pytest.mark.extensions("tests.emulator.testext")


async def test_cannot_assign_a_role_above_the_bot(emulator, guild, bot):
    g = bot.get_guild(guild.id)
    low = await g.create_role(name="Low")
    member = await g.fetch_member(guild.alice.id)
    await member.add_roles(low)
    assert int(low.id) in guild.member_roles(guild.alice)
    # a role above the bot's top role (made by a human)
    top = emulator.new_role(guild.guild, "Top", 0, position=10)
    with pytest.raises(discord.Forbidden) as err:
        await member.add_roles(discord.Object(int(top["id"])))
    assert err.value.code == 50013
    with pytest.raises(discord.Forbidden):
        await g.get_role(guild.bot_role_id).edit(name="renamed")  # its own top role
    with pytest.raises(discord.Forbidden):  # granting what the bot lacks
        await g.create_role(name="Boss", permissions=discord.Permissions(administrator=True))


async def test_manage_channels_required(emulator, guild, bot):
    g = bot.get_guild(guild.id)
    channel = await g.create_text_channel("Book Club")
    assert channel.name == "book-club"
    await emulator.deny_bot_permission(guild.id, "MANAGE_CHANNELS")
    await emulator.settle()
    with pytest.raises(discord.Forbidden) as err:
        await g.create_text_channel("nope")
    assert err.value.code == 50013
    assert err.value.text == "Missing Permissions"


async def test_private_channel_overwrites_and_view(emulator, guild, bot):
    g = bot.get_guild(guild.id)
    role = await g.create_role(name="Knitters")
    overwrites = {
        g.default_role: discord.PermissionOverwrite(view_channel=False),
        role: discord.PermissionOverwrite(view_channel=True, send_messages=True),
        g.me: discord.PermissionOverwrite(view_channel=True, send_messages=True),
    }
    channel = await g.create_text_channel("knitting", overwrites=overwrites)
    stored = guild.channel(channel.id)
    assert perms.channel_permissions(guild.guild, guild.alice.id, stored) == 0
    with pytest.raises(discord.Forbidden):  # overwrites may not grant Administrator
        await channel.set_permissions(role, administrator=True)


async def test_limits_and_unknowns(emulator, guild, bot):
    g = bot.get_guild(guild.id)
    category = await g.create_category("Groups")
    for i in range(50):
        emulator.new_channel(guild.guild, f"c{i}", 0, parent_id=category.id)
    with pytest.raises(discord.HTTPException) as err:
        await g.create_text_channel("overflow", category=category)
    assert err.value.code == 50035
    assert "Maximum number of channels in category reached (50)" in str(err.value)
    with pytest.raises(discord.NotFound) as err:
        await bot.http.get_message(guild.general, 1234)
    assert err.value.code == 10008
    with pytest.raises(discord.NotFound) as err:
        await bot.http.get_channel(1234)
    assert err.value.code == 10003


async def test_dm_closed(emulator, guild, bot):
    user = await bot.fetch_user(guild.bob.id)
    await user.send("hello bob")
    assert [m["content"] for m in guild.bob.dm_messages()] == ["hello bob"]
    guild.carol.close_dms()
    carol = await bot.fetch_user(guild.carol.id)
    with pytest.raises(discord.Forbidden) as err:
        await carol.send("hi")
    assert err.value.code == 50007

"""`/group create` end to end: the role, the private channel, failure cleanup, overflow."""

from __future__ import annotations

import pytest

from tests.emulator import permissions as perms
from tests.support.groups import create, overwrite

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups")

VIEW = perms.bit("VIEW_CHANNEL")
SEND = perms.bit("SEND_MESSAGES")
HISTORY = perms.bit("READ_MESSAGE_HISTORY")
MANAGE_CHANNELS = perms.bit("MANAGE_CHANNELS")


async def test_create_makes_role_channel_and_leader(guild, bot):
    r = await create(guild.alice, "Book Club", description="We read books")
    assert r.ephemeral and "Book Club" in r.text
    role = guild.role("Book Club")
    assert int(role["permissions"]) == 0 and not role["hoist"] and not role["mentionable"]
    channel = guild.channel("book-club")
    assert channel["type"] == 0
    category = guild.channel(int(channel["parent_id"]))
    assert category["name"] == "Groups" and category["type"] == 4
    assert await bot.config.get(guild.id, "groups.category") == int(category["id"])
    everyone = overwrite(channel, guild.id)
    assert int(everyone["deny"]) & VIEW
    member = int(overwrite(channel, role["id"])["allow"])
    assert member & VIEW and member & SEND and member & HISTORY
    mine = int(overwrite(channel, guild.bot_id)["allow"])
    assert mine & VIEW and mine & SEND and mine & MANAGE_CHANNELS
    assert int(role["id"]) in guild.member_roles(guild.alice)
    info = await guild.bob.slash("group info", group="book club")
    assert "1/25" in info.text and guild.alice.mention in info.text


async def test_manager_role_sees_the_channel_and_voice_is_optional(guild, bot):
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    await create(guild.alice, "Run Crew", description="5k", voice=True)
    text = guild.channel("run-crew")
    assert int(overwrite(text, guild.manager_role_id)["allow"]) & VIEW
    voice = next(c for c in guild.channels() if c["type"] == 2 and c["name"] == "Run Crew")
    assert int(overwrite(voice, guild.id)["deny"]) & VIEW
    assert voice["parent_id"] == text["parent_id"]


async def test_duplicate_name_refused_case_insensitively(guild, bot):
    await create(guild.alice, "Book Club")
    r = await create(guild.bob, "book CLUB", description="y")
    assert r.ephemeral and "already exists" in r.text
    assert len([x for x in guild.roles() if x["name"].casefold() == "book club"]) == 1


async def test_missing_manage_roles_creates_nothing(emulator, guild, bot):
    await emulator.deny_bot_permission(guild.id, "MANAGE_ROLES")
    await emulator.settle()
    before_roles, before_channels = len(guild.roles()), len(guild.channels())
    r = await create(guild.alice, "Book Club")
    assert r.ephemeral and "Manage Roles" in r.text
    assert len(guild.roles()) == before_roles and len(guild.channels()) == before_channels
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_missing_manage_channels_creates_nothing(emulator, guild, bot):
    await emulator.deny_bot_permission(guild.id, "MANAGE_CHANNELS")
    await emulator.settle()
    before_roles = len(guild.roles())
    r = await create(guild.alice, "Book Club")
    assert r.ephemeral and "Manage Channels" in r.text
    assert len(guild.roles()) == before_roles
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_channel_refused_after_role_removes_the_role(emulator, guild, bot):
    await create(guild.alice, "First", description="makes the category")
    before_roles, before_channels = len(guild.roles()), len(guild.channels())
    emulator.inject(
        "POST",
        r"/guilds/\d+/channels$",
        status=403,
        body={"message": "Missing Permissions", "code": 50013},
    )
    r = await create(guild.alice, "Book Club")
    assert r.ephemeral and "Manage Channels" in r.text
    assert emulator.count_requests("POST", r"/guilds/\d+/roles$") == 2
    assert emulator.count_requests("DELETE", r"/guilds/\d+/roles/\d+$") == 1
    assert len(guild.roles()) == before_roles and len(guild.channels()) == before_channels
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 1


async def test_full_category_spills_into_numbered_overflow(emulator, guild, start_bot):
    g = emulator.world.guilds[guild.id]
    category = emulator.new_channel(g, "Groups", 4)
    for i in range(50):
        emulator.new_channel(g, f"filler-{i}", 0, parent_id=category["id"])
    bot = await start_bot()
    r = await create(guild.alice, "Book Club")
    assert "Book Club" in r.text
    overflow = guild.channel("Groups 2")
    assert overflow["type"] == 4
    assert int(guild.channel("book-club")["parent_id"]) == int(overflow["id"])
    assert await bot.config.get(guild.id, "groups.category") == int(category["id"])
    await create(guild.alice, "Chess")
    assert int(guild.channel("chess")["parent_id"]) == int(overflow["id"])

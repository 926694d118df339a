"""Groups at the edges: the panel's posting check, texts within Discord's
limits, slow paths deferred, and a delete that Discord half-refused."""

from __future__ import annotations

import pytest

from core.fit import embed_problems
from tests.support.groups import create, group_id, slash

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups")

VIEW_CHANNEL = 1 << 10


async def test_panel_only_where_the_invoker_may_post(guild, bot, emulator):
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    await create(guild.alice, "Book Club")
    hidden = emulator.new_channel(
        emulator.world.guilds[guild.id],
        "staff-only",
        0,
        overwrites=[{"id": str(guild.id), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)}],
    )
    await emulator.dispatch("CHANNEL_CREATE", {**hidden, "guild_id": str(guild.id)})
    await emulator.settle()
    r = await guild.manager.slash("group panel", channel=int(hidden["id"]))
    assert r.ephemeral and "You can't post in" in r.text, r.text
    assert guild.messages(int(hidden["id"])) == []


async def test_info_with_many_leaders_and_panel_with_long_names_fit(guild, bot):
    await bot.config.set(guild.id, "groups.max_size", 100)
    await bot.config.set(guild.id, "groups.max_per_member", 100)
    await create(guild.alice, "Book Club")
    gid = await group_id(bot, "Book Club")
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
            " VALUES (?, ?, ?, 1, 0)",
            [(guild.id, gid, 10**18 + i) for i in range(60)],
        )
    info = await guild.bob.slash("group info", group="Book Club")
    assert all(embed_problems_of(e) == [] for e in info.embeds)
    leaders = next(f for f in info.embeds[0]["fields"] if f["name"] == "Leaders")
    assert "more" in leaders["value"] and len(leaders["value"]) <= 1024
    for i in range(25):
        name = f"{i:02d} " + "Long name " * 9
        r = await create(guild.alice, name[:80], description="D" * 1000)
        assert "Created" in r.text, r.text
    r = await guild.alice.slash("group panel")
    assert "Posted" in r.text, r.text
    panels = [m for m in guild.messages(guild.general) if m.get("embeds")]
    assert panels and all(embed_problems_of(e) == [] for m in panels for e in m["embeds"])


def embed_problems_of(data: dict) -> list[str]:
    import discord

    return embed_problems(discord.Embed.from_dict(data))


async def test_not_found_clips_what_was_typed(guild, bot):
    r = await guild.bob.slash("group info", group="x" * 3000)
    assert r.ephemeral and "at most 100 characters" in r.text and len(r.text) < 300
    r = await guild.bob.slash("group info", group="`" * 10 + "x" * 90)
    assert r.ephemeral and "There is no group called `ˋˋ" in r.text, r.text
    assert len(r.text) < 300


async def test_edit_max_members_defers_before_filling_the_waitlist(guild, bot):
    await create(guild.alice, "Duo", max_members=2)
    await guild.bob.slash("group join", group="Duo")
    r = await guild.carol.slash("group join", group="Duo")
    await guild.carol.click(r, r.custom_ids()[0])
    r = await slash(guild.alice, "group edit", group="Duo", max_members=3)
    assert r.deferred and "max members: 3" in r.text, r.text
    assert int(guild.role("Duo")["id"]) in guild.member_roles(guild.carol)


async def test_delete_that_discord_half_refuses_says_what_is_left(guild, bot, emulator):
    await create(guild.alice, "Book Club")
    gid = await group_id(bot, "Book Club")
    role_id = int(guild.role("Book Club")["id"])
    emulator.inject("DELETE", rf"/guilds/\d+/roles/{role_id}$", status=403)
    r = await guild.alice.slash("group delete", group="Book Club")
    done = await guild.alice.click(r, r.custom_ids()[0])
    text = " ".join([done.text, *[f.get("content") or "" for f in done.followups]])
    message = guild.message(done.message_id)["content"] if done.message_id else text
    assert "not fully deleted" in message and "role" in message, message
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups WHERE id = ?", (gid,)) == 1
    # A retry finishes it.
    r = await guild.alice.slash("group delete", group="Book Club")
    done = await guild.alice.click(r, r.custom_ids()[0])
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0
    assert all(role["name"] != "Book Club" for role in guild.roles())

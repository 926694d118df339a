"""Edit, archive/restore, delete, repair, panel, list, creation policy and approval."""

from __future__ import annotations

import pytest

from tests.emulator import permissions as perms
from tests.support.groups import create, overwrite, slash
from tests.support.restart import before_ready, restart

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups")

SEND = perms.bit("SEND_MESSAGES")
VIEW = perms.bit("VIEW_CHANNEL")


async def test_edit_renames_role_and_channel(guild, bot):
    await create(guild.alice, "Book Club")
    r = await slash(guild.bob, "group edit", group="Book Club", description="x")
    assert r.ephemeral and "leaders" in r.text
    r = await slash(
        guild.alice,
        "group edit",
        group="Book Club",
        name="Reading Circle",
        max_members=5,
        visibility="request",
    )
    assert "Reading Circle" in r.text
    assert guild.role("Reading Circle")
    assert guild.channel("reading-circle")
    info = await guild.bob.slash("group info", group="reading circle")
    assert "1/5" in info.text and "request" in info.text


async def test_edit_refuses_duplicate_name(guild, bot):
    await create(guild.alice, "Book Club")
    await create(guild.alice, "Chess")
    r = await slash(guild.alice, "group edit", group="Chess", name="BOOK club")
    assert r.ephemeral and "already exists" in r.text
    assert guild.role("Chess")


async def test_archive_and_restore(guild, bot):
    await create(guild.alice, "Book Club")
    r = await guild.bob.slash("group archive", group="Book Club")
    assert r.ephemeral and "leaders" in r.text
    r = await guild.alice.slash("group archive", group="Book Club")
    assert "archived" in r.text
    channel = guild.channel("book-club")
    role = guild.role("Book Club")
    assert int(overwrite(channel, role["id"])["deny"]) & SEND
    assert int(overwrite(channel, role["id"])["allow"]) & VIEW
    archive = guild.channel(int(channel["parent_id"]))
    assert archive["name"] == "Groups Archive"
    r = await guild.bob.slash("group join", group="Book Club")
    assert r.ephemeral and "archived" in r.text
    r = await guild.alice.slash("group leave", group="Book Club")  # archived: last leader may go
    await guild.manager.slash("group list")
    r = await guild.admin.slash("group restore", group="Book Club")
    assert "active again" in r.text
    channel = guild.channel("book-club")
    assert not int(overwrite(channel, role["id"])["deny"]) & SEND
    assert guild.channel(int(channel["parent_id"]))["name"] == "Groups"


async def test_delete_asks_with_delete_button(emulator, guild, bot):
    log = int(guild.channel("general")["id"])
    await bot.config.set(guild.id, "log_channel", log)
    await create(guild.alice, "Book Club", voice=True)
    r = await guild.bob.slash("group delete", group="Book Club")
    assert r.ephemeral and "leaders" in r.text
    assert [x for x in guild.roles() if x["name"] == "Book Club"]
    assert [c for c in guild.channels() if c["name"] in ("book-club", "Book Club")]
    r = await guild.alice.slash("group delete", group="Book Club")
    button = next(c for row in r.components for c in row["components"] if c["label"] == "Delete")
    done = await guild.alice.click(r, button["custom_id"])
    assert "Deleted" in done.text
    assert not [x for x in guild.roles() if x["name"] == "Book Club"]
    assert not [c for c in guild.channels() if c["name"] in ("book-club", "Book Club")]
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0
    assert any("deleted" in m["content"] for m in guild.messages(log))
    assert any("created" in m["content"] for m in guild.messages(log))


async def test_hand_deleted_channel_marks_broken_and_repair_recreates(emulator, guild, bot):
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    old = guild.channel("book-club")
    await emulator.delete_channel_by_hand(int(old["id"]))
    await emulator.settle()
    info = await guild.bob.slash("group info", group="Book Club")
    assert "broken" in info.text and "/group repair" in info.text
    r = await guild.bob.slash("group repair", group="Book Club")
    assert r.ephemeral and "leaders" in r.text
    r = await guild.alice.slash("group repair", group="Book Club")
    assert "Repaired" in r.text
    new = guild.channel("book-club")
    assert new["id"] != old["id"]
    role = guild.role("Book Club")
    assert int(overwrite(new, role["id"])["allow"]) & VIEW
    info = await guild.bob.slash("group info", group="Book Club")
    assert "broken" not in info.text


async def test_hand_deleted_role_is_recreated_and_given_back(emulator, guild, bot):
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    await emulator.delete_role_by_hand(int(guild.role("Book Club")["id"]))
    await emulator.settle()
    r = await guild.alice.slash("group repair", group="Book Club")
    assert "role" in r.text
    role = guild.role("Book Club")
    assert int(role["id"]) in guild.member_roles(guild.bob)
    assert int(role["id"]) in guild.member_roles(guild.alice)
    assert int(overwrite(guild.channel("book-club"), role["id"])["allow"]) & VIEW


async def test_panel_join_buttons_survive_restart(guild, bot, start_bot):
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    await create(guild.alice, "Book Club")
    await create(guild.alice, "Secret", visibility="invite")
    r = await guild.bob.slash("group panel")
    assert r.ephemeral and "managers" in r.text
    r = await guild.manager.slash("group panel")
    assert "Posted" in r.text
    panel = guild.messages(guild.general)[-1]
    ids = [c["custom_id"] for row in panel["components"] for c in row["components"]]
    assert len(ids) == 1 and ids[0].startswith("huddle:groups:join:")
    bot = await restart(bot, start_bot)  # real ready timing: click before on_ready
    joined = await guild.bob.click(panel, ids[0])
    assert joined.ephemeral and "joined" in joined.text
    assert int(guild.role("Book Club")["id"]) in guild.member_roles(guild.bob)
    before_ready(bot)


async def test_list_is_paginated(guild, bot):
    for i in range(10):
        await create(guild.alice if i < 5 else guild.bob, f"Group {i:02d}")
    r = await guild.carol.slash("group list")
    assert r.ephemeral and "Group 00" in r.text and "Group 09" not in r.text
    assert "1/25 members" in r.text
    nxt = [cid for cid in r.custom_ids()]
    assert len(nxt) == 2
    page2 = await guild.carol.click(r, nxt[1])
    assert "Group 09" in page2.text


async def test_creation_policy_managers_only(guild, bot):
    await bot.config.set(guild.id, "groups.creation", "managers")
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    r = await create(guild.alice, "Book Club")
    assert r.ephemeral and "Only community managers" in r.text
    r = await create(guild.manager, "Book Club")
    assert "Created" in r.text


async def test_creation_policy_role(guild, bot):
    await bot.config.set(guild.id, "groups.creation", "role")
    await bot.config.set(guild.id, "groups.creator_role", guild.manager_role_id)
    r = await create(guild.alice, "Book Club")
    assert r.ephemeral and "creator role" in r.text
    assert "Created" in (await create(guild.manager, "Book Club")).text


async def test_approval_flow(guild, bot):
    await bot.config.set(guild.id, "groups.approval", True)
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    roles_before = len(guild.roles())
    r = await create(guild.alice, "Book Club", visibility="request")
    assert r.ephemeral and "approval" in r.text
    assert len(guild.roles()) == roles_before
    ask = guild.messages(guild.general)[-1]
    approve, _deny = [c["custom_id"] for row in ask["components"] for c in row["components"]]
    refused = await guild.bob.click(ask, approve)
    assert refused.ephemeral and "managers" in refused.text
    await guild.manager.click(ask, approve)
    assert guild.channel("book-club")
    assert int(guild.role("Book Club")["id"]) in guild.member_roles(guild.alice)
    info = await guild.bob.slash("group info", group="Book Club")
    assert guild.alice.mention in info.text


async def test_approval_denied_frees_the_name(guild, bot):
    await bot.config.set(guild.id, "groups.approval", True)
    await create(guild.alice, "Book Club")
    ask = guild.messages(guild.general)[-1]
    deny = ask["components"][0]["components"][1]["custom_id"]
    await guild.admin.click(ask, deny)
    assert "denied" in guild.message(int(ask["id"]))["content"]
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_config_show_lists_group_settings(guild, bot):
    r = await guild.admin.slash("config show")
    assert "Who may create groups" in r.text and "Groups per member" in r.text


async def test_invite_into_full_group_says_full(guild, bot):
    await create(guild.alice, "Duo", max_members=2)
    await guild.bob.slash("group join", group="Duo")
    r = await guild.alice.slash("group invite", group="Duo", member=guild.carol)
    assert r.ephemeral and "full" in r.text
    assert int(guild.role("Duo")["id"]) not in guild.member_roles(guild.carol)

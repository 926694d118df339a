"""Acceptance checks of groups and their settings (docs/rules.md, "Groups"), written from
the rules alone and driven the way a new user would: slash commands with typed names,
buttons found by their label, `/config` through its commands (docs/testing.md)."""

from __future__ import annotations

import pytest

from tests.emulator import permissions as perms
from tests.support.restart import before_ready, restart

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups")

VIEW = perms.bit("VIEW_CHANNEL")
SEND = perms.bit("SEND_MESSAGES")


def buttons(message: dict | None) -> dict[str, str]:
    """label → custom_id of every button on a message."""
    return {
        c["label"]: c["custom_id"]
        for row in (message or {}).get("components") or []
        for c in row.get("components") or []
        if c.get("type") == 2 and c.get("label")
    }


def reply_buttons(r) -> dict[str, str]:
    return buttons({"components": r.components})


def can_view(emulator, guild, user, channel: dict) -> bool:
    g = emulator.world.guilds[guild.id]
    return bool(perms.channel_permissions(g, user.id, channel) & VIEW)


def role_id(guild, name: str) -> int:
    return int(guild.role(name)["id"])


def overwrite(channel: dict, target_id: int) -> dict | None:
    return next(
        (o for o in channel["permission_overwrites"] if int(o["id"]) == int(target_id)), None
    )


async def make(user, name: str, **options):
    options.setdefault("description", f"All about {name}")
    return await user.slash("group create", name=name, **options)


async def set_manager_role(guild):
    r = await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    assert r.ephemeral and str(guild.manager_role_id) in r.text, r.text


def all_messages(guild) -> list[dict]:
    return [m for c in guild.channels() if c["type"] == 0 for m in guild.messages(c["id"])]


# -- /group create --------------------------------------------------------------------


async def test_create_by_slash_with_name_option(guild, bot):
    r = await guild.alice.slash("group create", name="Book Club", description="We read books")
    assert r.ephemeral
    role = guild.role("Book Club")
    assert role["name"] == "Book Club"
    assert int(role["permissions"]) == 0 and not role["hoist"]
    channel = guild.channel("book-club")
    assert channel["type"] == 0
    assert role_id(guild, "Book Club") in guild.member_roles(guild.alice)


async def test_create_refusals_are_ephemeral_and_leave_nothing(guild, bot):
    await make(guild.alice, "Book Club")
    roles, channels = len(guild.roles()), len(guild.channels())
    for options in (
        dict(name="BOOK club"),
        dict(name="Runners", max_members=1),
        dict(name="Runners", max_members=26),
        dict(name="Runners", timezone="Mars/Olympus"),
    ):
        r = await make(guild.bob, **options)
        assert r.ephemeral and r.text, options
    assert len(guild.roles()) == roles and len(guild.channels()) == channels


async def test_default_max_members_comes_from_config(guild, bot):
    await guild.admin.slash("config groups", max_size=3)
    await make(guild.alice, "Trio")
    info = await guild.bob.slash("group info", group="Trio")
    assert "1/3" in info.text
    r = await make(guild.bob, "Big", max_members=4)
    assert r.ephemeral and "3" in r.text
    with pytest.raises(LookupError):
        guild.role("Big")


# -- joining --------------------------------------------------------------------------


async def test_join_full_group_says_full(guild, bot):
    await make(guild.alice, "Duo", max_members=2)
    await guild.bob.slash("group join", group="duo")
    r = await guild.carol.slash("group join", group="Duo")
    assert r.ephemeral and "full" in r.text.lower()
    assert role_id(guild, "Duo") not in guild.member_roles(guild.carol)


async def test_join_request_reaches_leaders_with_approve_and_deny(emulator, guild, bot):
    await make(guild.alice, "Quiet Readers", visibility="request")
    r = await guild.bob.slash("group join", group="quiet readers")
    assert r.ephemeral
    assert role_id(guild, "Quiet Readers") not in guild.member_roles(guild.bob)
    posted = guild.messages(guild.channel("quiet-readers")["id"])[-1]
    assert guild.bob.mention in posted["content"] or "bob" in posted["content"]
    found = buttons(posted)
    assert "Approve" in found and "Deny" in found
    refused = await guild.carol.click(posted, found["Approve"])
    assert refused.ephemeral
    assert role_id(guild, "Quiet Readers") not in guild.member_roles(guild.bob)
    await guild.alice.click(posted, found["Approve"])
    assert role_id(guild, "Quiet Readers") in guild.member_roles(guild.bob)
    settled = guild.message(int(posted["id"]))
    assert not buttons(settled) and "approved" in settled["content"]
    assert role_id(guild, "Quiet Readers") in guild.member_roles(guild.bob)


async def test_request_message_never_pings(emulator, guild, bot):
    await make(guild.alice, "Quiet", visibility="request")
    emulator.reset_requests()
    await guild.bob.slash("group join", group="Quiet")
    sent = [
        r
        for r in emulator.find_requests("POST", r"/channels/\d+/messages$")
        if "asks" in ((r.json or {}).get("content") or "")
    ]
    assert sent
    mentions = sent[0].json.get("allowed_mentions")
    assert mentions is not None and not mentions.get("parse") and not mentions.get("users")


async def test_denied_request_leaves_requester_out_and_can_ask_again(guild, bot):
    await make(guild.alice, "Quiet", visibility="request")
    await guild.bob.slash("group join", group="Quiet")
    posted = guild.messages(guild.channel("quiet")["id"])[-1]
    await guild.alice.click(posted, buttons(posted)["Deny"])
    assert role_id(guild, "Quiet") not in guild.member_roles(guild.bob)
    again = await guild.bob.slash("group join", group="Quiet")
    assert again.ephemeral
    assert len([m for m in guild.messages(guild.channel("quiet")["id"]) if buttons(m)]) >= 1


async def test_invite_only_group_refuses_join_and_leader_invites(guild, bot):
    await make(guild.alice, "Secret", visibility="invite")
    r = await guild.bob.slash("group join", group="SECRET")
    assert r.ephemeral and "invite" in r.text.lower()
    r = await guild.alice.slash("group invite", group="secret", member=guild.bob)
    assert role_id(guild, "Secret") in guild.member_roles(guild.bob)


# -- leaving, leaders -----------------------------------------------------------------


async def test_leave_and_last_leader(guild, bot):
    await make(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    r = await guild.alice.slash("group leave", group="book club")
    assert r.ephemeral and "leader" in r.text
    assert role_id(guild, "Book Club") in guild.member_roles(guild.alice)
    await guild.alice.slash("group promote", group="BOOK CLUB", member=guild.bob)
    await guild.alice.slash("group leave", group="Book Club")
    assert role_id(guild, "Book Club") not in guild.member_roles(guild.alice)
    r = await guild.bob.slash("group demote", group="book club", member=guild.bob)
    assert r.ephemeral


async def test_members_may_not_manage(guild, bot):
    await make(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    for command, options in (
        ("group invite", dict(member=guild.carol)),
        ("group kick", dict(member=guild.alice)),
        ("group promote", dict(member=guild.bob)),
        ("group demote", dict(member=guild.alice)),
        ("group edit", dict(description="mine now")),
        ("group archive", {}),
        ("group delete", {}),
    ):
        r = await guild.bob.slash(command, group="Book Club", **options)
        assert r.ephemeral and "leader" in r.text.lower(), command
        assert not reply_buttons(r).get("Delete")
    assert guild.role("Book Club")


# -- list, info -----------------------------------------------------------------------


async def test_list_and_info_show_the_details(guild, bot):
    await make(guild.alice, "Book Club", description="We read books", max_members=10)
    await make(guild.bob, "Chess", description="Knights", visibility="request")
    r = await guild.carol.slash("group list")
    text = r.text
    for word in ("Book Club", "We read books", "1/10", "open", "Chess", "request"):
        assert word in text, word
    assert guild.alice.mention in text or "alice" in text
    info = await guild.carol.slash("group info", group="chess")
    for word in ("Chess", "Knights", "1/25", "request"):
        assert word in info.text, word
    assert guild.bob.mention in info.text


# -- edit, archive, restore, delete ---------------------------------------------------


async def test_edit_renames_role_and_channel(guild, bot):
    await make(guild.alice, "Book Club")
    await guild.alice.slash("group edit", group="book club", name="Reading Circle")
    assert guild.role("Reading Circle")
    assert guild.channel("reading-circle")
    info = await guild.bob.slash("group info", group="reading circle")
    assert "Reading Circle" in info.text


async def test_archive_then_restore(guild, bot):
    await make(guild.alice, "Book Club")
    rid = role_id(guild, "Book Club")
    await guild.alice.slash("group archive", group="BOOK CLUB")
    channel = guild.channel("book-club")
    ow = overwrite(channel, rid)
    assert ow is not None and int(ow["deny"]) & SEND
    assert guild.channel(int(channel["parent_id"]))["name"] != "Groups"
    assert guild.role("Book Club")
    r = await guild.alice.slash("group archive", group="Book Club")
    assert r.ephemeral and "already" in r.text
    await guild.alice.slash("group restore", group="book club")
    channel = guild.channel("book-club")
    assert not int(overwrite(channel, rid)["deny"]) & SEND


async def test_delete_asks_with_delete_button(guild, bot):
    await make(guild.alice, "Book Club", voice=True)
    r = await guild.alice.slash("group delete", group="book club")
    assert r.ephemeral and "Delete" in reply_buttons(r)
    assert guild.role("Book Club")
    assert [c for c in guild.channels() if c["name"] in ("book-club", "Book Club")]
    await guild.alice.click(r, reply_buttons(r)["Delete"])
    assert not [x for x in guild.roles() if x["name"] == "Book Club"]
    assert not [c for c in guild.channels() if c["name"] in ("book-club", "Book Club")]
    r = await guild.alice.slash("group info", group="Book Club")
    assert r.ephemeral


# -- community managers ---------------------------------------------------------------


async def test_manager_sees_every_group_channel_even_older_ones(emulator, guild, bot):
    await make(guild.alice, "Old Group")
    await set_manager_role(guild)
    await make(guild.bob, "New Group")
    for name in ("old-group", "new-group"):
        channel = guild.channel(name)
        assert can_view(emulator, guild, guild.manager, channel), name
        assert not can_view(emulator, guild, guild.carol, channel), name


async def test_manager_manages_any_group(guild, bot):
    await make(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    r = await guild.manager.slash("group kick", group="Book Club", member=guild.bob)
    assert r.ephemeral  # not a manager yet: refused
    assert role_id(guild, "Book Club") in guild.member_roles(guild.bob)
    await set_manager_role(guild)
    await guild.manager.slash("group kick", group="book club", member=guild.bob)
    assert role_id(guild, "Book Club") not in guild.member_roles(guild.bob)
    await guild.manager.slash("group invite", group="book club", member=guild.carol)
    assert role_id(guild, "Book Club") in guild.member_roles(guild.carol)
    await guild.manager.slash("group edit", group="book club", description="Managed")
    await guild.manager.slash("group promote", group="book club", member=guild.carol)
    info = await guild.dave.slash("group info", group="Book Club")
    assert "Managed" in info.text and guild.carol.mention in info.text
    r = await guild.manager.slash("group delete", group="book club")
    await guild.manager.click(r, reply_buttons(r)["Delete"])
    assert not [x for x in guild.roles() if x["name"] == "Book Club"]


# -- /config groups -------------------------------------------------------------------


async def test_config_category_is_used(emulator, guild, start_bot):
    g = emulator.world.guilds[guild.id]
    clubs = emulator.new_channel(g, "Clubs", 4)
    await start_bot()
    await guild.admin.slash("config groups", category=int(clubs["id"]))
    await make(guild.alice, "Book Club")
    assert int(guild.channel("book-club")["parent_id"]) == int(clubs["id"])


async def test_config_category_made_after_start_is_used(emulator, guild, bot):
    g = emulator.world.guilds[guild.id]
    clubs = emulator.new_channel(g, "Clubs", 4)
    await emulator.dispatch("CHANNEL_CREATE", clubs)
    await emulator.settle()
    await guild.admin.slash("config groups", category=int(clubs["id"]))
    await make(guild.alice, "Book Club")
    assert int(guild.channel("book-club")["parent_id"]) == int(clubs["id"])


async def test_config_creation_managers(guild, bot):
    await guild.admin.slash("config groups", creation="managers")
    await set_manager_role(guild)
    r = await make(guild.alice, "Book Club")
    assert r.ephemeral and "manager" in r.text.lower()
    with pytest.raises(LookupError):
        guild.role("Book Club")
    await make(guild.manager, "Book Club")
    assert guild.role("Book Club")


async def test_config_creation_role(guild, bot):
    creators = guild.add_member("erin", roles=[guild.manager_role_id])
    await guild.admin.slash("config groups", creation="role", creator_role=guild.manager_role_id)
    r = await make(guild.alice, "Book Club")
    assert r.ephemeral and "role" in r.text
    await make(creators, "Book Club")
    assert guild.role("Book Club")


async def test_config_creation_anyone_again(guild, bot):
    await guild.admin.slash("config groups", creation="managers")
    await guild.admin.slash("config groups", creation="anyone")
    await make(guild.alice, "Book Club")
    assert guild.role("Book Club")


async def test_config_approval(guild, bot):
    await set_manager_role(guild)
    await guild.admin.slash("config groups", approval=True)
    r = await make(guild.alice, "Book Club")
    assert r.ephemeral and "approv" in r.text.lower()
    with pytest.raises(LookupError):
        guild.role("Book Club")
    asks = [m for m in all_messages(guild) if "Approve" in buttons(m)]
    assert len(asks) == 1
    refused = await guild.bob.click(asks[0], buttons(asks[0])["Approve"])
    assert refused.ephemeral
    await guild.manager.click(asks[0], buttons(asks[0])["Approve"])
    assert role_id(guild, "Book Club") in guild.member_roles(guild.alice)
    assert guild.channel("book-club")
    r = await guild.bob.slash("group join", group="book club")
    assert role_id(guild, "Book Club") in guild.member_roles(guild.bob)


async def test_config_max_per_member(guild, bot):
    await guild.admin.slash("config groups", max_per_member=1)
    await make(guild.alice, "One")
    await make(guild.bob, "Two")
    r = await guild.alice.slash("group join", group="two")
    assert r.ephemeral
    assert role_id(guild, "Two") not in guild.member_roles(guild.alice)


async def test_config_max_size_caps_existing_groups(guild, bot):
    await make(guild.alice, "Duo")
    await guild.admin.slash("config groups", max_size=2)
    await guild.bob.slash("group join", group="Duo")
    r = await guild.carol.slash("group join", group="Duo")
    assert r.ephemeral and "full" in r.text


# -- broken groups --------------------------------------------------------------------


async def test_broken_group_info_says_repair(emulator, guild, bot):
    await make(guild.alice, "Book Club")
    await emulator.delete_role_by_hand(role_id(guild, "Book Club"))
    await emulator.settle()
    info = await guild.bob.slash("group info", group="book club")
    assert "/group repair" in info.text
    await guild.alice.slash("group repair", group="book club")
    assert role_id(guild, "Book Club") in guild.member_roles(guild.alice)
    info = await guild.bob.slash("group info", group="book club")
    assert "/group repair" not in info.text


async def test_channel_deleted_while_bot_offline_is_noticed(emulator, guild, bot, start_bot):
    await make(guild.alice, "Book Club")
    channel = int(guild.channel("book-club")["id"])
    await bot.close()
    g = emulator.world.guilds[guild.id]
    g.channels.pop(channel)
    bot = await restart(bot, start_bot)  # real ready timing: noticed before on_ready
    info = await guild.bob.slash("group info", group="Book Club")
    assert "/group repair" in info.text
    await guild.alice.slash("group repair", group="Book Club")
    assert guild.channel("book-club")
    before_ready(bot)


# -- typed names, feature switch, panel -----------------------------------------------


async def test_typed_names_in_any_case_and_spacing(guild, bot):
    await make(guild.alice, "Book Club")
    for typed in ("book club", "BOOK CLUB", "  Book   Club  "):
        r = await guild.bob.slash("group info", group=typed)
        assert "Book Club" in r.text and "no group" not in r.text, typed
    await guild.bob.slash("group join", group="bOoK cLuB")
    assert role_id(guild, "Book Club") in guild.member_roles(guild.bob)
    choices = await guild.bob.autocomplete("group leave", "group", "book")
    assert [c["name"] for c in choices] == ["Book Club"]
    await guild.bob.slash("group leave", group=choices[0]["value"])
    assert role_id(guild, "Book Club") not in guild.member_roles(guild.bob)


async def test_feature_off(guild, bot):
    await guild.admin.slash("config feature", feature="groups", enabled=False)
    r = await make(guild.alice, "Book Club")
    assert r.ephemeral and "**off**" in r.text
    r = await guild.alice.slash("group list")
    assert r.ephemeral and "**off**" in r.text


async def test_leader_posts_panel_and_join_button_works(guild, bot):
    await make(guild.alice, "Book Club")
    r = await guild.alice.slash("group panel")
    assert r.ephemeral
    panel = guild.messages(guild.general)[-1]
    join = next(cid for label, cid in buttons(panel).items() if "Join" in label)
    joined = await guild.bob.click(panel, join)
    assert joined.ephemeral
    assert role_id(guild, "Book Club") in guild.member_roles(guild.bob)


# -- second looks ---------------------------------------------------------------------


async def test_refused_edit_changes_nothing(guild, bot):
    await make(guild.alice, "Book Club")
    r = await guild.alice.slash(
        "group edit", group="Book Club", name="Readers", timezone="Mars/Olympus"
    )
    assert r.ephemeral
    assert guild.role("Book Club") and guild.channel("book-club")
    info = await guild.bob.slash("group info", group="Book Club")
    assert "Book Club" in info.text


async def test_timezone_typed_in_lower_case_is_stored_properly(guild, bot):
    await make(guild.alice, "Berliners", timezone="europe/berlin")
    info = await guild.bob.slash("group info", group="Berliners")
    assert "Europe/Berlin" in info.text


async def test_join_request_names_the_requester(guild, bot):
    await make(guild.alice, "Quiet", visibility="request")
    await guild.bob.slash("group join", group="Quiet")
    posted = guild.messages(guild.channel("quiet")["id"])[-1]
    # Named once: the mention, which Discord shows as the member's name.
    assert posted["content"].count(str(guild.bob.id)) == 1 and "bob" not in posted["content"]


async def test_changing_the_manager_role_moves_the_view(emulator, guild, bot):
    g = emulator.world.guilds[guild.id]
    helpers = emulator.new_role(g, "Helpers", 0)
    await emulator.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": helpers})
    erin = guild.add_member("erin", roles=[int(helpers["id"])])
    await emulator.settle()
    await set_manager_role(guild)
    await make(guild.alice, "Book Club")
    channel = guild.channel("book-club")
    assert can_view(emulator, guild, guild.manager, channel)
    await guild.admin.slash("config manager-role", role=int(helpers["id"]))
    channel = guild.channel("book-club")
    assert can_view(emulator, guild, erin, channel)
    assert not can_view(emulator, guild, guild.manager, channel)


async def test_only_the_asker_confirms_delete(guild, bot):
    await make(guild.alice, "Book Club")
    r = await guild.alice.slash("group delete", group="Book Club")
    other = await guild.bob.click(r, reply_buttons(r)["Delete"])
    assert other.ephemeral
    assert guild.role("Book Club")


async def test_archived_group_refuses_joins(guild, bot):
    await make(guild.alice, "Book Club")
    await guild.alice.slash("group archive", group="Book Club")
    r = await guild.bob.slash("group join", group="Book Club")
    assert r.ephemeral and "archived" in r.text
    assert role_id(guild, "Book Club") not in guild.member_roles(guild.bob)


async def test_restart_keeps_healthy_groups_whole(guild, bot, start_bot):
    await make(guild.alice, "Book Club", voice=True)
    bot = await restart(bot, start_bot)  # real ready timing: asked before on_ready
    info = await guild.bob.slash("group info", group="Book Club")
    assert "/group repair" not in info.text and "broken" not in info.text
    await guild.bob.slash("group join", group="Book Club")
    assert role_id(guild, "Book Club") in guild.member_roles(guild.bob)
    before_ready(bot)


async def test_a_deleted_groups_name_can_be_used_again(guild, bot):
    await make(guild.alice, "Book Club")
    r = await guild.alice.slash("group delete", group="Book Club")
    await guild.alice.click(r, reply_buttons(r)["Delete"])
    r = await make(guild.bob, "book club")
    assert guild.role("book club") and guild.channel("book-club")
    info = await guild.carol.slash("group info", group="Book Club")
    assert "/group repair" not in info.text and guild.bob.mention in info.text


async def test_missing_manage_roles_is_named_on_join_and_delete(emulator, guild, bot):
    await make(guild.alice, "Book Club")
    await emulator.deny_bot_permission(guild.id, "MANAGE_ROLES")
    await emulator.settle()
    r = await guild.bob.slash("group join", group="Book Club")
    assert r.ephemeral and "Manage Roles" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM group_members") == 1
    r = await guild.alice.slash("group delete", group="Book Club")
    assert r.ephemeral and "Manage Roles" in r.text and "Delete" not in reply_buttons(r)
    assert guild.role("Book Club")


async def test_leave_without_manage_roles_keeps_everything(emulator, guild, bot):
    await make(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    await guild.alice.slash("group promote", group="Book Club", member=guild.bob)
    await emulator.deny_bot_permission(guild.id, "MANAGE_ROLES")
    await emulator.settle()
    r = await guild.bob.slash("group leave", group="Book Club")
    assert r.ephemeral and "Manage Roles" in r.text
    info = await guild.carol.slash("group info", group="Book Club")
    assert "2/25" in info.text and guild.bob.mention in info.text
    assert role_id(guild, "Book Club") in guild.member_roles(guild.bob)


async def test_config_category_unknown_to_the_cache_is_still_used(emulator, guild, bot):
    g = emulator.world.guilds[guild.id]
    clubs = emulator.new_channel(g, "Clubs", 4)  # no CHANNEL_CREATE: the bot's cache lags
    await bot.config.set(guild.id, "groups.category", int(clubs["id"]))
    await make(guild.alice, "Book Club")
    assert int(guild.channel("book-club")["parent_id"]) == int(clubs["id"])
    assert await bot.config.get(guild.id, "groups.category") == int(clubs["id"])


async def test_approving_someone_who_left_says_so(emulator, guild, bot):
    await make(guild.alice, "Quiet", visibility="request")
    await guild.bob.slash("group join", group="Quiet")
    posted = guild.messages(guild.channel("quiet")["id"])[-1]
    emulator.inject(
        "PUT",
        r"/members/\d+/roles/\d+$",
        status=404,
        body={"message": "Unknown Member", "code": 10007},
    )
    r = await guild.alice.click(posted, buttons(posted)["Approve"])
    assert r.ephemeral and "isn't on this server" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM group_members") == 1
    assert "Approve" in buttons(guild.message(int(posted["id"])))


async def test_approving_into_a_full_group_says_full_to_the_leader(guild, bot):
    await make(guild.alice, "Duo", visibility="request", max_members=2)
    await guild.bob.slash("group join", group="Duo")
    await guild.alice.slash("group invite", group="Duo", member=guild.carol)
    posted = guild.messages(guild.channel("duo")["id"])[-1]
    r = await guild.alice.click(posted, buttons(posted)["Approve"])
    assert r.ephemeral and "full" in r.text
    assert role_id(guild, "Duo") not in guild.member_roles(guild.bob)


async def test_group_approval_without_manage_roles_is_refused_plainly(emulator, guild, bot):
    await guild.admin.slash("config groups", approval=True)
    await make(guild.alice, "Book Club")
    ask = next(m for m in all_messages(guild) if "Approve" in buttons(m))
    await emulator.deny_bot_permission(guild.id, "MANAGE_ROLES")
    await emulator.settle()
    r = await guild.admin.click(ask, buttons(ask)["Approve"])
    assert r.ephemeral and "Manage Roles" in r.text
    assert "Approve" in buttons(guild.message(int(ask["id"])))

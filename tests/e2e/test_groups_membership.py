"""Joining, leaving, requests, invitations, kicks, leaders, the waitlist, autocomplete."""

from __future__ import annotations

import pytest

from tests.support.groups import create, group_id
from tests.support.restart import before_ready, restart

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups")


def role_id(guild, name: str) -> int:
    return int(guild.role(name)["id"])


async def test_join_open_group_gives_role_with_one_call(emulator, guild, bot):
    await create(guild.alice, "Book Club")
    emulator.reset_requests()
    r = await guild.bob.slash("group join", group="Book Club")
    assert r.ephemeral and "joined" in r.text
    assert role_id(guild, "Book Club") in guild.member_roles(guild.bob)
    assert emulator.count_requests("PUT", r"/members/\d+/roles/\d+$") == 1
    again = await guild.bob.slash("group join", group="book club")
    assert again.ephemeral and "already" in again.text


async def test_leave_removes_role(guild, bot):
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    r = await guild.bob.slash("group leave", group="Book Club")
    assert "left" in r.text
    assert role_id(guild, "Book Club") not in guild.member_roles(guild.bob)
    r = await guild.bob.slash("group leave", group="Book Club")
    assert r.ephemeral and "not in" in r.text


async def test_last_leader_must_hand_over(guild, bot):
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    r = await guild.alice.slash("group leave", group="Book Club")
    assert r.ephemeral and "last leader" in r.text and "/group promote" in r.text
    await guild.alice.slash("group promote", group="Book Club", member=guild.bob)
    r = await guild.alice.slash("group leave", group="Book Club")
    assert "left" in r.text


async def test_full_group_refuses_and_offers_waitlist(guild, bot):
    await create(guild.alice, "Duo", max_members=2)
    await guild.bob.slash("group join", group="Duo")
    r = await guild.carol.slash("group join", group="Duo")
    assert r.ephemeral and "full" in r.text
    assert "huddle:groups:waitlist:" in r.custom_ids()[0]
    w = await guild.carol.click(r, r.custom_ids()[0])
    assert "waitlist" in w.text and "position 1" in w.text
    await guild.bob.slash("group leave", group="Duo")
    assert role_id(guild, "Duo") in guild.member_roles(guild.carol)
    assert any("you're in" in m["content"] for m in guild.carol.dm_messages())


async def test_max_members_is_capped_by_config(guild, bot):
    await bot.config.set(guild.id, "groups.max_size", 10)
    r = await create(guild.alice, "Big", max_members=11)
    assert r.ephemeral and "at most 10" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_groups_per_member_limit(guild, bot):
    await bot.config.set(guild.id, "groups.max_per_member", 1)
    await create(guild.alice, "One")
    await create(guild.bob, "Two")
    r = await guild.alice.slash("group join", group="Two")
    assert r.ephemeral and "1 group" in r.text
    r = await create(guild.alice, "Three")
    assert r.ephemeral and "Leave one" in r.text


async def test_request_group_posts_approve_deny_to_leaders(guild, bot):
    await create(guild.alice, "Quiet", visibility="request")
    r = await guild.bob.slash("group join", group="Quiet")
    assert r.ephemeral and "Asked the leaders" in r.text
    channel = guild.channel("quiet")
    posted = guild.messages(channel["id"])[-1]
    assert guild.bob.mention in posted["content"]
    ids = [c["custom_id"] for row in posted["components"] for c in row["components"]]
    labels = [c["label"] for row in posted["components"] for c in row["components"]]
    assert labels == ["Approve", "Deny"]
    refused = await guild.carol.click(posted, ids[0])
    assert refused.ephemeral and "leaders" in refused.text
    await guild.alice.click(posted, ids[0])
    assert role_id(guild, "Quiet") in guild.member_roles(guild.bob)
    assert "approved" in guild.message(int(posted["id"]))["content"]


async def test_request_denied(guild, bot):
    await create(guild.alice, "Quiet", visibility="request")
    await guild.bob.slash("group join", group="Quiet")
    posted = guild.messages(guild.channel("quiet")["id"])[-1]
    deny = posted["components"][0]["components"][1]["custom_id"]
    await guild.alice.click(posted, deny)
    assert role_id(guild, "Quiet") not in guild.member_roles(guild.bob)
    assert "denied" in guild.message(int(posted["id"]))["content"]


async def test_request_buttons_survive_restart(guild, bot, start_bot):
    await create(guild.alice, "Quiet", visibility="request")
    await guild.bob.slash("group join", group="Quiet")
    posted = guild.messages(guild.channel("quiet")["id"])[-1]
    approve = posted["components"][0]["components"][0]["custom_id"]
    bot = await restart(bot, start_bot)  # real ready timing: click before on_ready
    await guild.alice.click(posted, approve)
    assert role_id(guild, "Quiet") in guild.member_roles(guild.bob)
    before_ready(bot)


async def test_invite_only(guild, bot):
    await create(guild.alice, "Secret", visibility="invite")
    r = await guild.bob.slash("group join", group="Secret")
    assert r.ephemeral and "invite-only" in r.text
    r = await guild.carol.slash("group invite", group="Secret", member=guild.bob)
    assert r.ephemeral and "leaders" in r.text
    r = await guild.alice.slash("group invite", group="Secret", member=guild.bob)
    assert guild.bob.mention in r.text
    assert role_id(guild, "Secret") in guild.member_roles(guild.bob)
    assert any("Secret" in m["content"] for m in guild.bob.dm_messages())


async def test_kick_by_leader_and_refused_for_others(emulator, guild, bot):
    log = guild.channel("general")["id"]
    await bot.config.set(guild.id, "log_channel", int(log))
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    await guild.carol.slash("group join", group="Book Club")
    r = await guild.carol.slash("group kick", group="Book Club", member=guild.bob)
    assert r.ephemeral and "leaders" in r.text
    r = await guild.alice.slash("group kick", group="Book Club", member=guild.bob)
    assert "removed" in r.text
    assert role_id(guild, "Book Club") not in guild.member_roles(guild.bob)
    assert any("kicked" in m["content"] for m in guild.messages(log))
    r = await guild.alice.slash("group kick", group="Book Club", member=guild.dave)
    assert r.ephemeral and "isn't in" in r.text


async def test_promote_demote(guild, bot):
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    r = await guild.bob.slash("group promote", group="Book Club", member=guild.bob)
    assert r.ephemeral and "leaders" in r.text
    await guild.alice.slash("group promote", group="Book Club", member=guild.bob)
    info = await guild.dave.slash("group info", group="Book Club")
    assert guild.bob.mention in info.text
    # A co-leader can't demote the creator; the creator may step down.
    r = await guild.bob.slash("group demote", group="Book Club", member=guild.alice)
    assert r.ephemeral and "created this group" in r.text, r.text
    r = await guild.alice.slash("group demote", group="Book Club", member=guild.alice)
    assert "no longer a leader" in r.text
    r = await guild.bob.slash("group demote", group="Book Club", member=guild.bob)
    assert r.ephemeral and "at least one leader" in r.text
    r = await guild.bob.slash("group promote", group="Book Club", member=guild.carol)
    assert r.ephemeral and "isn't in" in r.text


async def test_manager_can_manage_any_group(guild, bot):
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    r = await guild.manager.slash("group kick", group="Book Club", member=guild.bob)
    assert "removed" in r.text
    choices = await guild.manager.autocomplete("group kick", "group", "bo")
    assert [c["name"] for c in choices] == ["Book Club"]


async def test_autocomplete_scopes(guild, bot):
    await create(guild.alice, "Book Club")
    await create(guild.alice, "Boardgames", visibility="invite")
    joinable = await guild.bob.autocomplete("group join", "group", "bo")
    assert [c["name"] for c in joinable] == ["Book Club"]
    assert joinable[0]["value"] == str(await group_id(bot, "Book Club"))
    assert await guild.bob.autocomplete("group leave", "group", "") == []
    led = await guild.alice.autocomplete("group edit", "group", "")
    assert [c["name"] for c in led] == ["Boardgames", "Book Club"]
    assert await guild.bob.autocomplete("group edit", "group", "") == []


async def test_unknown_group_is_refused(guild, bot):
    r = await guild.bob.slash("group join", group="Nope")
    assert r.ephemeral and "no group called" in r.text


async def test_disabled_feature_answers_off(guild, bot):
    await guild.admin.slash("config feature", feature="groups", enabled=False)
    r = await guild.bob.slash("group list")
    assert r.ephemeral and "**off**" in r.text
    await bot.config.set(guild.id, "feature.groups", True)
    r = await guild.bob.slash("group list")
    assert "No groups yet" in r.text

"""A group is private, for polls: a group poll — question, options,
counts — is shown only to the group's members, leaders, managers and admins, through
every command and the poll: autocomplete. An outsider naming it gets the very reply a poll
that does not exist gets."""

from __future__ import annotations

import pytest

from tests.support.polls import A, B, last_poll, make_group, poll_text, quiet

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")


async def group_poll(bot, guild, emulator) -> tuple[int, int]:
    """A public poll and a poll of a group (alice leads, bob is a member); dave is out."""
    gid = await make_group(bot, guild, "Secret Club", guild.general, [guild.alice.id, guild.bob.id])
    await guild.carol.slash("poll create", question="Public day?", options="Mon;Tue")
    r = await guild.alice.slash(
        "poll create", question="Secret book?", options="Dune;Emma", group=str(gid)
    )
    assert "posted" in r.text.lower(), r.text
    message = last_poll(guild)
    mid = int(message["id"])
    await guild.bob.react(mid, A)
    await quiet(bot, emulator)
    poll_id = int(message["embeds"][0]["footer"]["text"].removeprefix("Poll #"))
    return poll_id, mid


def missing(text: str) -> str:
    return f"There is no poll `{text}`. `/poll list` shows the polls."


@pytest.mark.parametrize("command", ["poll results", "poll recount", "poll close"])
async def test_outsider_naming_a_group_poll_gets_not_found(guild, bot, emulator, command):
    poll_id, mid = await group_poll(bot, guild, emulator)
    for text in (str(poll_id), f"#{poll_id}", "Secret book?", "SECRET   BOOK?"):
        r = await guild.dave.slash(command, poll=text)
        assert r.ephemeral and r.text == missing(text), (text, r.text)
        assert "Dune" not in r.text and "1 vote" not in r.text
    r = await guild.dave.slash(command, poll="#999")  # a poll that does not exist at all
    assert r.text == missing("#999")
    assert "[Closed]" not in poll_text(guild.message(mid))  # nothing happened to it


async def test_autocomplete_and_list_hide_group_polls_from_outsiders(guild, bot, emulator):
    poll_id, _ = await group_poll(bot, guild, emulator)
    for command in ("poll results", "poll close", "poll recount"):
        for typed in ("", "Secret", "book"):
            names = [c["name"] for c in await guild.dave.autocomplete(command, "poll", typed)]
            assert not any("Secret" in n for n in names), (command, typed, names)
        names = [c["name"] for c in await guild.dave.autocomplete(command, "poll", "day")]
        assert names == ["Public day?"]
    seen = [c["value"] for c in await guild.bob.autocomplete("poll results", "poll", "Secret")]
    assert seen == [str(poll_id)]
    seen = [c["value"] for c in await guild.admin.autocomplete("poll results", "poll", "Secret")]
    assert seen == [str(poll_id)]
    r = await guild.dave.slash("poll list")
    assert "Public day?" in r.text and "Secret book?" not in r.text
    r = await guild.bob.slash("poll list")
    assert "Public day?" in r.text and "Secret book?" in r.text


async def test_members_and_admins_see_a_group_poll(guild, bot, emulator):
    poll_id, _ = await group_poll(bot, guild, emulator)
    r = await guild.bob.slash("poll results", poll="Secret book?")
    assert "Dune — 1 vote" in r.text
    r = await guild.admin.slash("poll results", poll=str(poll_id))
    assert "Dune — 1 vote" in r.text


async def test_recount_is_for_creator_leaders_and_managers(guild, bot, emulator):
    poll_id, _ = await group_poll(bot, guild, emulator)
    r = await guild.bob.slash("poll recount", poll=str(poll_id))  # a member, not a leader
    assert r.ephemeral and "creator" in r.text and "Recounted" not in r.text
    r = await guild.carol.slash("poll recount", poll="Public day?")  # its creator
    assert "Recounted" in r.text
    r = await guild.alice.slash("poll recount", poll="Public day?")  # neither
    assert "creator" in r.text and "Recounted" not in r.text
    r = await guild.alice.slash("poll recount", poll=str(poll_id))  # the group's leader
    assert "Recounted" in r.text and "Dune — 1 vote" in r.text


async def test_non_member_reactions_are_removed_and_not_counted(guild, bot, emulator):
    poll_id, mid = await group_poll(bot, guild, emulator)
    await guild.dave.react(mid, B)
    await quiet(bot, emulator)
    assert guild.dave.id not in guild.reactions(mid)[B]
    votes = await bot.store.fetchall("SELECT user_id FROM poll_votes WHERE poll_id = ?", (poll_id,))
    assert [v["user_id"] for v in votes] == [guild.bob.id]
    r = await guild.alice.slash("poll close", poll=str(poll_id))
    assert "Winner: Dune" in r.text and "1 vote" in r.text


async def test_closed_group_poll_suggestions_follow_closing_and_membership(guild, bot, emulator):
    """Closed polls are suggested from the store's memory of searches: a poll
    that closes is suggested as closed at once, and one a member can no longer see (they
    left the group) is no longer suggested to them, although the search was remembered."""
    poll_id, _ = await group_poll(bot, guild, emulator)
    before = await guild.bob.autocomplete("poll results", "poll", "Secret")
    assert [c["name"] for c in before] == ["Secret book?"]  # open, from the engine
    assert await guild.bob.autocomplete("poll results", "poll", "Secret") == before
    r = await guild.alice.slash("poll close", poll=str(poll_id))
    assert r.ephemeral
    await quiet(bot, emulator)
    after = await guild.bob.autocomplete("poll results", "poll", "Secret")
    assert [c["name"] for c in after] == ["Secret book? (closed)"]
    await bot.store.execute("DELETE FROM group_members WHERE user_id = ?", (guild.bob.id,))
    assert await guild.bob.autocomplete("poll results", "poll", "Secret") == []
    seen = await guild.admin.autocomplete("poll results", "poll", "Secret")
    assert [c["value"] for c in seen] == [str(poll_id)]

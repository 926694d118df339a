"""Polls end to end: creating, validation, voting by reaction, permissions, closing."""

from __future__ import annotations

import re

import pytest

from tests.support.channels import staff_channel
from tests.support.polls import (
    A,
    B,
    C,
    D,
    fast_edits,
    last_poll,
    make_group,
    poll_count,
    poll_text,
    quiet,
)

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")


@pytest.fixture(autouse=True)
def _fast_edits(bot):
    fast_edits(bot)


async def test_create_posts_embed_with_one_reaction_per_option(guild, bot):
    r = await guild.alice.slash(
        "poll create", question="Which book?", options="Dune; Emma; Ulysses"
    )
    assert r.ephemeral and "posted" in r.text
    poll = last_poll(guild)
    assert list(guild.reactions(int(poll["id"]))) == [A, B, C]
    assert all(users == [guild.bot_id] for users in guild.reactions(int(poll["id"])).values())
    text = poll_text(poll)
    assert "Which book?" in text and "Dune" in text and "Ulysses" in text
    assert text.count("0 votes") == 3  # the bot's own reactions never count
    assert "everyone" in text


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ("Just one", "2–20 options separated by `;`"),
        (";".join(f"o{i}" for i in range(21)), "2–20 options separated by `;`"),
        ("A;;B", "empty"),
        ("Dune; dune", "twice"),
    ],
)
async def test_bad_options_refused_with_the_rule(guild, bot, options, words):
    r = await guild.alice.slash("poll create", question="Q?", options=options)
    assert r.ephemeral and words in r.text
    assert last_poll(guild) is None
    assert await poll_count(bot) == 0


async def test_closes_in_the_past_refused_and_future_shown_as_timestamps(guild, bot, clock):
    r = await guild.alice.slash("poll create", question="Q?", options="A;B", closes="2020-01-01")
    assert r.ephemeral and "past" in r.text
    assert await poll_count(bot) == 0
    await guild.alice.slash("poll create", question="Q?", options="A;B", closes="3d")
    due = int(clock.now() + 3 * 86400)
    text = poll_text(last_poll(guild))
    assert f"<t:{due}:F>" in text and f"<t:{due}:R>" in text
    jobs = await bot.scheduler.pending("poll.close")
    assert [(j.key, int(j.due_at)) for j in jobs] == [("poll:1", due)]


async def test_votes_by_several_members_are_counted(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Q?", options="Dune; Emma; Ulysses")
    mid = int(last_poll(guild)["id"])
    await guild.alice.react(mid, A)
    await guild.bob.react(mid, A)
    await guild.carol.react(mid, B)
    await quiet(bot, emulator)
    text = poll_text(guild.message(mid))
    assert "Dune — 2 votes" in text and "Emma — 1 vote\n" in text
    assert "Ulysses — 0 votes" in text
    await guild.bob.unreact(mid, A)
    await quiet(bot, emulator)
    assert "Dune — 1 vote\n" in poll_text(guild.message(mid))


async def test_single_choice_moves_the_vote_and_removes_the_old_reaction(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Q?", options="A;B;C")
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, A)
    await guild.bob.react(mid, C)
    await quiet(bot, emulator)
    reactions = guild.reactions(mid)
    assert guild.bob.id not in reactions[A] and guild.bob.id in reactions[C]
    text = poll_text(guild.message(mid))
    assert "— 0 votes" in text and text.count("1 vote\n") == 1


async def test_max_choices_removes_the_extra_reaction(guild, bot, emulator):
    await guild.alice.slash(
        "poll create", question="Q?", options="A;B;C;D", multiple=True, max_choices=2
    )
    mid = int(last_poll(guild)["id"])
    for emoji in (A, B, C):
        await guild.bob.react(mid, emoji)
    await quiet(bot, emulator)
    reactions = guild.reactions(mid)
    assert guild.bob.id in reactions[A] and guild.bob.id in reactions[B]
    assert guild.bob.id not in reactions[C]
    assert "up to 2" in poll_text(guild.message(mid))


async def test_non_option_emoji_removed(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Q?", options="A;B")
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, "👍")
    await guild.bob.react(mid, D)
    await quiet(bot, emulator)
    assert "👍" not in guild.reactions(mid) and D not in guild.reactions(mid)


async def test_group_poll_only_counts_members(guild, bot, emulator):
    channel = guild.channel("general")
    await make_group(bot, guild, "Book Club", int(channel["id"]), [guild.alice.id, guild.carol.id])
    r = await guild.bob.slash("poll create", question="Next?", options="A;B", group="Book Club")
    assert r.ephemeral and "Only members" in r.text
    r = await guild.alice.slash("poll create", question="Next?", options="A;B", group="Book Club")
    assert r.ephemeral and "posted" in r.text, r
    poll = last_poll(guild)
    mid = int(poll["id"])
    assert "Book Club" in poll_text(poll)
    await guild.alice.react(mid, A)
    await guild.bob.react(mid, B)  # not a member
    await quiet(bot, emulator)
    assert guild.bob.id not in guild.reactions(mid)[B]
    text = poll_text(guild.message(mid))
    assert "A — 1 vote\n" in text and "B — 0 votes" in text


async def test_bot_lacking_add_reactions_refused_and_nothing_left(guild, bot, emulator):
    await emulator.deny_bot_permission(guild.id, "ADD_REACTIONS")
    await emulator.settle()
    r = await guild.alice.slash("poll create", question="Q?", options="A;B")
    assert r.ephemeral and "Add Reactions" in r.text
    assert last_poll(guild) is None
    assert await poll_count(bot) == 0


async def test_close_announces_winner_keeps_counts_and_reactions(guild, bot, emulator):
    log = staff_channel(emulator, guild)
    await guild.admin.slash("config log-channel", channel=log)
    await guild.alice.slash("poll create", question="Best day?", options="Mon;Tue")
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, B)
    await guild.carol.react(mid, B)
    await guild.dave.react(mid, A)
    await quiet(bot, emulator)
    r = await guild.bob.slash("poll close", poll="Best day?")
    assert r.ephemeral and "creator" in r.text  # bob may not close alice's poll
    r = await guild.alice.slash("poll close", poll="Best day?")
    assert r.ephemeral and "Closed" in r.text
    await quiet(bot, emulator)
    text = poll_text(guild.message(mid))
    assert "closed" in text.lower() and "Tue — 2 votes" in text
    assert guild.bob.id in guild.reactions(mid)[B]  # reactions stay as a record
    contents = [m["content"] for m in guild.messages(guild.general)]
    assert any("Best day?" in c and "Winner" in c and "Tue" in c for c in contents)
    assert any("poll closed" in m["content"] for m in guild.messages(log))  # the audit line
    await guild.dave.react(mid, B)  # after close: not counted
    await quiet(bot, emulator)
    assert "Tue — 2 votes" in poll_text(guild.message(mid))


async def test_tie_announced(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Tie?", options="X;Y")
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, A)
    await guild.carol.react(mid, B)
    await quiet(bot, emulator)
    await guild.alice.slash("poll close", poll="1")
    await quiet(bot, emulator)
    assert any("tie" in m["content"] for m in guild.messages(guild.general))


async def test_hidden_results_only_for_creator_until_close(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Secret?", options="X;Y", hide_results=True)
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, A)
    await quiet(bot, emulator)
    assert "1 vote" not in poll_text(guild.message(mid))
    r = await guild.bob.slash("poll results", poll="Secret?")
    assert r.ephemeral and "hidden" in r.text
    r = await guild.alice.slash("poll results", poll="Secret?")
    assert "X — 1 vote" in r.text
    await guild.alice.slash("poll close", poll="Secret?")
    await quiet(bot, emulator)
    assert "X — 1 vote" in poll_text(guild.message(mid))
    r = await guild.bob.slash("poll results", poll="Secret?")
    assert "X — 1 vote" in r.text


async def test_recount_rebuilds_from_reactions(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Q?", options="A;B")
    mid = int(last_poll(guild)["id"])
    emulator.react_raw(mid, guild.bob.id, B)  # no gateway event: the bot missed it
    r = await guild.alice.slash("poll recount", poll="Q?")
    assert "Recounted" in r.text and f"{B} B — 1 vote" in r.text
    await quiet(bot, emulator)
    assert "B — 1 vote" in poll_text(guild.message(mid))


async def test_message_deleted_by_hand_closes_the_poll(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Gone?", options="A;B", closes="1h")
    message = last_poll(guild)
    del emulator.world.messages[int(message["id"])]
    await emulator.dispatch(
        "MESSAGE_DELETE",
        {"id": message["id"], "channel_id": message["channel_id"], "guild_id": str(guild.id)},
    )
    await quiet(bot, emulator)
    r = await guild.alice.slash("poll list")
    assert "Gone?" in r.text and "closed" in r.text
    assert await bot.scheduler.pending("poll.close") == []


async def test_list_and_autocomplete(guild, bot, emulator):
    await guild.alice.slash("poll create", question="Which book?", options="A;B")
    await guild.alice.slash("poll create", question="Which day?", options="A;B")
    r = await guild.bob.slash("poll list")
    assert "Which book?" in r.text and "Which day?" in r.text
    assert re.search(r"https://discord.com/channels/\d+/\d+/\d+", r.text)
    choices = await guild.bob.autocomplete("poll results", "poll", "book")
    assert [c["name"] for c in choices] == ["Which book?"]
    assert choices[0]["value"] == "1"


async def test_disabled_feature_answers_off(guild, bot):
    await guild.admin.slash("config feature", feature="polls", enabled=False)
    r = await guild.alice.slash("poll create", question="Q?", options="A;B")
    assert r.ephemeral and "**off**" in r.text

"""Acceptance checks of polls (docs/rules.md, "Polls", and what members see), written
from the rules alone: slash commands with typed questions, messages found by their visible
text, reactions as a member would add them (docs/testing.md, "Acceptance tests")."""

from __future__ import annotations

import re

import pytest

from tests.emulator import permissions as perms
from tests.emulator.replies import flatten
from tests.support.polls import A, B, C, D, fast_edits, make_group, poll_count, quiet

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")


@pytest.fixture(autouse=True)
def _fast_edits(bot):
    fast_edits(bot)


def text_of(message: dict | None) -> str:
    return "\n".join(flatten(message))


def poll_message(guild, question: str, channel=None) -> dict:
    """The bot's public message that shows the poll (found by its question)."""
    for message in reversed(guild.messages(channel or guild.general)):
        if message["author"]["id"] == str(guild.bot_id) and message.get("embeds"):
            if question in text_of(message):
                return message
    raise AssertionError(f"no poll message for {question!r}")


def line_with(text: str, needle: str) -> str:
    """The (first) line of the text naming an option."""
    for line in text.splitlines():
        if needle in line:
            return line
    raise AssertionError(f"no line with {needle!r} in:\n{text}")


def contents(guild, channel=None) -> list[str]:
    return [m["content"] or "" for m in guild.messages(channel or guild.general)]


async def new_channel(emulator, guild, name: str, overwrites: list[dict] | None = None) -> int:
    channel = emulator.new_channel(emulator.world.guilds[guild.id], name, 0, overwrites=overwrites)
    await emulator.dispatch("CHANNEL_CREATE", channel)
    await emulator.settle()
    return int(channel["id"])


async def create(user, question: str = "Which book?", options: str = "Dune; Emma; Ulysses", **kw):
    return await user.slash("poll create", question=question, options=options, **kw)


async def vote(guild, bot, emulator, message, *pairs) -> None:
    for user, emoji in pairs:
        await user.react(int(message["id"]), emoji)
    await quiet(bot, emulator)


# -- what the poll looks like ---------------------------------------------------------


async def test_poll_is_a_public_bot_message_with_reactions_in_option_order(guild, bot):
    r = await create(guild.alice, options="Dune; Emma; Ulysses; Beloved")
    assert r.ephemeral
    message = poll_message(guild, "Which book?")
    assert message["author"]["id"] == str(guild.bot_id)
    assert list(guild.reactions(int(message["id"]))) == [A, B, C, D]
    assert message["embeds"][0]["title"] == "Which book?"
    text = text_of(message)
    for option in ("Dune", "Emma", "Ulysses", "Beloved"):
        assert "0 votes" in line_with(text, option)
    assert "closed" not in text.lower()


async def test_twenty_options_get_twenty_reactions(guild, bot):
    options = [f"Option {i}" for i in range(1, 21)]
    r = await create(guild.alice, options="; ".join(options))
    assert r.ephemeral and "posted" in r.text.lower()
    reactions = guild.reactions(int(poll_message(guild, "Which book?")["id"]))
    assert list(reactions) == [chr(0x1F1E6 + i) for i in range(20)]


async def test_each_option_line_shows_its_count(guild, bot, emulator):
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    await vote(
        guild, bot, emulator, message,
        (guild.alice, A), (guild.bob, A), (guild.carol, A), (guild.dave, B),
    )  # fmt: skip
    text = text_of(guild.message(int(message["id"])))
    assert "3 votes" in line_with(text, "Dune")
    assert "1 vote" in line_with(text, "Emma") and "1 votes" not in text
    assert "0 votes" in line_with(text, "Ulysses")
    assert re.search(r"Dune\W+3 votes", text)


async def test_withdrawing_a_reaction_withdraws_the_vote(guild, bot, emulator):
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.carol, A))
    await guild.bob.unreact(int(message["id"]), A)
    await quiet(bot, emulator)
    assert "1 vote" in line_with(text_of(guild.message(int(message["id"]))), "Dune")


async def test_single_choice_moves_the_vote(guild, bot, emulator):
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.bob, C))
    text = text_of(guild.message(int(message["id"])))
    assert "0 votes" in line_with(text, "Dune") and "1 vote" in line_with(text, "Ulysses")
    assert guild.bob.id not in guild.reactions(int(message["id"]))[A]


async def test_question_and_options_never_ping(guild, bot, emulator):
    await create(guild.alice, question="@everyone which?", options="@here; <@&1>")
    message = poll_message(guild, "which?")
    await guild.alice.slash("poll close", poll="@everyone which?")
    await quiet(bot, emulator)
    posts = [q for q in emulator.requests if q.method == "POST" and "/messages" in q.path]
    assert posts
    for request in posts:
        mentions = (request.json or {}).get("allowed_mentions")
        assert mentions is not None and not mentions.get("parse"), request.json
    assert "closed" in text_of(guild.message(int(message["id"]))).lower()


# -- closing ----------------------------------------------------------------------------


async def test_closed_poll_says_closed_keeps_counts_and_announces_the_winner(guild, bot, emulator):
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    await vote(
        guild, bot, emulator, message, (guild.bob, B), (guild.carol, B), (guild.dave, B),
        (guild.alice, A),
    )  # fmt: skip
    r = await guild.alice.slash("poll close", poll="Which book?")
    assert r.ephemeral
    await quiet(bot, emulator)
    text = text_of(guild.message(int(message["id"])))
    assert "closed" in text.lower()
    assert "3 votes" in line_with(text, "Emma") and "1 vote" in line_with(text, "Dune")
    announced = [c for c in contents(guild) if "Which book?" in c]
    assert announced and "Emma" in announced[-1] and "winner" in announced[-1].lower()


async def test_tie_is_announced(guild, bot, emulator):
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.carol, B))
    await guild.alice.slash("poll close", poll="Which book?")
    await quiet(bot, emulator)
    announced = [c for c in contents(guild) if "Which book?" in c][-1]
    assert "tie" in announced.lower() and "Dune" in announced and "Emma" in announced
    assert "tie" in text_of(guild.message(int(message["id"]))).lower()


async def test_closing_twice_says_already_closed(guild, bot, emulator):
    await create(guild.alice)
    await guild.alice.slash("poll close", poll="Which book?")
    before = len(guild.messages(guild.general))
    r = await guild.alice.slash("poll close", poll="Which book?")
    assert r.ephemeral and "already closed" in r.text
    assert len(guild.messages(guild.general)) == before


async def test_votes_after_close_do_not_change_the_final_counts(guild, bot, emulator):
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A))
    await guild.alice.slash("poll close", poll="Which book?")
    await vote(guild, bot, emulator, message, (guild.carol, B))
    text = text_of(guild.message(int(message["id"])))
    assert "1 vote" in line_with(text, "Dune") and "0 votes" in line_with(text, "Emma")


@pytest.mark.parametrize(
    ("closes", "seconds"), [("30m", 1800), ("1h", 3600), ("3d", 3 * 86400), ("1w", 7 * 86400)]
)
async def test_closes_accepts_durations_and_closes_itself(
    guild, bot, emulator, clock, closes, seconds
):
    r = await create(guild.alice, closes=closes)
    assert r.ephemeral and "<t:" in r.text
    message = poll_message(guild, "Which book?")
    assert f"<t:{int(clock.now() + seconds)}:" in text_of(message)
    await vote(guild, bot, emulator, message, (guild.bob, C))
    await clock.advance(seconds - 60)
    await quiet(bot, emulator)
    assert "closed" not in text_of(guild.message(int(message["id"]))).lower()
    await clock.advance(60)
    await quiet(bot, emulator)
    assert "closed" in text_of(guild.message(int(message["id"]))).lower()
    assert any("Which book?" in c and "Ulysses" in c for c in contents(guild))


@pytest.mark.parametrize(
    ("closes", "due"),
    [
        ("18:00", "2026-12-01 18:00"),
        ("09:00", "2026-12-02 09:00"),  # already past today: the next one
        ("friday 18:00", "2026-12-04 18:00"),
        ("tomorrow 18:00", "2026-12-02 18:00"),
        ("2026-12-05 18:00", "2026-12-05 18:00"),
    ],
)
async def test_closes_accepts_a_time(guild, bot, closes, due):
    from datetime import UTC, datetime

    r = await create(guild.alice, closes=closes)
    assert r.ephemeral and "posted" in r.text.lower(), r.text
    epoch = int(datetime.fromisoformat(due).replace(tzinfo=UTC).timestamp())
    assert f"<t:{epoch}:" in text_of(poll_message(guild, "Which book?"))


@pytest.mark.parametrize("closes", ["whenever", "2020-01-01 10:00"])
async def test_bad_or_past_closes_refused(guild, bot, closes):
    r = await create(guild.alice, closes=closes)
    assert r.ephemeral and closes in r.text
    assert await poll_count(bot) == 0 and not guild.messages(guild.general)


# -- who may do what --------------------------------------------------------------------


async def test_member_cannot_close_someone_elses_poll(guild, bot, emulator):
    await create(guild.alice)
    r = await guild.bob.slash("poll close", poll="Which book?")
    assert r.ephemeral and "creator" in r.text
    assert "closed" not in text_of(poll_message(guild, "Which book?")).lower()
    assert not any("Which book?" in c for c in contents(guild))


async def test_manager_and_admin_may_close(guild, bot, emulator):
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    await create(guild.alice, question="One?")
    await create(guild.alice, question="Two?")
    r = await guild.manager.slash("poll close", poll="One?")
    assert r.ephemeral and "Closed" in r.text
    r = await guild.admin.slash("poll close", poll="Two?")
    assert r.ephemeral and "Closed" in r.text


async def test_group_leader_may_close_a_members_group_poll(guild, bot, emulator):
    channel = await new_channel(emulator, guild, "book-club")
    await make_group(bot, guild, "Book Club", channel, [guild.carol.id, guild.alice.id])
    r = await create(guild.alice, group="Book Club")
    assert r.ephemeral and "posted" in r.text.lower()
    message = poll_message(guild, "Which book?", channel)
    assert "Book Club" in text_of(message)
    r = await guild.carol.slash("poll close", poll="which book?")
    assert r.ephemeral and "Closed" in r.text
    await quiet(bot, emulator)
    assert "closed" in text_of(guild.message(int(message["id"]))).lower()


async def test_anyone_sees_results_of_a_visible_poll(guild, bot, emulator):
    await create(guild.alice)
    await vote(
        guild, bot, emulator, poll_message(guild, "Which book?"),
        (guild.bob, A), (guild.carol, A), (guild.dave, A),
    )  # fmt: skip
    r = await guild.dave.slash("poll results", poll="Which book?")
    assert r.ephemeral and "3 votes" in line_with(r.text, "Dune")


async def test_hidden_results_hidden_until_close(guild, bot, emulator):
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    await create(guild.alice, hide_results=True)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.carol, A))
    text = text_of(guild.message(int(message["id"])))
    assert not re.search(r"\d+ votes?", text)
    r = await guild.dave.slash("poll results", poll="Which book?")
    assert r.ephemeral and "hidden" in r.text.lower() and "2 votes" not in r.text
    for who in (guild.alice, guild.manager):
        r = await who.slash("poll results", poll="Which book?")
        assert r.ephemeral and "2 votes" in line_with(r.text, "Dune")
    await guild.alice.slash("poll close", poll="Which book?")
    await quiet(bot, emulator)
    assert "2 votes" in line_with(text_of(guild.message(int(message["id"]))), "Dune")
    r = await guild.dave.slash("poll results", poll="Which book?")
    assert "2 votes" in line_with(r.text, "Dune")


# -- finding a poll -----------------------------------------------------------------------


async def test_poll_option_by_typed_question_any_case_or_autocomplete(guild, bot, emulator):
    await create(guild.alice)
    await create(guild.alice, question="Which day?", options="Mon; Tue")
    r = await guild.bob.slash("poll results", poll="  WHICH BOOK?  ")
    assert "Dune" in r.text
    r = await guild.bob.slash("poll results", poll="#2")  # as the footer "Poll #2" shows it
    assert "Mon" in r.text
    choices = await guild.bob.autocomplete("poll close", "poll", "book")
    assert [c["name"] for c in choices] == ["Which book?"]
    r = await guild.alice.slash("poll close", poll=choices[0]["value"])
    assert "Closed" in r.text
    for command in ("poll results", "poll recount"):
        names = [c["name"] for c in await guild.alice.autocomplete(command, "poll", "which")]
        assert any("Which day?" in n for n in names) and any("Which book?" in n for n in names)


async def test_unknown_poll_is_a_clear_refusal(guild, bot):
    for command in ("poll close", "poll results", "poll recount"):
        r = await guild.alice.slash(command, poll="Nope?")
        assert r.ephemeral and "Nope?" in r.text and "/poll list" in r.text


async def test_list_shows_open_and_closed_polls_and_filters_by_group(guild, bot, emulator):
    channel = await new_channel(emulator, guild, "book-club")
    await make_group(bot, guild, "Book Club", channel, [guild.alice.id, guild.bob.id])
    await create(guild.alice, question="Club book?", group="Book Club")
    await create(guild.alice, question="Server day?", options="Mon; Tue")
    await create(guild.alice, question="Old one?", options="X; Y")
    await guild.alice.slash("poll close", poll="Old one?")
    r = await guild.bob.slash("poll list")
    assert r.ephemeral
    assert "Club book?" in r.text and "Server day?" in r.text
    assert "closed" in line_with(r.text, "Old one?").lower()
    r = await guild.bob.slash("poll list", group="book club")
    assert "Club book?" in r.text and "Server day?" not in r.text
    r = await guild.bob.slash("poll list", group="No such group")
    assert r.ephemeral and "No such group" in r.text


async def test_recount_rebuilds_the_tally_from_reactions(guild, bot, emulator):
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    for user in (guild.bob, guild.carol, guild.dave):  # the bot never saw these
        emulator.react_raw(int(message["id"]), user.id, B)
    r = await guild.alice.slash("poll recount", poll="Which book?")
    assert r.ephemeral and "3 votes" in r.text
    await quiet(bot, emulator)
    assert "3 votes" in line_with(text_of(guild.message(int(message["id"]))), "Emma")
    r = await guild.bob.slash("poll recount", poll="Which book?")  # not bob's to recount
    assert r.ephemeral and "creator" in r.text and "3 votes" not in r.text
    r = await guild.admin.slash("poll recount", poll="Which book?")
    assert r.ephemeral and "3 votes" in r.text


# -- multiple and max_choices -------------------------------------------------------------


async def test_multiple_counts_every_option(guild, bot, emulator):
    await create(guild.alice, multiple=True)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.bob, B), (guild.bob, C))
    text = text_of(guild.message(int(message["id"])))
    for option in ("Dune", "Emma", "Ulysses"):
        assert "1 vote" in line_with(text, option)


async def test_max_choices_limits_each_member(guild, bot, emulator):
    await create(guild.alice, options="A1; B1; C1; D1", multiple=True, max_choices=2)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.bob, B), (guild.bob, C))
    text = text_of(guild.message(int(message["id"])))
    assert "0 votes" in line_with(text, "C1")
    assert guild.bob.id not in guild.reactions(int(message["id"]))[C]


async def test_max_choices_alone_implies_multiple(guild, bot, emulator):
    r = await create(guild.alice, max_choices=2)
    assert "posted" in r.text.lower()
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.bob, B))
    text = text_of(guild.message(int(message["id"])))
    assert "1 vote" in line_with(text, "Dune") and "1 vote" in line_with(text, "Emma")


async def test_max_choices_one_is_single_choice(guild, bot, emulator):
    await create(guild.alice, multiple=True, max_choices=1)
    message = poll_message(guild, "Which book?")
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.bob, B))
    text = text_of(guild.message(int(message["id"])))
    assert "0 votes" in line_with(text, "Dune") and "1 vote" in line_with(text, "Emma")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"multiple": False, "max_choices": 2}, "multiple"),
        ({"multiple": True, "max_choices": 5}, "max_choices"),
        ({"max_choices": 4}, "max_choices"),
        ({"multiple": True, "max_choices": 0}, "max_choices"),
    ],
)
async def test_impossible_max_choices_refused(guild, bot, extra, words):
    r = await create(guild.alice, **extra)
    assert r.ephemeral and words in r.text
    assert await poll_count(bot) == 0 and not guild.messages(guild.general)


# -- where it is posted ---------------------------------------------------------------------


async def test_channel_option_posts_there(guild, bot, emulator):
    channel = await new_channel(emulator, guild, "votes")
    r = await create(guild.alice, channel=channel)
    assert r.ephemeral
    message = poll_message(guild, "Which book?", channel)
    assert list(guild.reactions(int(message["id"]))) == [A, B, C]
    assert not guild.messages(guild.general)
    await vote(guild, bot, emulator, message, (guild.bob, A))
    await guild.alice.slash("poll close", poll="Which book?")
    await quiet(bot, emulator)
    assert any("Which book?" in c for c in contents(guild, channel))


async def test_bot_missing_permission_in_the_chosen_channel_is_named(guild, bot, emulator):
    deny = perms.bit("SEND_MESSAGES")
    channel = await new_channel(
        emulator, guild, "quiet", [{"id": guild.bot_id, "type": 1, "deny": deny}]
    )
    r = await create(guild.alice, channel=channel)
    assert r.ephemeral and "Send Messages" in r.text
    assert await poll_count(bot) == 0 and not guild.messages(channel)


async def test_member_who_cannot_post_there_is_refused(guild, bot, emulator):
    deny = perms.bit("SEND_MESSAGES")
    channel = await new_channel(
        emulator, guild, "announcements",
        [{"id": guild.id, "type": 0, "deny": deny}, {"id": guild.bot_id, "type": 1, "allow": deny}],
    )  # fmt: skip
    r = await create(guild.alice, channel=channel)
    assert r.ephemeral and "post" in r.text
    assert await poll_count(bot) == 0 and not guild.messages(channel)
    r = await create(guild.owner, channel=channel)
    assert "posted" in r.text.lower()


async def test_group_poll_posts_in_the_group_channel_and_announces_there(guild, bot, emulator):
    channel = await new_channel(emulator, guild, "book-club")
    await make_group(bot, guild, "Book Club", channel, [guild.alice.id, guild.bob.id])
    await create(guild.bob, group="Book Club", closes="1h")
    message = poll_message(guild, "Which book?", channel)
    await vote(guild, bot, emulator, message, (guild.bob, A), (guild.carol, B))
    assert guild.carol.id not in guild.reactions(int(message["id"]))[B]
    await bot.clock.advance(3600)
    await quiet(bot, emulator)
    assert any("Which book?" in c and "Dune" in c for c in contents(guild, channel))
    assert not guild.messages(guild.general)


async def test_closes_time_is_read_in_the_members_time_zone(guild, bot):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    await bot.prefs.set(guild.alice.id, "timezone", "Asia/Tokyo")
    await create(guild.alice, closes="2026-12-05 18:00")
    due = datetime(2026, 12, 5, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()
    assert f"<t:{int(due)}:" in text_of(poll_message(guild, "Which book?"))


async def test_feature_off(guild, bot):
    await guild.admin.slash("config feature", feature="polls", enabled=False)
    for command, kw in [
        ("poll create", {"question": "Q?", "options": "A;B"}),
        ("poll list", {}),
        ("poll results", {"poll": "Q?"}),
    ]:
        r = await guild.alice.slash(command, **kw)
        assert r.ephemeral and "**off**" in r.text


async def test_poll_for_a_real_group_in_its_private_channel(guild, bot, emulator):
    r = await guild.alice.slash("group create", name="Book Club", description="Books")
    assert "Book Club" in r.text
    await guild.bob.slash("group join", group="Book Club")
    channel = int(guild.channel("book-club")["id"])
    r = await create(guild.bob, group="Book Club")
    assert r.ephemeral and "posted" in r.text.lower(), r.text
    message = poll_message(guild, "Which book?", channel)
    assert list(guild.reactions(int(message["id"]))) == [A, B, C]
    await vote(guild, bot, emulator, message, (guild.alice, A), (guild.bob, A), (guild.dave, B))
    text = text_of(guild.message(int(message["id"])))
    assert "2 votes" in line_with(text, "Dune") and "0 votes" in line_with(text, "Emma")
    r = await guild.dave.slash("poll create", question="Mine?", options="A;B", group="Book Club")
    assert r.ephemeral and "Book Club" in r.text and await poll_count(bot) == 1
    r = await guild.dave.slash("poll close", poll="Which book?")  # not a member: not shown
    assert r.ephemeral and "There is no poll `Which book?`" in r.text
    r = await guild.alice.slash("poll close", poll="Which book?")  # the group's leader
    assert r.ephemeral and "Closed" in r.text
    await quiet(bot, emulator)
    announced = [c for c in contents(guild, channel) if "Which book?" in c]
    assert announced and "Dune" in announced[-1]
    r = await guild.alice.slash("poll list", group="Book Club")
    assert "closed" in line_with(r.text, "Which book?").lower()


async def test_live_counts_coalesced_then_shown_after_a_few_seconds(guild, bot, emulator, clock):
    """The embed is edited at most once every few seconds, never once per reaction;
    a test that lets a few (virtual) seconds pass sees the final counts."""
    bot.get_cog("Polls").service.editor.interval = 3.0  # the default
    await create(guild.alice)
    message = poll_message(guild, "Which book?")
    emulator.reset_requests()
    for user in (guild.alice, guild.bob, guild.carol, guild.dave):
        await user.react(int(message["id"]), A)
    edits = emulator.count_requests("PATCH", rf"/messages/{message['id']}$")
    assert 1 <= edits < 4
    await clock.advance(5)
    text = text_of(guild.message(int(message["id"])))
    assert "4 votes" in line_with(text, "Dune")
    assert emulator.count_requests("PATCH", rf"/messages/{message['id']}$") == edits + 1

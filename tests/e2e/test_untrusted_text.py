"""Nothing a member types holds up the bot (docs/testing.md, "Untrusted text"): while one
member types the longest hostile text into an autocomplete, another member's command is
answered. The timing is the benchmark's (tests/bench/bench_text_limits.py); here both must
simply be answered."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.cycles import book_club, posts, start
from tests.support.messages import text_of

# `at - ` is the reader's worst piece (every ` - ` was a place to split the text and read
# both sides again); the others were once reported slow
HOSTILE = ["at - ", "1 ", "12:00 ", "a"]


def filled(piece: str, length: int) -> str:
    return (piece * (length // len(piece) + 1))[:length]


@pytest.mark.parametrize("piece", HOSTILE)
async def test_a_hostile_when_autocomplete_holds_up_nobody(guild, bot, piece):
    for length in (6000, 100):  # past the limit (refused on arrival), and the longest allowed
        typed, helped = await asyncio.gather(
            guild.alice.autocomplete("event create", "when", filled(piece, length), title="Meet"),
            guild.bob.slash("help"),
        )
        assert typed == [], typed  # not a time: nothing to suggest, but answered
        assert helped.ephemeral and "/poll" in helped.text


async def test_a_hostile_closes_autocomplete_holds_up_another_members_poll(guild, bot):
    typed, posted = await asyncio.gather(
        guild.alice.autocomplete(
            "poll create", "closes", filled("at - ", 6000), question="Q?", options="A;B"
        ),
        guild.bob.slash("poll create", question="Lunch?", options="Soup;Salad"),
    )
    assert typed == []
    assert "posted" in posted.text.lower(), posted.text


async def test_the_command_itself_is_refused_with_the_limit(guild, bot):
    r = await guild.alice.slash("event create", title="Meet", when=filled("at - ", 6000))
    assert r.ephemeral and "`when` can be at most 100 characters" in r.text, r.text
    assert "6,000" in r.text
    r = await guild.alice.slash("event create", title="Meet", when=filled("at - ", 100))
    assert r.ephemeral and "I couldn't read" in r.text and len(r.text) < 2000, r.text


async def test_absurd_cycle_durations_are_refused_with_the_range(guild, bot, emulator):
    await book_club(guild, bot)
    for option in ("nominate", "vote"):
        r = await start(guild.alice, **{option: "99999999999999w"})
        assert r.ephemeral and f"`{option}` must be between 1h and" in r.text, r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM cycles") == 0


async def test_an_error_echoing_a_long_group_fits_and_keeps_its_code_span(guild, bot, emulator):
    r = await guild.alice.slash("cycle status", group="x" * 2100)
    assert r.ephemeral and "at most 100 characters" in r.text and len(r.text) < 2000
    r = await guild.alice.slash("cycle status", group="`" * 3 + "**bold**" + "x" * 89)
    assert r.ephemeral and "There is no group called `ˋˋˋ**bold**" in r.text, r.text
    assert r.text.count("`") % 2 == 0


async def test_a_nominated_masked_link_is_shown_as_text(guild, bot, emulator):
    channel = await book_club(guild, bot)
    await start(guild.alice)
    pick = "[Reading list](https://example.invalid)"
    r = await guild.bob.slash("cycle nominate", group="Book Club", pick=pick, note="**loud**")
    assert r.ephemeral and "\\[Reading list\\](https://example.invalid)" in r.text, r.text
    r = await guild.alice.slash("cycle advance", group="Book Club")
    assert r.ephemeral and "\\[Reading list\\]" in r.text, r.text
    announced = posts(guild, channel, "we picked")
    assert announced, [text_of(m) for m in guild.messages(channel)]
    shown = text_of(announced[-1])
    assert "\\[Reading list\\](https://example.invalid)" in shown and "\\*\\*loud\\*\\*" in shown

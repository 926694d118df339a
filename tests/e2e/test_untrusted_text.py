"""Nothing a member types holds up the bot (issue 20): while one member types the longest
hostile text into an autocomplete, another member's command is answered. The timing is
the benchmark's (tests/bench/bench_text_limits.py); here both must simply be answered."""

from __future__ import annotations

import asyncio

import pytest

# `at - ` is the reader's worst piece (every ` - ` was a place to split the text and read
# both sides again); the others are the ones the issue reported
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

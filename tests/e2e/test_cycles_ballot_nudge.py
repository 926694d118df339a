"""A cycle's ballot nudges the members who haven't voted 12 hours before it closes
(docs/rules.md, "Who hasn't answered")."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.cycles import book_club, polls_in, settle, start

HOUR = 3600


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def nudged(user) -> int:
    return len([m for m in user.dm_messages() if "haven't voted yet" in m["content"]])


async def test_the_ballot_nudges_12_hours_before_it_closes(guild, bot, emulator, clock):
    channel = await book_club(guild, bot)
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    await guild.carol.slash("cycle nominate", group="Book Club", pick="Emma")
    await clock.set(at(2026, 12, 6, 12) + 1)  # nominations close: the ballot (2 days)
    await settle(bot, emulator)
    (ballot,) = polls_in(guild, channel)
    await guild.bob.react(ballot["id"], "🇦")
    await settle(bot, emulator)
    await clock.set(at(2026, 12, 7, 23, 59))  # 12 h 1 min before the close: not yet
    await settle(bot, emulator)
    assert nudged(guild.alice) == nudged(guild.carol) == 0
    await clock.set(at(2026, 12, 8, 0) + 1)
    await clock.advance(1)
    await settle(bot, emulator)
    assert nudged(guild.alice) == 1 and nudged(guild.carol) == 1
    assert nudged(guild.bob) == 0 and nudged(guild.dave) == 0

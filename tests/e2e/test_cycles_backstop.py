"""A meeting cancelled by hand (`/event cancel`) never ends, so events never call the cycle
back: the cycle's backstop, a minute after the meeting slot's end, opens the next period
anyway. A meeting that ends normally hands over once (the backstop then finds the period
done); a meeting moved later hands over at its new end, not at the old slot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.cycles import book_club, posts, settle, start


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


MEETING = at(2026, 12, 31, 19)  # the last Thursday of December, 19:00 UTC
SLOT_END = MEETING + 3600


async def picked(guild, bot, emulator, clock) -> int:
    """Book Club's cycle with one nomination, past its deadline: the pick is made and the
    meeting planned. Returns the group channel."""
    channel = await book_club(guild, bot)
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    await clock.set(at(2026, 12, 6, 12) + 1)
    await settle(bot, emulator)
    assert len(posts(guild, channel, "Book of the month: Dune")) == 1
    assert await bot.store.fetchval("SELECT phase FROM cycle_periods") == "reading"
    return channel


async def phases(bot) -> list[str]:
    rows = await bot.store.fetchall("SELECT phase FROM cycle_periods ORDER BY number")
    return [r["phase"] for r in rows]


async def test_a_cancelled_meeting_still_opens_the_next_period(guild, bot, emulator, clock):
    channel = await picked(guild, bot, emulator, clock)
    r = await guild.alice.slash("event cancel", event="Book of the month: Dune")
    assert "ancel" in r.text, r.text
    assert await bot.store.fetchval("SELECT status FROM events") == "cancelled"

    await clock.set(SLOT_END + 1)  # the slot is over, the cancelled event never ends
    await settle(bot, emulator)
    assert len(posts(guild, channel, "nominations are open")) == 1
    await clock.set(SLOT_END + 61)  # the backstop
    await settle(bot, emulator)
    assert await phases(bot) == ["done", "nominating"]
    assert len(posts(guild, channel, "nominations are open")) == 2
    assert await bot.store.fetchval("SELECT going FROM cycle_periods WHERE number = 1") is None

    await clock.advance(3 * 3600)  # nothing more, ever
    await settle(bot, emulator)
    assert len(posts(guild, channel, "nominations are open")) == 2
    assert await bot.store.fetchval("SELECT COUNT(*) FROM cycle_periods") == 2


async def test_a_meeting_that_ends_hands_over_once(guild, bot, emulator, clock):
    channel = await picked(guild, bot, emulator, clock)
    meeting = posts(guild, channel, "Book of the month: Dune")[0]
    going = next(
        c["custom_id"]
        for row in meeting["components"]
        for c in row["components"]
        if c.get("label") == "Going"
    )
    await guild.carol.click(meeting, going)
    await clock.set(SLOT_END + 1)  # events' on_end
    await settle(bot, emulator)
    assert await phases(bot) == ["done", "nominating"]
    await clock.set(SLOT_END + 120)  # the backstop finds the period done
    await settle(bot, emulator)
    assert await phases(bot) == ["done", "nominating"]
    assert len(posts(guild, channel, "nominations are open")) == 2
    assert await bot.store.fetchval("SELECT going FROM cycle_periods WHERE number = 1") == 1
    backstops = await bot.store.fetchval(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'cycle.met' AND payload LIKE '%backstop%'"
    )
    assert backstops == 0


async def test_the_backstop_waits_for_a_meeting_moved_later(guild, bot, emulator, clock):
    channel = await picked(guild, bot, emulator, clock)
    later = MEETING + 2 * 86400
    async with bot.store.transaction() as tx:  # as /event edit would (its own tests cover it)
        await tx.execute("UPDATE events SET start_at = ?, end_at = ?", (later, later + 3600))
    await clock.set(SLOT_END + 61)  # the old slot's backstop: the meeting is still ahead
    await settle(bot, emulator)
    assert await phases(bot) == ["reading"]
    await guild.alice.slash("event cancel", event="Book of the month: Dune")
    await clock.set(later + 3600 + 61)  # checked again after the new end: cancelled
    await settle(bot, emulator)
    assert await phases(bot) == ["done", "nominating"]
    assert len(posts(guild, channel, "nominations are open")) == 2


async def test_stop_cancels_the_backstop(guild, bot, emulator, clock):
    await picked(guild, bot, emulator, clock)
    await guild.alice.slash("cycle stop", group="Book Club")
    assert await bot.store.fetchval("SELECT COUNT(*) FROM jobs WHERE key LIKE 'cycle:%'") == 0


pytestmark = pytest.mark.filterwarnings("ignore")

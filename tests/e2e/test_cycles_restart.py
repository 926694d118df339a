"""Every phase change survives the bot dying mid-way: a side effect is made (a post, a
poll, an event), then the process "dies" before noting it (the next write raises, as if
killed there), and a new bot on the same database and clock carries on. Nothing is
announced twice, nothing is skipped, no orphan poll or event.

A real `kill -9` of a subprocess cannot be driven through fake time, so death is
simulated in process: the handler is cut off at the exact point between the side effect
and the DB write that records it, then the bot is closed and a fresh one started."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest

from tests.support.cycles import book_club, polls_in, posts, settle, start
from tests.support.polls import fast_edits
from tests.support.restart import before_ready
from tests.support.restart import restart as restart_bot


class Killed(Exception):
    """The process died here."""


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def die_when_recording(monkeypatch, column: str) -> list[str]:
    """The next `record(<column>=<a real id>)` dies instead of writing (once)."""
    store_class = importlib.import_module("cogs.cycles.store").CycleStore  # the loaded one
    original = store_class.record
    fired: list[str] = []

    async def record(self, period_id, tx=None, **values):
        if not fired and values.get(column):
            fired.append(column)
            raise Killed(f"killed before recording {column}")
        return await original(self, period_id, tx, **values)

    monkeypatch.setattr(store_class, "record", record)
    return fired


async def restart(bot, start_bot, emulator, clock, monkeypatch=None, then_die=None, early=None):
    """A new bot on the same database (the extensions are imported afresh); `then_die`:
    the new one dies too, before recording that column. discord.py's real ready timing
    (docs/testing.md): `settle` waits for on_ready, the scheduler's gate; `early()` runs before."""
    bot = fast_edits(await restart_bot(bot, start_bot))
    if early is not None:
        await early()
        before_ready(bot)
    if then_die:
        monkeypatch.undo()
        die_when_recording(monkeypatch, then_die)
    await settle(bot, emulator)
    await clock.advance(120)  # the cut-off job's retry falls due
    await settle(bot, emulator)
    return bot


async def test_a_crash_at_every_phase_change_repeats_nothing(
    guild, bot, start_bot, emulator, clock, monkeypatch
):
    channel = await book_club(guild, bot)
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    await clock.advance(60)
    await guild.carol.slash("cycle nominate", group="Book Club", pick="Emma")

    # (2) the nomination deadline: dies after posting the poll, before noting it
    fired = die_when_recording(monkeypatch, "poll_id")
    await clock.set(at(2026, 12, 6, 12) + 1)
    await settle(bot, emulator)
    assert fired and len(polls_in(guild, channel)) == 1
    poll = polls_in(guild, channel)[0]
    # bob votes on the poll the dead bot posted, before the new one's on_ready
    bot = await restart(
        bot, start_bot, emulator, clock, early=lambda: guild.bob.react(poll["id"], "🇧")
    )
    assert len(polls_in(guild, channel)) == 1
    assert await bot.store.fetchval("SELECT COUNT(*) FROM polls") == 1

    # (4) the vote closes: dies after the pick announcement, then after the event
    fired = die_when_recording(monkeypatch, "result_msg")
    await clock.set(at(2026, 12, 8, 12) + 1)
    await settle(bot, emulator)
    assert fired and len(posts(guild, channel, "we picked")) == 1
    bot = await restart(bot, start_bot, emulator, clock, monkeypatch, then_die="event_id")
    assert await bot.store.fetchval("SELECT event_id FROM cycle_periods") is None  # died there
    bot = await restart(bot, start_bot, emulator, clock)
    assert len(posts(guild, channel, "we picked")) == 1
    assert "Emma" in posts(guild, channel, "we picked")[0]["embeds"][0]["description"]
    assert len(posts(guild, channel, "Book of the month: Emma")) == 1
    assert await bot.store.fetchval("SELECT COUNT(*) FROM events") == 1
    assert await bot.store.fetchval("SELECT phase FROM cycle_periods WHERE number = 1") == "reading"

    # (5) the meeting ends: dies after announcing the next period, before noting it
    monkeypatch.undo()
    fired = die_when_recording(monkeypatch, "announce_msg")  # the current bot's classes
    await clock.set(at(2026, 12, 31, 20) + 1)
    await settle(bot, emulator)
    assert fired
    bot = await restart(bot, start_bot, emulator, clock)
    assert len(posts(guild, channel, "nominations are open")) == 2
    assert await bot.store.fetchval("SELECT COUNT(*) FROM cycle_periods") == 2
    assert await bot.store.fetchval(
        "SELECT announce_msg IS NOT NULL FROM cycle_periods WHERE number = 2"
    )


async def test_a_plain_restart_in_every_phase_carries_on(guild, bot, start_bot, emulator, clock):
    """The bot is down across each deadline; it catches up when it comes back."""
    channel = await book_club(guild, bot)
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    await guild.carol.slash("cycle nominate", group="Book Club", pick="Emma")
    await bot.close()
    await clock.set(at(2026, 12, 7, 12))  # down across the nomination deadline
    bot = fast_edits(await restart_bot(bot, start_bot))  # real ready timing
    await settle(bot, emulator)
    await clock.advance(60)
    await settle(bot, emulator)
    assert len(polls_in(guild, channel)) == 1
    await bot.close()
    await clock.set(at(2026, 12, 31, 21))  # down across the vote, the runoff and the meeting
    bot = fast_edits(await restart_bot(bot, start_bot))
    await settle(bot, emulator)  # on_ready: the scheduler's first pass
    for _ in range(3):
        await clock.advance(86400 + 60)
        await settle(bot, emulator)
    assert len(polls_in(guild, channel)) == 2  # no votes: a tie, so a runoff
    assert len(posts(guild, channel, "we picked")) == 1
    assert len(posts(guild, channel, "Book of the month: Dune")) == 1  # runoff tie: earliest


pytestmark = pytest.mark.filterwarnings("ignore")

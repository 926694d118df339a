"""Streaks after a cycle's reading check-ins stop: a streak and a rate belong to
the schedule they were made under. A group with daily check-ins runs a cycle with weekly
reading check-ins; after the cycle's meeting, `/checkin streak` still shows the daily
schedule's streak and rate (not weekly check-ins counted against daily periods, "0 of 18
periods"), and the board keeps its streaks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.support.cycles import book_club, button_id, posts, settle, start

DAILY = "What did you read today?"


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def figures(text: str) -> tuple[int, int, int, int, int]:
    """(current, best, rate %, done, total) of the streak line."""
    m = re.search(
        r"current streak: \*\*(\d+)\*\* · best streak: \*\*(\d+)\*\* · completion rate: "
        r"\*\*(\d+)%\*\* \((\d+) of (\d+) periods?\)",
        text,
    )
    assert m, text
    return tuple(int(x) for x in m.groups())  # type: ignore[return-value]


async def test_daily_streak_survives_the_cycles_reading_checkins(guild, bot, emulator, clock):
    # The fake clock starts Tue 1 Dec 2026 12:00 UTC; the server's zone is UTC.
    channel = await book_club(guild, bot)
    await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00", prompt=DAILY
    )
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    day = datetime(2026, 12, 1, 18, 0, 1, tzinfo=UTC)
    read = 0
    before: tuple[int, ...] | None = None
    while day <= datetime(2027, 1, 2, 18, 0, 1, tzinfo=UTC):
        await clock.set(day.timestamp())  # today's daily prompt is out
        await settle(bot, emulator)
        logged = await guild.bob.slash("checkin log", group="Book Club", note="a chapter")
        assert "Checked in" in logged.text, logged.text
        if day.weekday() == 0 and day < datetime(2026, 12, 31, tzinfo=UTC):  # Monday reading
            await clock.set(day.timestamp() + 3600)
            await settle(bot, emulator)
            prompt = posts(guild, channel, "how far are you into Dune")[-1]
            shown = await guild.bob.click(prompt, button_id(prompt, "Check in"))
            done = await guild.bob.submit_modal(shown, {"note": "p. 100", "status": "done"})
            assert "Checked in" in done.text, done.text
            read += 1
        if day.date() == datetime(2026, 12, 29).date():  # the reading still runs
            before = figures((await guild.bob.slash("checkin streak", group="Book Club")).text)
        day += timedelta(days=1)
    assert read == 4  # reading check-ins ran 7, 14, 21 and 28 Dec, then stopped

    # 2 Jan, after the meeting (31 Dec) stopped the reading check-ins
    after = figures((await guild.bob.slash("checkin streak", group="Book Club")).text)
    assert before == (29, 29, 100, 29, 29), before
    assert after == (33, 33, 100, 33, 33), after  # 4 more days, every one counted
    board = await guild.carol.slash("checkin board", group="Book Club")
    assert f"<@{guild.bob.id}>" in board.text and "33" in board.text, board.text

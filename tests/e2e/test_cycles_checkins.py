"""A cycle's reading check-ins are a schedule of their own beside the group's, which
they never replace or stop: the group's daily prompt and nudge go on through a cycle,
check-ins under each schedule count apart, and a period's stale end-of-reading job stops
only its own period's reading check-ins."""

from __future__ import annotations

from datetime import UTC, datetime

from core.pacing import Pacer
from tests.support.cycles import book_club, button_id, posts, settle, start

DAILY = "What did you read today?"


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


async def live_through(bot, emulator, clock, until: float) -> None:
    """Move the clock hour by hour, as time passes for a running bot (every prompt of every
    schedule falls due in its own hour)."""
    while clock.now() + 3600 <= until:
        await clock.advance(3600)
        await settle(bot, emulator)
    await clock.set(until)
    await settle(bot, emulator)


def dailies_between(guild, channel: int, since: float, until: float) -> list[dict]:
    return [
        m
        for m in posts(guild, channel, DAILY)
        if since <= datetime.fromisoformat(m["timestamp"]).timestamp() < until
    ]


async def test_the_groups_daily_checkins_run_on_beside_the_cycles_reading(
    guild, bot, emulator, clock
):
    # The fake clock starts Tue 1 Dec 2026 12:00 UTC; the server's zone is UTC.
    # A month of nudges passes in a second of real time: the DM pacer (5/s, real time)
    # would hold each of them up. Pacing is measured in tests/bench.
    bot.dm_pacer = Pacer(rate=1e9, burst=10**6)
    channel = await book_club(guild, bot)
    scheduled = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00",
        prompt=DAILY, nudge=2,
    )  # fmt: skip
    assert "18:00" in scheduled.text, scheduled.text
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    await live_through(bot, emulator, clock, at(2026, 12, 6, 12) + 1)  # one nomination: the pick
    assert len(posts(guild, channel, "we picked")) == 1

    await live_through(bot, emulator, clock, at(2026, 12, 14, 19) + 1)  # Monday: reading
    reading = posts(guild, channel, "how far are you into Dune")
    assert len(reading) == 2  # Mondays 7 and 14 Dec
    # the group's own daily prompts kept coming after the pick, every day
    assert len(dailies_between(guild, channel, at(2026, 12, 7), at(2026, 12, 15))) == 8

    # a check-in under each schedule counts under that schedule, not as an update
    daily = posts(guild, channel, DAILY)[-1]
    for prompt in (daily, reading[-1]):
        shown = await guild.bob.click(prompt, button_id(prompt, "Check in"))
        assert shown.modal is not None, shown.text
        done = await guild.bob.submit_modal(shown, {"note": "", "status": "done"})
        assert "Checked in" in done.text, done.text

    # the group's nudge (2 h before 18:00) still reaches carol, who did not check in
    await live_through(bot, emulator, clock, at(2026, 12, 15, 16) + 1)
    assert any("check in" in m["content"].lower() for m in guild.carol.dm_messages())

    await live_through(bot, emulator, clock, at(2027, 1, 2, 18) + 1)  # reading stopped
    assert dailies_between(guild, channel, at(2027, 1, 1), at(2027, 1, 3))
    late_reading = posts(guild, channel, "how far are you into Dune")
    assert len(late_reading) == 4  # 7, 14, 21 and 28 Dec: none after the meeting


async def test_a_stale_end_of_reading_job_leaves_the_next_periods_reading_alone(
    guild, bot, emulator, clock
):
    channel = await book_club(guild, bot)
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    advanced = await guild.alice.slash("cycle advance", group="Book Club")
    assert "Dune" in advanced.text, advanced.text
    await settle(bot, emulator)
    # period 1 reads Dune until its meeting on 31 Dec; alice ends the reading early
    ended = await guild.alice.slash("cycle advance", group="Book Club")
    assert "next nominations are open" in ended.text, ended.text
    await guild.carol.slash("cycle nominate", group="Book Club", pick="Emma")
    picked = await guild.alice.slash("cycle advance", group="Book Club")
    assert "Emma" in picked.text, picked.text
    await settle(bot, emulator)

    # period 1's end-of-reading job falls due on 31 Dec; period 2 reads on to 28 Jan
    await live_through(bot, emulator, clock, at(2027, 1, 11, 19) + 1)
    emma = posts(guild, channel, "how far are you into Emma")
    assert len(emma) == 6  # every Monday 7 Dec - 11 Jan: period 1's stale job stopped nothing
    assert len(posts(guild, channel, "how far are you into Dune")) == 0

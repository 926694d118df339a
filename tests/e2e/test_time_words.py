"""One time reader: `/cycle start meet:` and `/checkin schedule time:` take the
time words `/event create` takes (`7pm`, `7:30 p.m.`, `noon`), not only 24-hour `HH:MM`; a
bare number (`7`: morning or evening?) is refused, saying how to write it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.cycles import book_club, posts, settle, start, text_of


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


async def test_cycle_start_takes_7pm(guild, bot, emulator):
    # The fake clock starts Tue 1 Dec 2026 12:00 UTC; the server's zone is UTC.
    channel = await book_club(guild, bot)
    started = await start(guild.alice, meet="last thursday 7pm")
    assert started.ephemeral and "Started" in started.text, started.text
    assert "the last Thursday of each month at 19:00" in started.text, started.text
    [announced] = posts(guild, channel, "nominations are open")
    assert f"<t:{int(at(2026, 12, 31, 19))}:F>" in text_of(announced)


async def test_cycle_start_refuses_a_bare_hour_saying_how(guild, bot):
    await book_club(guild, bot)
    refused = await start(guild.alice, meet="last thursday 7")
    assert refused.ephemeral and "Started" not in refused.text
    assert "`7`" in refused.text and "`7pm`" in refused.text, refused.text


async def test_checkin_schedule_takes_7pm(guild, bot, emulator, clock):
    channel = await book_club(guild, bot)
    scheduled = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="7:30 p.m.",
        prompt="What did you read today?",
    )  # fmt: skip
    assert scheduled.ephemeral and "19:30" in scheduled.text, scheduled.text
    await clock.set(at(2026, 12, 1, 19, 30) + 1)
    await settle(bot, emulator)
    [prompt] = posts(guild, channel, "What did you read today?")
    assert prompt["timestamp"].startswith("2026-12-01T19:30"), prompt["timestamp"]

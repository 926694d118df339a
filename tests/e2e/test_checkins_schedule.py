"""Check-in schedules through the emulator: DST, weekly by weekday name, autocomplete,
a modal left open across a restart, unscheduling during an open period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.checkins import (
    DAY,
    HOUR,
    book_club,
    button_id,
    missed_part,
    prompts,
    summaries,
)
from tests.support.restart import before_ready, restart, until_ready

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.checkins")


async def hour_by_hour(clock, emulator, hours: int) -> None:
    """Advance one hour at a time, so that each job runs (and posts) at its due hour."""
    for _ in range(hours):
        await clock.advance(HOUR)
        await emulator.settle()


def utc_hours(messages: list[dict]) -> list[tuple[str, int]]:
    out = []
    for message in messages:
        stamp = datetime.fromisoformat(message["timestamp"]).astimezone(UTC)
        out.append((stamp.date().isoformat(), stamp.hour))
    return out


async def test_daily_prompt_stays_at_18_00_berlin_across_spring_forward(
    guild, bot, emulator, clock
):
    _, channel = await book_club(guild, bot)
    await clock.set(datetime(2027, 3, 26, 12, 0, tzinfo=UTC))  # Friday before the change
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await hour_by_hour(clock, emulator, 4 * 24)
    # 18:00 CET = 17:00 UTC until Saturday; 18:00 CEST = 16:00 UTC from Sunday 28 March.
    assert utc_hours(prompts(guild, channel)) == [
        ("2027-03-26", 17),
        ("2027-03-27", 17),
        ("2027-03-28", 16),
        ("2027-03-29", 16),
    ]
    assert len(summaries(guild, channel)) == 3


async def test_weekly_by_weekday_name_and_default_weekday(guild, bot, emulator, clock):
    _, channel = await book_club(guild, bot)
    # The clock starts on Tuesday 2026-12-01, 13:00 in Berlin.
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="weekly", time="18:00"
    )
    assert "every Tuesday" in r.text
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="weekly", time="09:00", weekday="Thursday"
    )
    assert "every Thursday" in r.text
    await hour_by_hour(clock, emulator, 2 * 24)  # Thursday 13:00 Berlin: 09:00 prompt out
    assert utc_hours(prompts(guild, channel)) == [("2026-12-03", 8)]
    await guild.bob.slash("checkin log", group="Book Club", note="week one")
    await clock.advance(7 * DAY)
    await emulator.settle()
    assert len(prompts(guild, channel)) == 2
    posted = summaries(guild, channel)
    assert len(posted) == 1 and "week one" in posted[0]["content"]
    assert f"<@{guild.carol.id}>" in missed_part(posted[0])


async def test_unscheduled_groups_use_calendar_days(guild, bot, clock):
    await book_club(guild, bot)
    await guild.bob.slash("checkin log", group="Book Club")  # 13:00 Berlin, Dec 1
    await clock.advance(10 * HOUR)  # 23:00 Berlin, still Dec 1
    r = await guild.bob.slash("checkin log", group="Book Club")
    assert "Updated" in r.text
    await clock.advance(2 * HOUR)  # 01:00 Berlin, Dec 2: a new day
    r = await guild.bob.slash("checkin log", group="Book Club")
    assert "Checked in" in r.text and "Current streak: **2**" in r.text
    keys = await bot.store.fetchall("SELECT period_key FROM checkins ORDER BY period_start")
    assert [k[0] for k in keys] == ["2026-12-01", "2026-12-02"]


async def test_group_option_autocompletes_by_name(guild, bot):
    await book_club(guild, bot)
    choices = await guild.bob.autocomplete("checkin log", "group", "book")
    assert [c["name"] for c in choices] == ["Book Club"]
    assert await guild.dave.autocomplete("checkin log", "group", "book") == []
    led = await guild.bob.autocomplete("checkin schedule", "group", "")
    assert led == []  # bob is a member, not a leader
    led = await guild.alice.autocomplete("checkin schedule", "group", "")
    assert [c["name"] for c in led] == ["Book Club"]


async def test_streak_shows_current_best_and_rate_and_the_board_ranks(guild, bot, clock):
    await book_club(guild, bot)
    for _ in range(3):
        await guild.bob.slash("checkin log", group="Book Club")
        await clock.advance(DAY)
    await guild.carol.slash("checkin log", group="Book Club")
    r = await guild.bob.slash("checkin streak")
    assert "Book Club" in r.text
    assert "current streak: **3**" in r.text  # today's period is still open
    assert "best streak: **3**" in r.text and "completion rate: **100%**" in r.text
    r = await guild.alice.slash("checkin streak", member=guild.carol, group="Book Club")
    assert "current streak: **1**" in r.text
    r = await guild.alice.slash("checkin board", group="Book Club", period="all")
    lines = r.text.splitlines()
    assert "all time" in lines[0]
    assert f"<@{guild.bob.id}> — 3 check-ins" in lines[1]
    assert f"<@{guild.carol.id}> — 1 check-in " in lines[2]
    assert f"<@{guild.alice.id}> — 0 check-ins" in lines[3]


async def test_modal_open_across_a_restart_still_checks_in(guild, bot, emulator, clock, start_bot):
    gid, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    shown = await guild.bob.click(
        prompts(guild, channel)[-1], button_id(prompts(guild, channel)[-1])
    )
    assert shown.modal is not None
    assert shown.modal["custom_id"] == f"huddle:checkins:checkin-modal:{gid}"
    # Nothing kept in memory to lose: the submit below reaches a freshly started bot.
    bot = await restart(bot, start_bot)  # real ready timing: submit before on_ready
    r = await guild.bob.submit_modal(
        shown, {"note": "typed during the restart", "status": "partial"}
    )
    before_ready(bot)
    assert r.ephemeral and "Checked in" in r.text and "Book Club" in r.text, r.text
    rows = await bot.store.fetchall("SELECT user_id, status, note FROM checkins")
    assert [tuple(row) for row in rows] == [(guild.bob.id, "partial", "typed during the restart")]
    # The same modal again (a second submit) updates the check-in, once.
    r = await guild.bob.submit_modal(shown, {"note": "again", "status": "done"})
    assert "Updated your check-in" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkins") == 1


async def test_modal_submit_by_a_non_member_is_refused(guild, bot, emulator, clock):
    _, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    shown = await guild.bob.click(
        prompts(guild, channel)[-1], button_id(prompts(guild, channel)[-1])
    )
    await guild.bob.slash("group leave", group="Book Club")
    r = await guild.bob.submit_modal(shown, {"note": "left already"})
    assert r.ephemeral and "Only members" in r.text, r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkins") == 0


async def test_unschedule_keeps_the_open_period_to_its_summary(guild, bot, emulator, clock):
    _, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)  # 18:00 Berlin: the prompt
    await emulator.settle()
    prompt = prompts(guild, channel)[-1]
    await guild.bob.slash("checkin log", group="Book Club", note="before unschedule")
    await clock.advance(2 * HOUR)
    r = await guild.alice.slash("checkin unschedule", group="Book Club")
    assert "stopped" in r.text and "summary still posts when it ends" in r.text, r.text
    # The open period runs on: the prompt's button still counts towards it.
    shown = await guild.carol.click(prompt, button_id(prompt))
    r = await guild.carol.submit_modal(shown, {"note": "after unschedule", "status": "done"})
    assert "Checked in" in r.text, r.text
    keys = await bot.store.fetchall("SELECT DISTINCT period_key FROM checkins")
    assert [k[0] for k in keys] == ["2026-12-01"]
    await clock.advance(22 * HOUR - 1)
    await emulator.settle()
    assert summaries(guild, channel) == []  # not before the period's end
    await clock.advance(1)  # Dec 2, 18:00 Berlin: the period's natural end
    await emulator.settle()
    posted = summaries(guild, channel)
    assert len(posted) == 1
    text = posted[0]["content"]
    assert "before unschedule" in text and "after unschedule" in text
    assert f"<@{guild.alice.id}>" in missed_part(posted[0])
    assert f"<@{guild.carol.id}>" not in missed_part(posted[0])
    await clock.advance(3 * DAY)
    await emulator.settle()
    assert len(prompts(guild, channel)) == 1 and len(summaries(guild, channel)) == 1
    assert await bot.store.fetchval("SELECT COUNT(*) FROM jobs") == 0


async def test_unschedule_before_any_prompt_leaves_nothing_behind(guild, bot, emulator, clock):
    await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    r = await guild.alice.slash("checkin unschedule", group="Book Club")
    assert "stopped" in r.text and "summary" not in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM jobs") == 0


async def test_rescheduling_after_unschedule_posts_one_summary(
    guild, bot, emulator, clock, start_bot
):
    _, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    await guild.bob.slash("checkin log", group="Book Club", note="first period")
    await guild.alice.slash("checkin unschedule", group="Book Club")
    # the final summary job survives a restart (real ready timing)
    bot = await restart(bot, start_bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    before_ready(bot)
    await until_ready(bot, emulator)
    await clock.advance(DAY)
    await emulator.settle()
    posted = summaries(guild, channel)
    assert len(posted) == 1 and "first period" in posted[0]["content"]
    assert len(prompts(guild, channel)) == 2  # the new schedule's prompt went out
    await clock.advance(DAY)
    await emulator.settle()
    assert len(summaries(guild, channel)) == 2

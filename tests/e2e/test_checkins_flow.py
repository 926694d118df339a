"""Check-ins through the emulator: a week of daily prompts, the button and its modal,
summaries naming who missed, nudges by DM and their channel fallback, restarts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.checkins import (
    DAY,
    HOUR,
    book_club,
    bot_messages,
    button_id,
    check_in_by_button,
    missed_part,
    prompts,
    sent_bodies,
    stop,
    summaries,
)
from tests.support.groups import create
from tests.support.restart import before_ready, restart, until_ready

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.checkins")


async def test_a_week_of_daily_prompts(guild, bot, emulator, clock):
    _, channel = await book_club(guild, bot)
    await guild.bob.slash("goal set", group="Book Club", text="Read 20 pages a day")
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00"
    )
    assert "scheduled" in r.text and "Europe/Berlin" in r.text
    assert prompts(guild, channel) == []
    await clock.advance(5 * HOUR)  # 2026-12-01 18:00 Berlin
    await emulator.settle()
    first = prompts(guild, channel)
    assert len(first) == 1 and "Read 20 pages a day" in first[0]["content"]
    for day in range(7):
        prompt = prompts(guild, channel)[-1]
        done = await check_in_by_button(guild.bob, prompt, f"Day {day}\nmore detail")
        assert done.ephemeral and "Checked in" in done.text
        if day % 2 == 0:
            await guild.alice.slash(
                "checkin log", group="Book Club", note="logged", status="partial"
            )
        await clock.advance(DAY)
        await emulator.settle()
    assert len(prompts(guild, channel)) == 8
    posted = summaries(guild, channel)
    assert len(posted) == 7
    last = posted[-1]["content"]
    assert f"<@{guild.bob.id}> (done) — Day 6" in last and "more detail" not in last
    assert f"🔥 <@{guild.bob.id}> reached a 7-period streak" in last
    assert "7-period streak" not in posted[-2]["content"]
    missed = missed_part(posted[-1])
    assert f"<@{guild.carol.id}>" in missed and f"<@{guild.bob.id}>" not in missed
    assert f"<@{guild.alice.id}>" in missed_part(posted[1])  # alice skipped day 1
    assert f"<@{guild.alice.id}>" not in missed_part(posted[2])
    # Named, but nobody is pinged by a summary.
    bodies = sent_bodies(emulator, "Check-in summary")
    assert len(bodies) == len(posted), bodies  # the loop below looks at every summary
    for body in bodies:
        assert body["allowed_mentions"]["parse"] == []
        assert not body["allowed_mentions"].get("users")
    # Prompts stay at 18:00 Berlin (17:00 UTC in December).
    for prompt in prompts(guild, channel):
        stamp = datetime.fromisoformat(prompt["timestamp"]).astimezone(UTC)
        assert (stamp.hour, stamp.minute) == (17, 0)
    r = await guild.bob.slash("checkin streak", group="Book Club")
    assert "current streak: **7**" in r.text and "best streak: **7**" in r.text
    assert "100%" in r.text
    r = await guild.alice.slash("checkin board", group="Book Club", period="week")
    lines = r.text.splitlines()
    assert f"<@{guild.bob.id}>" in lines[1] and f"<@{guild.carol.id}>" in lines[-1]


async def test_second_checkin_updates_the_first(guild, bot):
    gid, _ = await book_club(guild, bot)
    first = await guild.bob.slash("checkin log", group="Book Club", note="started")
    assert "Checked in" in first.text
    second = await guild.bob.slash("checkin log", group="Book Club", note="finished", status="done")
    assert "Updated" in second.text
    rows = await bot.store.fetchall("SELECT note FROM checkins WHERE group_id = ?", (gid,))
    assert [r["note"] for r in rows] == ["finished"]


async def test_only_members_can_check_in(guild, bot, emulator, clock):
    _, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    prompt = prompts(guild, channel)[-1]
    r = await guild.dave.click(prompt, button_id(prompt))
    assert r.modal is None and r.ephemeral and "Only members" in r.text
    r = await guild.dave.slash("checkin log", group="Book Club")
    assert r.ephemeral and "Only members" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkins") == 0


async def test_schedule_is_for_leaders_and_validated(guild, bot):
    await book_club(guild, bot)
    r = await guild.bob.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    assert r.ephemeral and "Only leaders" in r.text
    r = await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="6")
    assert r.ephemeral and "24-hour" in r.text
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00", nudge=24
    )
    assert r.ephemeral and "nudge" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkin_schedules") == 0
    assert await bot.store.fetchval("SELECT COUNT(*) FROM jobs") == 0
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="weekly", time="09:30", weekday="Friday"
    )
    assert "every Friday" in r.text
    r = await guild.alice.slash("checkin unschedule", group="Book Club")
    assert "stopped" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM jobs") == 0


async def test_modal_status_partial_is_chosen_from_the_select(guild, bot, emulator, clock):
    _, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    r = await check_in_by_button(guild.bob, prompts(guild, channel)[-1], "hm", status="partial")
    assert r.ephemeral and "Checked in" in r.text
    assert await bot.store.fetchval("SELECT status FROM checkins") == "partial"


async def test_nudge_by_dm_and_channel_fallback(guild, bot, emulator, clock):
    _, channel = await book_club(guild, bot)
    await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00", nudge=2
    )
    await clock.advance(5 * HOUR)
    await emulator.settle()
    await guild.bob.slash("checkin log", group="Book Club", note="done early")
    guild.carol.close_dms()
    emulator.reset_requests()
    await clock.advance(22 * HOUR)  # 2 h before the period closes
    await emulator.settle()
    assert any("nudge" in m["content"] for m in guild.alice.dm_messages())
    assert not any("nudge" in m["content"] for m in guild.bob.dm_messages())
    assert not guild.carol.dm_messages()
    fallback = bot_messages(guild, channel, "you haven't checked in yet")
    assert len(fallback) == 1 and f"<@{guild.carol.id}>" in fallback[0]["content"]
    assert f"<@{guild.alice.id}>" not in fallback[0]["content"]  # DM'd: never both
    bodies = sent_bodies(emulator, "you haven't checked in yet")
    assert [str(u) for u in bodies[0]["allowed_mentions"]["users"]] == [str(guild.carol.id)]
    # Never twice: the same nudge run again (a retry) sends nothing more.
    row = await bot.store.fetchone(
        "SELECT group_id, period_key, period_start FROM checkin_periods"
        " ORDER BY period_start DESC LIMIT 1"
    )
    payload = {"group_id": row[0], "period_key": row[1], "start": row[2]}
    await bot.scheduler.schedule("checkin.nudge", clock.now(), payload, guild.id)
    await clock.advance(1)
    await emulator.settle()
    assert len(bot_messages(guild, channel, "you haven't checked in yet")) == 1
    assert len([m for m in guild.alice.dm_messages() if "nudge" in m["content"]]) == 1


async def test_restart_between_prompt_and_summary_loses_nothing(
    guild, bot, emulator, clock, start_bot
):
    _, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    await guild.bob.slash("checkin log", group="Book Club", note="before restart")
    bot = await restart(bot, start_bot)  # real ready timing
    prompt = prompts(guild, channel)[-1]
    r = await check_in_by_button(guild.carol, prompt, "after restart")  # the old button works
    assert "Checked in" in r.text  # … already before on_ready
    before_ready(bot)
    await until_ready(bot, emulator)
    await clock.advance(0)
    await clock.advance(DAY)
    await emulator.settle()
    assert len(prompts(guild, channel)) == 2
    posted = summaries(guild, channel)
    assert len(posted) == 1
    assert "before restart" in posted[0]["content"] and "after restart" in posted[0]["content"]
    assert f"<@{guild.alice.id}>" in missed_part(posted[0])


async def test_prompts_missed_while_down_are_not_posted_late(
    guild, bot, emulator, clock, start_bot
):
    """A bot that comes back during a period that had no prompt yet posts that period's
    prompt then; periods that passed entirely while it was down are not prompted (a bug
    once: the overdue job saw its own period closed and skipped the running one)."""
    _, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)  # day 1 prompt
    await emulator.settle()
    await guild.bob.slash("checkin log", group="Book Club")
    await stop(bot, clock)
    await clock.advance(2 * DAY + 2 * HOUR)  # down over two prompts: now day 3, 20:00
    bot = await restart(bot, start_bot)  # real ready timing
    # Before on_ready (so before the catch-up prompt): carol's check-in is the running
    # period's, not the closed day-1 period's whose summary is still to be posted.
    r = await guild.carol.slash("checkin log", group="Book Club")
    assert "Checked in" in r.text, r.text
    before_ready(bot)
    await until_ready(bot, emulator)
    await clock.advance(0)
    await emulator.settle()
    shown = prompts(guild, channel)
    # Day 1's prompt, then the running day-3 period's, posted on coming back; day 2's never.
    assert len(shown) == 2, [m["content"][:60] for m in shown]
    running_from = datetime(2026, 12, 3, 17, 0, tzinfo=UTC).timestamp()  # 18:00 Berlin
    assert f"<t:{int(running_from + DAY)}" in shown[1]["content"]  # "before" day 4, 18:00
    posted = summaries(guild, channel)
    assert len(posted) == 1 and f"<@{guild.carol.id}>" in missed_part(posted[0])
    # The running period is the one a check-in counts for, and it is nudged/summarised.
    await clock.advance(22 * HOUR)  # day 4, 18:00: the schedule goes on
    await emulator.settle()
    assert len(prompts(guild, channel)) == 3
    posted = summaries(guild, channel)
    assert len(posted) == 2  # day 2 (no prompt) has no summary; day 3's has Carol's
    assert f"<@{guild.carol.id}>" not in missed_part(posted[1])
    await clock.advance(DAY)
    await emulator.settle()
    assert len(summaries(guild, channel)) == 3


async def test_goals_are_listed_across_groups(guild, bot):
    await book_club(guild, bot)
    await create(guild.alice, "Runners")
    await guild.alice.slash("goal set", group="Book Club", text="Finish Dune")
    await guild.alice.slash("goal set", group="Runners", text="5 km under 30 min")
    r = await guild.alice.slash("goal list")
    assert "Finish Dune" in r.text and "5 km under 30 min" in r.text
    # Bob is in Book Club only: Runners is private to him (a group is private).
    r = await guild.bob.slash("goal list", member=guild.alice)
    assert "Finish Dune" in r.text and "5 km under 30 min" not in r.text
    await guild.alice.slash("goal clear", group="Runners")
    r = await guild.alice.slash("goal list")
    assert "Finish Dune" in r.text and "5 km" not in r.text
    r = await guild.dave.slash("goal set", group="Book Club", text="lurk")
    assert r.ephemeral and "Only members" in r.text


async def test_disabled_feature_answers_that_it_is_off(guild, bot):
    await book_club(guild, bot)
    await bot.config.set_feature(guild.id, "checkins", False)
    r = await guild.bob.slash("checkin log", group="Book Club")
    assert r.ephemeral and "**off**" in r.text

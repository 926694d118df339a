"""Acceptance checks for check-ins, written from the rules alone (docs/rules.md,
"Check-ins", and what members see; docs/testing.md, "Acceptance tests"):
exact command/option names, the **Check in** button and its modal, the **Missed** heading,
streaks with %, the board periods, nudges, restarts, typed names and case differences."""

from __future__ import annotations

import pytest

from tests.support.checkins import (
    DAY,
    HOUR,
    bot_messages,
    button_id,
    check_in_by_button,
    prompts,
    summaries,
)
from tests.support.groups import create
from tests.support.restart import before_ready, restart, until_ready

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.checkins")


async def club(guild, bot) -> int:
    """Alice leads Book Club (server zone UTC); Bob and Carol join. Returns its channel."""
    await create(guild.alice, "Book Club")
    for user in (guild.bob, guild.carol):
        r = await user.slash("group join", group="Book Club")
        assert "joined" in r.text, r.text
    found = next(c for c in guild.channels() if c["name"] == "book-club")
    return int(found["id"])


async def daily_at_18(guild, emulator, clock, **options) -> dict:
    """Schedule daily 18:00 and advance to the first prompt (the clock starts 12:00 UTC)."""
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00",
        in_channel="book-club", **options,
    )  # fmt: skip
    assert not r.ephemeral and "scheduled" in r.text, r.text  # public in the group's channel
    await clock.advance(6 * HOUR)
    await emulator.settle()
    return r


def summary_parts(text: str) -> tuple[str, str]:
    assert "**Missed**" in text, text
    before, after = text.split("**Missed**", 1)
    return before, after.split("**Streak", 1)[0]


async def counts(bot) -> tuple[int, int]:
    schedules = await bot.store.fetchval("SELECT COUNT(*) FROM checkin_schedules")
    jobs = await bot.store.fetchval("SELECT COUNT(*) FROM jobs")
    return schedules, jobs


# -- /goal ---------------------------------------------------------------------------------


async def test_goal_set_list_clear_and_shown_on_prompt_and_summary(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    r = await guild.bob.slash("goal set", group="book club", text="Read 20 pages")  # typed name
    assert "Read 20 pages" in r.text
    r = await guild.bob.slash("goal set", group="Book Club", text="Read 30 pages")  # replaces
    r = await guild.carol.slash("goal list", member=guild.bob)
    assert "Read 30 pages" in r.text and "Read 20 pages" not in r.text and "Book Club" in r.text
    await daily_at_18(guild, emulator, clock)
    assert "Read 30 pages" in prompts(guild, channel)[-1]["content"]
    await guild.bob.slash("checkin log", group="Book Club", note="p. 1-30")
    await clock.advance(DAY)
    await emulator.settle()
    assert "Read 30 pages" in summaries(guild, channel)[-1]["content"]
    r = await guild.bob.slash("goal clear", group="Book Club")
    assert r.ephemeral is not None and "cleared" in r.text
    r = await guild.bob.slash("goal list")
    assert "Read 30 pages" not in r.text
    r = await guild.bob.slash("goal clear", group="Book Club")
    assert r.ephemeral and "no goal" in r.text


async def test_goal_refusals_are_ephemeral_and_change_nothing(guild, bot):
    await club(guild, bot)
    r = await guild.dave.slash("goal set", group="Book Club", text="lurk")
    assert r.ephemeral and "Only members" in r.text
    r = await guild.bob.slash("goal set", group="No Such Group", text="x")
    assert r.ephemeral and "no group" in r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkin_goals") == 0


# -- /checkin schedule ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Tuesday", "tuesday", "TUESDAY", "Tue"])
async def test_schedule_takes_the_weekday_by_name(guild, bot, typed):
    await club(guild, bot)
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="weekly", time="18:00", weekday=typed
    )
    assert r.ephemeral and "every Tuesday" in r.text, r.text  # elsewhere: only to the leader


async def test_weekday_autocompletes_names(guild, bot):
    await club(guild, bot)
    choices = await guild.alice.autocomplete("checkin schedule", "weekday", "tu")
    assert [c["value"] for c in choices] == ["Tuesday"]


async def test_cadence_and_status_accept_capitalised_names(guild, bot):
    await club(guild, bot)
    r = await guild.alice.slash("checkin schedule", group="Book Club", cadence="Daily", time="9:05")
    assert "09:05" in r.text and "daily" in r.text
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="09:05", weekday="Monday"
    )
    assert "daily" in r.text and "only applies to weekly" in r.text
    r = await guild.bob.slash("checkin log", group="Book Club", status="Done")
    assert "Checked in" in r.text
    r = await guild.bob.slash("checkin log", group="Book Club", status="blocked")
    assert "Updated" in r.text
    assert await bot.store.fetchval("SELECT status FROM checkins") == "blocked"


@pytest.mark.parametrize("bad", ["25:00", "18h", "18:60", "", "tomorrow"])
async def test_bad_time_gets_a_clear_ephemeral_error(guild, bot, bad):
    await club(guild, bot)
    r = await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time=bad)
    assert r.ephemeral and "18:00" in r.text and "24-hour" in r.text
    assert await counts(bot) == (0, 0)


async def test_bad_weekday_gets_a_clear_ephemeral_error(guild, bot):
    await club(guild, bot)
    r = await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="weekly", time="18:00", weekday="Funday"
    )
    assert r.ephemeral and "not a weekday" in r.text and "Tuesday" in r.text
    assert await counts(bot) == (0, 0)


async def test_only_leaders_schedule_and_unschedule(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    r = await guild.bob.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    assert r.ephemeral and "Only leaders" in r.text
    r = await guild.dave.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    assert r.ephemeral and "Only leaders" in r.text
    assert await counts(bot) == (0, 0)
    await guild.alice.slash("group promote", group="Book Club", member=guild.bob)
    r = await guild.bob.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00", in_channel=channel
    )
    assert not r.ephemeral and "scheduled" in r.text
    r = await guild.carol.slash("checkin unschedule", group="Book Club")
    assert r.ephemeral and "Only leaders" in r.text
    r = await guild.alice.slash("checkin unschedule", group="Book Club")
    assert "stopped" in r.text
    await clock.advance(2 * DAY)
    await emulator.settle()
    assert prompts(guild, channel) == []
    r = await guild.alice.slash("checkin unschedule", group="Book Club")
    assert r.ephemeral and "no check-in schedule" in r.text


async def test_scheduling_again_replaces_the_schedule(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="20:00")
    await clock.advance(7 * HOUR)  # 19:00: the replaced 18:00 prompt does not come
    await emulator.settle()
    assert prompts(guild, channel) == []
    await clock.advance(HOUR)
    await emulator.settle()
    assert len(prompts(guild, channel)) == 1


async def test_prompt_text_and_nudge_options(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    r = await daily_at_18(guild, emulator, clock, prompt="Pages read today?", nudge=3)
    assert "3 h" in r.text
    assert "Pages read today?" in prompts(guild, channel)[-1]["content"]
    await clock.advance(21 * HOUR)  # 3 h before it closes
    await emulator.settle()
    assert any("haven't checked in" in m["content"] for m in guild.bob.dm_messages())


async def test_nudge_falls_back_to_one_mention_in_the_channel(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock, nudge=2)
    await guild.alice.slash("checkin log", group="Book Club")
    guild.bob.close_dms()
    guild.carol.close_dms()
    await clock.advance(22 * HOUR)
    await emulator.settle()
    fallback = bot_messages(guild, channel, "haven't checked in")
    assert len(fallback) == 1
    text = fallback[0]["content"]
    assert guild.bob.mention in text and guild.carol.mention in text
    assert guild.alice.mention not in text
    assert not any("haven't checked in" in m["content"] for m in guild.alice.dm_messages())


# -- the Check in button and its modal -----------------------------------------------------


async def test_button_reads_check_in_and_opens_note_and_status_fields(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    prompt = prompts(guild, channel)[-1]
    shown = await guild.bob.click(prompt, button_id(prompt))
    assert shown.modal is not None
    r = await guild.bob.submit_modal(shown, {"note": "Chapter 1", "status": "done"})
    assert r.ephemeral and "Checked in" in r.text
    shown = await guild.bob.click(prompt, button_id(prompt))
    r = await guild.bob.submit_modal(shown, {"note": "Chapter 2", "status": "partial"})
    assert r.ephemeral and "Updated" in r.text
    row = await bot.store.fetchone("SELECT status, note FROM checkins")
    assert tuple(row) == ("partial", "Chapter 2")


async def test_modal_status_is_a_select_of_the_three_statuses(guild, bot, emulator, clock):
    """A select, not free text: a mistyped word can no longer lose the note."""
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    prompt = prompts(guild, channel)[-1]
    shown = await guild.bob.click(prompt, button_id(prompt))
    [label] = [c for c in shown.modal["components"] if c["type"] == 18]
    select = label["component"]
    assert label["label"] == "Status" and select["type"] == 3 and select["custom_id"] == "status"
    offered = [f"{o['emoji']['name']} {o['label']}" for o in select["options"]]
    assert offered == ["✅ Done", "🟡 Partial", "⛔ Blocked"], offered
    assert [o["value"] for o in select["options"] if o.get("default")] == ["done"]
    with pytest.raises(AssertionError, match="offers"):  # the client offers only these
        await guild.bob.submit_modal(shown, {"note": "hm", "status": "maybe"})
    r = await guild.bob.submit_modal(shown, {"note": "stuck on ch. 3", "status": ["blocked"]})
    assert r.ephemeral and "Checked in" in r.text, r.text
    row = await bot.store.fetchone("SELECT status, note FROM checkins")
    assert tuple(row) == ("blocked", "stuck on ch. 3")


async def test_modal_with_only_a_note_counts_as_done(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    prompt = prompts(guild, channel)[-1]
    shown = await guild.carol.click(prompt, button_id(prompt))
    r = await guild.carol.submit_modal(shown, {"note": "read"})
    assert "Checked in" in r.text
    assert await bot.store.fetchval("SELECT status FROM checkins") == "done"


async def test_button_and_commands_answer_off_when_disabled(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    r = await guild.admin.slash("config feature", feature="checkins", enabled=False)
    prompt = prompts(guild, channel)[-1]
    r = await guild.bob.click(prompt, button_id(prompt))
    assert r.modal is None and r.ephemeral and "**off**" in r.text
    for command, options in [
        ("checkin log", {"group": "Book Club"}),
        ("checkin streak", {}),
        ("checkin board", {"group": "Book Club"}),
        ("goal list", {}),
    ]:
        r = await guild.bob.slash(command, **options)
        assert r.ephemeral and "**off**" in r.text, command


# -- /checkin log, streak, board -----------------------------------------------------------


async def test_second_log_in_a_period_updates_the_first(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    r = await guild.bob.slash("checkin log", group="Book Club", note="first", status="partial")
    assert r.ephemeral and "Checked in" in r.text
    await clock.advance(5 * HOUR)
    r = await guild.bob.slash("checkin log", group="Book Club", note="second")
    assert "Updated" in r.text
    await clock.advance(DAY)
    await emulator.settle()
    summary = summaries(guild, channel)[-1]["content"]
    assert "second" in summary and "first" not in summary
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkins") == 1


async def test_streak_shows_current_best_and_rate(guild, bot, emulator, clock):
    await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    for day in range(5):
        if day != 2:
            await guild.bob.slash("checkin log", group="Book Club")
        await clock.advance(DAY)
        await emulator.settle()
    r = await guild.bob.slash("checkin streak")
    assert "current streak: **2**" in r.text and "best streak: **2**" in r.text
    assert "80%" in r.text
    r = await guild.alice.slash("checkin streak", member=guild.carol, group="Book Club")
    assert "current streak: **0**" in r.text and "0%" in r.text
    r = await guild.dave.slash("checkin streak")
    assert r.ephemeral and "no group" in r.text


async def test_board_for_week_month_and_all(guild, bot, clock):
    await club(guild, bot)
    for _ in range(10):
        await guild.bob.slash("checkin log", group="Book Club")
        await clock.advance(DAY)
    await guild.carol.slash("checkin log", group="Book Club")
    await clock.advance(6 * HOUR)  # Dec 11 18:00: the last 7 days hold Bob's Dec 5 … Dec 10
    expected = {"week": 6, "month": 10, "all": 10}
    for period, bob_count in expected.items():
        r = await guild.alice.slash("checkin board", group="Book Club", period=period)
        lines = r.text.splitlines()
        assert period in lines[0].lower() or (period == "all" and "all time" in lines[0])
        assert guild.bob.mention in lines[1] and f"{bob_count} check-ins" in lines[1]
        assert guild.carol.mention in lines[2] and guild.alice.mention in lines[3]
    r = await guild.alice.slash("checkin board", group="Book Club")  # default: week
    assert "6 check-ins" in r.text


# -- summaries -----------------------------------------------------------------------------


async def test_summary_lists_checked_in_then_missed(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    await check_in_by_button(guild.bob, prompts(guild, channel)[-1], "chapter 4")
    await clock.advance(DAY)
    await emulator.settle()
    posted = summaries(guild, channel)
    assert len(posted) == 1
    checked, missed = summary_parts(posted[0]["content"])
    assert guild.bob.mention in checked and "chapter 4" in checked
    assert guild.alice.mention in missed and guild.carol.mention in missed
    assert guild.bob.mention not in missed


async def test_check_in_before_the_first_prompt_still_gets_a_summary(guild, bot, emulator, clock):
    channel = await club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await guild.bob.slash("checkin log", group="Book Club", note="early bird")
    await clock.advance(DAY)
    await emulator.settle()
    posted = summaries(guild, channel)
    assert len(posted) == 1
    checked, missed = summary_parts(posted[0]["content"])
    assert "early bird" in checked and guild.carol.mention in missed
    await clock.advance(DAY)
    await emulator.settle()
    assert len(summaries(guild, channel)) == 2


async def test_summary_due_while_down_posts_on_start(guild, bot, emulator, clock, start_bot):
    channel = await club(guild, bot)
    await daily_at_18(guild, emulator, clock)
    await guild.carol.slash("checkin log", group="Book Club", note="before the outage")
    await clock.advance(DAY + HOUR)  # the period closed while the bot was down
    bot = await restart(bot, start_bot)  # real ready timing
    # Before on_ready (the closed period's summary not posted yet): bob's check-in is
    # the running period's, not the closed one's.
    await guild.bob.slash("checkin log", group="Book Club", note="after the outage")
    before_ready(bot)
    await until_ready(bot, emulator)
    await clock.advance(0)
    await emulator.settle()
    posted = summaries(guild, channel)
    assert len(posted) == 1
    checked, missed = summary_parts(posted[0]["content"])
    assert "before the outage" in checked and guild.bob.mention in missed
    assert "after the outage" not in posted[0]["content"]


async def test_goal_list_leaves_out_groups_the_member_left(guild, bot):
    await club(guild, bot)
    await guild.bob.slash("goal set", group="Book Club", text="Finish Dune")
    r = await guild.bob.slash("group leave", group="Book Club")
    r = await guild.bob.slash("goal list")
    assert "Finish Dune" not in r.text and "no goals" in r.text

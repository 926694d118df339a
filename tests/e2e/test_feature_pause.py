"""A switched-off feature is paused: nothing of it is posted, its scheduled work
waits (parked by the scheduler, not failed), and switched on again what fell due meanwhile
is done once, except prompts, reminders and nudges whose moment has passed. One test per
feature with scheduled work (groups has none; the insights digest is in
test_insights_flow)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.cycles import book_club, polls_in, posts, settle, start
from tests.support.events import button_ids, event_message
from tests.support.polls import fast_edits, last_poll, poll_text, quiet

HOUR = 3600.0


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


async def switch(guild, feature: str, enabled: bool) -> None:
    r = await guild.admin.slash("config feature", feature=feature, enabled=enabled)
    assert "now" in r.text, r.text


async def parked_kinds(bot, guild, feature: str) -> list[str]:
    return [job.kind for job in await bot.scheduler.parked(guild.id, feature)]


async def test_checkins_paused_keep_their_summary_and_drop_passed_prompts_and_nudges(
    guild, bot, emulator, clock
):
    # The fake clock starts Tue 1 Dec 2026 12:00 UTC; the server's zone is UTC.
    channel = await book_club(guild, bot)
    await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00", nudge=2
    )
    await clock.set(at(2026, 12, 1, 18) + 1)
    await settle(bot, emulator)
    assert len(posts(guild, channel, "Check-in — Book Club")) == 1
    await guild.bob.slash("checkin log", group="Book Club", note="read 20 pages")

    await switch(guild, "checkins", False)
    for moment in (at(2026, 12, 2, 16) + 1, at(2026, 12, 2, 18) + 1):  # the nudge, the prompt
        await clock.set(moment)
        await settle(bot, emulator)
    assert len(posts(guild, channel, "Check-in — Book Club")) == 1
    assert posts(guild, channel, "Check-in summary") == []
    assert guild.carol.dm_messages() == []
    assert "checkin.prompt" in await parked_kinds(bot, guild, "checkins")

    await clock.set(at(2026, 12, 2, 20))
    await switch(guild, "checkins", True)
    await settle(bot, emulator)
    # the summary that fell due is posted once now; the passed prompt and nudge are not
    [summary] = posts(guild, channel, "Check-in summary")
    assert "read 20 pages" in summary["content"]
    assert len(posts(guild, channel, "Check-in — Book Club")) == 1
    assert guild.carol.dm_messages() == []
    await clock.set(at(2026, 12, 3, 18) + 1)  # the schedule goes on from its next prompt
    await settle(bot, emulator)
    assert len(posts(guild, channel, "Check-in — Book Club")) == 2
    assert len(posts(guild, channel, "Check-in summary")) == 1


async def test_polls_paused_close_once_when_switched_on(guild, bot, emulator, clock):
    fast_edits(bot)
    await guild.alice.slash(
        "poll create", question="Which book?", options="Dune; Emma", closes="1d"
    )
    poll = last_poll(guild)
    await switch(guild, "polls", False)
    await clock.advance(2 * 86400)
    await quiet(bot, emulator)
    assert "closed" not in poll_text(guild.message(int(poll["id"]))).lower()
    assert await parked_kinds(bot, guild, "polls") == ["poll.close"]

    await switch(guild, "polls", True)
    await quiet(bot, emulator)
    assert "closed" in poll_text(guild.message(int(poll["id"]))).lower()
    assert await bot.scheduler.parked(guild.id) == []


async def test_events_paused_drop_passed_reminders_and_end_once_switched_on(
    guild, bot, emulator, clock
):
    await guild.alice.slash(
        "event create", title="Board games", when="tomorrow 18:00", remind="1h", duration="1h"
    )
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    await switch(guild, "events", False)
    await clock.set(at(2026, 12, 2, 19, 30))  # the reminder (17:00) and the end (19:00) pass
    await emulator.settle()
    assert not [m for m in guild.messages(guild.general) if "starts" in (m.get("content") or "")]
    parked = await parked_kinds(bot, guild, "events")
    assert "event.remind" in parked
    status = await bot.store.fetchval("SELECT status FROM events")
    assert status == "scheduled"  # its end waits too

    await switch(guild, "events", True)
    await emulator.settle()
    await bot.scheduler.run_due()
    assert not [m for m in guild.messages(guild.general) if "starts" in (m.get("content") or "")]
    assert await bot.store.fetchval("SELECT status FROM events") == "ended"
    assert await bot.scheduler.parked(guild.id) == []


async def test_cycles_paused_post_no_ballot_until_switched_on(guild, bot, emulator, clock):
    channel = await book_club(guild, bot)
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    await guild.carol.slash("cycle nominate", group="Book Club", pick="Emma")
    await switch(guild, "cycles", False)
    await clock.set(at(2026, 12, 6, 12) + 1)  # the nomination deadline
    await settle(bot, emulator)
    assert polls_in(guild, channel) == []
    assert await parked_kinds(bot, guild, "cycles") == ["cycle.close"]

    await clock.set(at(2026, 12, 6, 15))
    await switch(guild, "cycles", True)
    await settle(bot, emulator)
    assert len(polls_in(guild, channel)) == 1  # the deadline that fell due, once
    await clock.advance(60)
    await settle(bot, emulator)
    assert len(polls_in(guild, channel)) == 1


async def test_polls_paused_count_no_reaction_until_switched_on(guild, bot, emulator):
    """Paused, a reaction is neither counted nor shown (the message is not edited);
    switched on again, the poll is reconciled with its reactions: the vote counts."""
    fast_edits(bot)
    await guild.alice.slash("poll create", question="Which book?", options="Dune; Emma")
    poll = last_poll(guild)
    message_id = int(poll["id"])
    await quiet(bot, emulator)
    await switch(guild, "polls", False)
    edits_before = emulator.count_requests("PATCH", rf"/messages/{message_id}$")
    await guild.bob.react(message_id, "🇦")
    await quiet(bot, emulator)
    assert await bot.store.fetchval("SELECT COUNT(*) FROM poll_votes") == 0
    assert emulator.count_requests("PATCH", rf"/messages/{message_id}$") == edits_before

    await switch(guild, "polls", True)
    await quiet(bot, emulator)
    assert await bot.store.fetchval("SELECT COUNT(*) FROM poll_votes") == 1
    assert "1 vote" in poll_text(guild.message(message_id))

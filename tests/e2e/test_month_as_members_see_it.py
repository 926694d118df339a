"""One book-club month as members see it, played through the emulator: set-up, a
join request, a monthly cycle (nominations, ballot, pick, meeting), daily and reading
check-ins, a poll, a find-a-time, streaks and insights. It asserts on what members see:
no raw `<t:…>` where Discord does not render it, names under every RSVP answer, one pick
announcement followed by the event, reminders saying where, streaks after the cycle's
reading check-ins end, `/help` naming every feature, every picture with a description.

With `HUDDLE_WRITE_MONTH=1` it writes the whole month (every message, edit, reply, modal
and DM in order) to docs/month-as-members-see-it.md; it never compares against that file
(ids and times change), so the file is for people to read."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.cycles import button_id, polls_in, posts, settle, text_of
from tests.support.groups import create
from tests.support.month import Month
from tests.support.polls import fast_edits

DOC = Path(__file__).resolve().parents[2] / "docs" / "month-as-members-see-it.md"
DAILY = "What did you read today?"
FEATURES = ("Groups", "Check-ins", "Polls", "Events", "Club cycles", "Insights")


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def streak_figures(text: str) -> tuple[int, ...]:
    m = re.search(
        r"current streak: \*\*(\d+)\*\* · best streak: \*\*(\d+)\*\* · completion rate: "
        r"\*\*(\d+)%\*\* \((\d+) of (\d+) periods?\)",
        text,
    )
    assert m, text
    return tuple(int(x) for x in m.groups())


async def advance(month: Month, clock, moment: float) -> None:
    await clock.set(moment)
    month.passes()


async def slash(month: Month, user, command: str, **options):
    shown = " ".join(f"{k}:{v}" for k, v in options.items())
    month.act(user.name.capitalize(), f"`/{command} {shown}`".replace(" `", "`"))
    return await user.slash(command, **options)


async def click(month: Month, user, message: dict, label: str):
    month.act(user.name.capitalize(), f"presses **{label}**")
    return await user.click(message, button_id(message, label))


async def test_a_book_club_month_as_members_see_it(guild, bot, emulator, clock):
    # The fake clock starts Tue 1 Dec 2026 12:00 UTC; the server's zone is UTC.
    month = Month(emulator, guild)
    fast_edits(bot)
    alice, bob, carol, dave = guild.alice, guild.bob, guild.carol, guild.dave

    # -- set-up: a request-only club with a voice channel; members ask, alice approves
    month.act("Alice", "`/group create name:Book Club visibility:request voice:True`")
    made = await create(alice, "Book Club", "One book a month", visibility="request", voice=True)
    assert made.ephemeral, made.text
    channel = int(guild.channel("book-club")["id"])
    voice = next(int(c["id"]) for c in guild.channels() if c.get("type") == 2)
    for user in (bob, carol, dave):
        asked = await slash(month, user, "group join", group="Book Club")
        assert asked.ephemeral, asked.text
        await settle(bot, emulator)
        request = [m for m in guild.messages(channel) if "asks to join" in text_of(m)][-1]
        await click(month, alice, request, "Approve")
        await settle(bot, emulator)
    told = [m["content"] for m in alice.dm_messages() if "asks to join" in m["content"]]
    assert len(told) == 3, told  # the leader noticed each request

    scheduled = await slash(
        month, alice, "checkin schedule", group="Book Club", cadence="daily", time="7pm",
        prompt=DAILY,
    )  # fmt: skip
    assert "19:00" in scheduled.text, scheduled.text
    started = await slash(
        month, alice, "cycle start", group="Book Club", name="Book of the month",
        meet="last thursday 7pm",
    )  # fmt: skip
    assert "Started" in started.text, started.text
    await settle(bot, emulator)
    await slash(month, bob, "cycle nominate", group="Book Club", pick="Piranesi",
                note="Susanna Clarke")  # fmt: skip
    await slash(month, carol, "cycle nominate", group="Book Club", pick="Circe",
                note="Madeline Miller")  # fmt: skip
    await slash(month, dave, "cycle nominate", group="Book Club", pick="piranesi")
    await slash(month, carol, "cycle status", group="Book Club")

    # -- the month, day by day at the daily prompt (19:00), with the cycle's moments between
    ballot = event = None
    before_end: tuple[int, ...] | None = None
    day = datetime(2026, 12, 1, 19, 0, 1, tzinfo=UTC)
    while day <= datetime(2027, 1, 2, 19, 0, 1, tzinfo=UTC):
        date = day.date()
        if date == datetime(2026, 12, 6).date():  # nominations close: the ballot
            await advance(month, clock, at(2026, 12, 6, 12) + 1)
            await settle(bot, emulator)
            [ballot] = polls_in(guild, channel)
            for user, letter in ((bob, "🇦"), (dave, "🇦"), (carol, "🇧")):
                month.act(user.name.capitalize(), f"votes {letter}")
                await user.react(ballot["id"], letter)
            await settle(bot, emulator)
        if date == datetime(2026, 12, 8).date():  # the vote closes: the pick
            await advance(month, clock, at(2026, 12, 8, 12) + 1)
            await settle(bot, emulator)
            [event] = posts(guild, channel, "Book of the month: Piranesi")
            await click(month, bob, event, "Going")
            await click(month, dave, event, "Going")
            await click(month, carol, event, "Can't")
            await settle(bot, emulator)
        if date == datetime(2026, 12, 9).date():  # a poll and a find-a-time
            await advance(month, clock, at(2026, 12, 9, 12))
            await settle(bot, emulator)
            await slash(month, alice, "poll create", group="Book Club",
                        question="Tea or coffee at the meeting?", options="Tea; Coffee",
                        closes="1d")  # fmt: skip
            await settle(bot, emulator)
            poll = polls_in(guild, channel)[-1]
            for user, letter in ((bob, "🇦"), (carol, "🇦"), (dave, "🇧")):
                await user.react(poll["id"], letter)
            found = await slash(month, carol, "event findtime", title="Extra chat about Piranesi",
                                group="Book Club", options="saturday 3pm; sunday 5pm",
                                closes="1d")  # fmt: skip
            assert found.ephemeral, found.text
            await settle(bot, emulator)
            findtime = guild.messages(channel)[-1]
            emojis = list(guild.reactions(int(findtime["id"])))
            for user in (bob, carol, dave):
                await user.react(int(findtime["id"]), emojis[0])
            await settle(bot, emulator)
        if date == datetime(2026, 12, 10).date():  # the find-a-time result: make the event
            await advance(month, clock, at(2026, 12, 10, 18) + 1)
            await settle(bot, emulator)
            [result] = [m for m in guild.messages(channel) if "suits" in (m.get("content") or "")]
            [create_button] = [b for row in result["components"] for b in row["components"]]
            month.act("Carol", f"presses **{create_button['label']}**")
            await carol.click(result, create_button["custom_id"])
            await settle(bot, emulator)

        await advance(month, clock, day.timestamp())  # today's daily prompt is out
        await settle(bot, emulator)
        logged = await slash(month, bob, "checkin log", group="Book Club", note="a chapter")
        assert "Checked in" in logged.text, logged.text
        reading = posts(guild, channel, "how far are you into Piranesi")
        if reading and day.weekday() == 0 and date < datetime(2026, 12, 31).date():
            prompt = reading[-1]
            shown = await click(month, bob, prompt, "Check in")
            month.act("Bob", "chooses 🟡 Partial, writes “p. 120”")
            done = await bob.submit_modal(shown, {"note": "p. 120", "status": "partial"})
            assert "Checked in" in done.text, done.text
        if date == datetime(2026, 12, 29).date():
            shown = await slash(month, bob, "checkin streak", group="Book Club")
            before_end = streak_figures(shown.text)
        day += timedelta(days=1)

    # -- 2 Jan: the meeting (31 Dec) is over, the reading check-ins stopped
    streak = await slash(month, bob, "checkin streak", group="Book Club")
    after_end = streak_figures(streak.text)
    await slash(month, carol, "checkin board", group="Book Club")
    await slash(month, carol, "cycle history", group="Book Club")
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    manager = guild.manager
    await slash(month, manager, "insights group", group="Book Club")
    await slash(month, manager, "insights server")
    helped = await slash(month, dave, "help")
    await settle(bot, emulator)

    if os.environ.get("HUDDLE_WRITE_MONTH"):
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(month.dump(), encoding="utf-8")

    # no raw <t:…> where Discord does not render it
    assert month.raw_times() == [], month.raw_times()
    # names under every RSVP answer
    answers = " · ".join(
        f"{f['name']}: {f['value']}" for f in guild.message(event["id"])["embeds"][0]["fields"]
    )
    assert f"✅ Going (2): {bob.mention}, {dave.mention}" in answers, answers
    assert "❔ Maybe (0): —" in answers and f"❌ Can't (1): {carol.mention}" in answers, answers
    # pick day: one announcement followed directly by the event, no generic poll close
    [pick] = posts(guild, channel, "we picked Piranesi")
    shown = guild.messages(channel)
    following = shown[[m["id"] for m in shown].index(pick["id"]) + 1]
    assert following["id"] == event["id"], text_of(following)
    assert "won with **2 of 3 votes**" in text_of(pick), text_of(pick)
    assert f"nominated by {bob.mention} (+1 seconder)" in text_of(pick), text_of(pick)
    assert f"<#{voice}>" in text_of(pick)
    assert "[Closed]" in text_of(guild.message(ballot["id"]))
    assert not [m for m in guild.messages(channel) if "what do we pick?** is closed" in text_of(m)]
    # reminders say where (the voice channel) and link the event
    reminders = [m["content"] for m in guild.messages(channel) if "⏰" in (m.get("content") or "")]
    meeting = [r for r in reminders if "Piranesi" in r and "Extra" not in r]
    assert meeting and f"<#{voice}>" in meeting[-1] and f"/{event['id']}" in meeting[-1], reminders
    # streaks after the cycle's reading check-ins ended
    assert before_end == (29, 29, 100, 29, 29), before_end
    assert after_end == (33, 33, 100, 33, 33), after_end
    # /help names every feature
    assert all(feature in helped.text for feature in FEATURES), helped.text
    # every picture carries a text alternative
    pictures = month.pictures()
    assert len(pictures) >= 4, pictures  # two streak heatmaps, group and server insights
    assert all(p.get("description") for p in pictures), pictures

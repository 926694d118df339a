"""A one-off event that is over: its message says **Ended**, keeps who went and the counts,
and its RSVP buttons are disabled — on time, late after a restart, and after edits that
move the end. Cancelled events stay **Cancelled**; the Discord scheduled event is left
for Discord to complete (never cancelled by the end)."""

from __future__ import annotations

import asyncio

from tests.support.events import button_ids, embed_text, event_message
from tests.support.restart import before_ready, restart, until_ready


def disabled(message: dict) -> list[bool]:
    return [bool(b.get("disabled")) for row in message["components"] for b in row["components"]]


async def answered_event(guild, title: str, **options: str) -> dict:
    """An event Bob is Going to and Carol answered Maybe; returns its message."""
    reply = await guild.alice.slash("event create", title=title, remind="none", **options)
    assert "Created" in reply.text, reply.text
    message = event_message(guild)
    buttons = button_ids(message)
    await guild.bob.click(message, buttons["Going"])
    await guild.carol.click(message, buttons["Maybe"])
    return message


def assert_ended(guild, message: dict) -> dict:
    now = guild.message(int(message["id"]))
    assert "**Ended**" in (now.get("content") or ""), now.get("content")
    assert disabled(now) == [True, True, True]
    text = embed_text(now)
    assert "Going (1)" in text and guild.bob.mention in text
    assert "Maybe (1)" in text and "Can't (0)" in text
    return now


def assert_live(guild, message: dict) -> None:
    now = guild.message(int(message["id"]))
    assert "Ended" not in (now.get("content") or "")
    assert disabled(now) == [False, False, False]


async def test_one_off_event_says_ended_after_its_end(emulator, guild, bot, clock):
    message = await answered_event(guild, "Picnic", when="in 2 hours", duration="1h")
    await clock.advance(3 * 3600 - 60)  # a minute before the end: still on
    await emulator.settle()
    assert_live(guild, message)

    await clock.advance(61)
    await emulator.settle()
    ended = assert_ended(guild, message)
    assert ended["embeds"][0]["title"] == "Picnic"  # Ended said once, above it
    [scheduled] = guild.scheduled_events()
    assert scheduled["status"] != 4  # not cancelled: Discord completes it itself

    # Nothing more happens later (the job ran once), and the answer stays refused.
    edits = emulator.count_requests("PATCH", rf"/messages/{message['id']}$")
    await clock.advance(86400)
    await emulator.settle()
    assert emulator.count_requests("PATCH", rf"/messages/{message['id']}$") == edits
    typed = await guild.dave.slash("event rsvp", event="Picnic", status="Going")
    assert typed.ephemeral and "ended" in typed.text
    info = await guild.bob.slash("event info", event="Picnic")
    assert "**Ended**" in info.text and guild.bob.mention in info.text


async def test_event_that_ended_while_down_is_ended_at_startup(
    emulator, guild, bot, clock, start_bot
):
    message = await answered_event(guild, "Quiz", when="in 2 hours", duration="30m")
    await bot.close()
    await clock.advance(5 * 3600)
    bot = await restart(bot, start_bot)  # real ready timing
    # Before on_ready (the overdue end job not run yet): it is over all the same.
    late = await guild.dave.click(message, button_ids(message)["Going"])
    assert late.ephemeral and "ended" in late.text, late.text
    before_ready(bot)
    await until_ready(bot)
    for _ in range(100):  # the scheduler's first pass runs just after READY
        if "Ended" in (guild.message(int(message["id"])).get("content") or ""):
            break
        await asyncio.sleep(0.02)
    await emulator.settle()
    assert_ended(guild, message)
    [scheduled] = guild.scheduled_events()
    assert scheduled["status"] != 4


async def test_edits_move_the_end(emulator, guild, bot, clock):
    message = await answered_event(guild, "Hike", when="in 2 hours", duration="1h")
    await guild.alice.slash("event edit", event="Hike", duration="3h")
    await clock.advance(3 * 3600 + 60)  # past the old end
    await emulator.settle()
    assert_live(guild, message)

    await guild.alice.slash("event edit", event="Hike", when="tomorrow 18:00", duration="1h")
    await clock.advance(3 * 3600)  # past the end of the edit before
    await emulator.settle()
    assert_live(guild, message)

    tomorrow_end = int(clock.now()) // 86400 * 86400 + 86400 + 19 * 3600
    await clock.advance(tomorrow_end - clock.now() + 1)
    await emulator.settle()
    assert_ended(guild, message)


async def test_cancelled_event_keeps_cancelled(emulator, guild, bot, clock):
    message = await answered_event(guild, "Gig", when="in 2 hours")
    await guild.alice.slash("event cancel", event="Gig")
    await clock.advance(6 * 3600)
    await emulator.settle()
    final = guild.message(int(message["id"]))
    assert "**Cancelled**" in final["content"] and "Ended" not in final["content"]
    assert final["embeds"][0]["title"] == "Gig"  # Cancelled said once, above it
    assert disabled(final) == [True, True, True]


async def test_recurring_event_rolls_over_instead_of_ending(emulator, guild, bot, clock):
    reply = await guild.alice.slash(
        "event create", title="Standup", when="in 2 hours", repeat="daily", remind="none"
    )
    assert "Created" in reply.text, reply.text
    message = event_message(guild)
    await clock.advance(4 * 3600)
    await emulator.settle()
    assert_live(guild, message)
    assert f"<t:{int(clock.now()) - 2 * 3600 + 86400}:F>" in embed_text(
        guild.message(int(message["id"]))
    )

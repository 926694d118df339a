"""Events end to end: create → RSVP by buttons → reminder → edit → cancel, with the
Discord scheduled event kept in step."""

from __future__ import annotations

import re

from tests.support.events import button_ids, embed_text, event_message, pinged


async def test_create_rsvp_remind_edit_cancel(emulator, guild, bot, clock):
    reply = await guild.alice.slash(
        "event create", title="Board games", when="tomorrow 18:00", where="Cafe Nord", remind="1h"
    )
    assert reply.ephemeral, reply
    assert "Created" in reply.text
    message = event_message(guild)
    assert "Board games" in embed_text(message)
    start = int(clock.now()) + 86400 + 6 * 3600  # 2 December 18:00 UTC (server zone UTC)
    assert f"<t:{start}:F>" in embed_text(message) and f"<t:{start}:R>" in embed_text(message)
    buttons = button_ids(message)
    assert list(buttons) == ["Going", "Maybe", "Can't"]

    [scheduled] = guild.scheduled_events()
    assert scheduled["entity_type"] == 3 and scheduled["entity_metadata"]["location"] == "Cafe Nord"
    assert scheduled["name"] == "Board games"

    click = await guild.bob.click(message, buttons["Going"])
    assert click.type == 7  # the message itself was updated
    await guild.carol.click(message, buttons["Maybe"])
    await guild.dave.click(message, buttons["Going"])
    await guild.dave.click(message, buttons["Can't"])
    text = embed_text(guild.message(int(message["id"])))
    assert "Going (1)" in text and guild.bob.mention in text
    assert re.search(r"Maybe \(1\)", text) and re.search(r"Can't \(1\)", text)

    # The 1h reminder: one message in the channel pinging exactly the Going members.
    before = len(guild.messages(guild.general))
    await clock.advance(86400 + 5 * 3600 + 60)
    await emulator.settle()
    new = guild.messages(guild.general)[before:]
    reminders = [m for m in new if "starts" in (m.get("content") or "")]
    assert len(reminders) == 1
    assert guild.bob.mention in reminders[0]["content"]
    assert guild.carol.mention not in reminders[0]["content"]
    assert pinged(emulator, "starts") == [[str(guild.bob.id)]]

    reply = await guild.alice.slash(
        "event edit", event="Board games", when="2026-12-02 19:30", where="Library"
    )
    assert "Updated" in reply.text, reply
    [scheduled] = guild.scheduled_events()
    assert scheduled["entity_metadata"]["location"] == "Library"
    assert scheduled["scheduled_start_time"].startswith("2026-12-02T19:30")
    told = [m for m in guild.messages(guild.general) if "was changed" in (m.get("content") or "")]
    assert told and guild.bob.mention in told[-1]["content"]

    refused = await guild.bob.slash("event cancel", event="Board games")
    assert refused.ephemeral and "Only the event's creator" in refused.text

    reply = await guild.alice.slash("event cancel", event="Board games")
    assert "Cancelled" in reply.text
    final = guild.message(int(message["id"]))
    assert "**Cancelled**" in final["content"]
    assert all(b.get("disabled") for row in final["components"] for b in row["components"])
    [scheduled] = guild.scheduled_events()
    assert scheduled["status"] == 4

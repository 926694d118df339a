"""Events end to end: a capacity waitlist and promotion by DM, a missing Manage Events
permission skipping the server's scheduled event, a group event in its channel with
voice, an .ics export that parses back."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from tests.support.calendars import both_parsers
from tests.support.events import (
    button_ids,
    embed_text,
    event_message,
    make_group,
    new_channel,
    pinged,
)


async def test_capacity_waitlist_and_promotion_by_dm(emulator, guild, bot):
    await guild.alice.slash("event create", title="Workshop", when="in 3 hours", capacity=1)
    message = event_message(guild)
    going = button_ids(message)["Going"]
    await guild.bob.click(message, going)
    told = await guild.carol.click(message, going)
    assert "waitlist" in told.text and told.followups[0]["flags"] & 64
    await guild.dave.click(message, going)
    text = embed_text(guild.message(int(message["id"])))
    assert "Going (1/1)" in text and "Waitlist (2)" in text
    await guild.bob.click(message, button_ids(message)["Can't"])
    text = embed_text(guild.message(int(message["id"])))
    assert f"Going (1/1): {guild.carol.mention}" in text and "Waitlist (1)" in text
    assert any("now **Going**" in m["content"] for m in guild.carol.dm_messages())
    # Closed DMs: the promotion falls back to a mention in the event channel.
    guild.dave.close_dms()
    await guild.carol.click(message, button_ids(message)["Maybe"])
    assert pinged(emulator, "now **Going**")[-1] == [str(guild.dave.id)]


async def test_missing_manage_events_skips_scheduled_event(emulator, guild, bot):
    await emulator.deny_bot_permission(guild.id, "MANAGE_EVENTS")
    await emulator.settle()
    reply = await guild.alice.slash("event create", title="Picnic", when="in 5 hours")
    assert "Created" in reply.text and "Manage Events" in reply.text
    assert guild.scheduled_events() == []
    assert event_message(guild)


async def test_group_event_in_group_channel_with_voice(emulator, guild, bot):
    text_id = await new_channel(emulator, guild, "knitters", 0)
    voice_id = await new_channel(emulator, guild, "Knitters voice", 2)
    await make_group(bot, guild, "Knitters", text_id, voice_id, guild.alice, [guild.bob])
    refused = await guild.carol.slash(
        "event create", title="Knit", when="in 2 hours", group="Knitters"
    )
    assert refused.ephemeral and "Only members" in refused.text
    await guild.bob.slash("event create", title="Knit night", when="in 2 hours", group="Knitters")
    message = event_message(guild, text_id)
    assert "Knit night" in embed_text(message)
    [scheduled] = guild.scheduled_events()
    assert scheduled["entity_type"] == 2 and scheduled["channel_id"] == str(voice_id)
    choices = await guild.alice.autocomplete("event info", "event", "knit")
    assert choices and choices[0]["name"].startswith("Knit night")
    info = await guild.alice.slash("event info", event=choices[0]["value"])
    assert "Knit night" in info.text
    listed = await guild.alice.slash("event list", group="Knitters")
    assert "Knit night" in listed.text and "0 going" in listed.text
    # The group's leader may cancel a member's event.
    cancelled = await guild.alice.slash("event cancel", event="Knit night")
    assert "Cancelled" in cancelled.text


async def test_export_parses_back(guild, bot):
    await guild.alice.slash("timezone set", zone="America/New_York")
    await guild.alice.slash(
        "event create", title="Monthly", when="2026-12-03 19:00", repeat="monthly", where="Hall"
    )
    await guild.alice.slash(
        "event create", title="Fortnightly", when="2026-12-05 10:00", repeat="biweekly"
    )
    reply = await guild.bob.slash("event export")
    [attachment] = reply.attachments
    assert attachment["filename"].endswith(".ics")
    calendar = icalendar.Calendar.from_ical(attachment["content"])
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert events["Monthly"]["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TH"
    assert events["Fortnightly"]["RRULE"].to_ical() == b"FREQ=WEEKLY;INTERVAL=2"
    assert events["Monthly"]["DTSTART"].params["TZID"] == "America/New_York"
    assert events["Monthly"]["LOCATION"] == "Hall" and events["Monthly"]["UID"]
    # RFC 5545 §3.6.5: a VTIMEZONE per TZID, else Thunderbird's ical.js reads floating time.
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    since, until = datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 31, tzinfo=UTC)
    read = both_parsers(attachment["content"], since, until)
    monthly = [o["start"] for o in read if o["summary"] == "Monthly"]
    assert monthly == ["2026-12-04T00:00:00.000Z", "2027-01-08T00:00:00.000Z"]  # 1st Thu 19:00 EST

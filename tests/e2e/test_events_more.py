"""Events end to end: waitlist, missing Manage Events, time zones, group + voice events,
export, find-a-time, a monthly series across DST, a restart with reminders pending."""

from __future__ import annotations

import asyncio
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
from tests.support.restart import before_ready, restart, until_ready


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
    assert "Going (1/1): Carol" in text and "Waitlist (1)" in text
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


async def test_times_read_in_member_zone_and_errors_explain(guild, bot, clock):
    await guild.alice.slash("timezone set", zone="Europe/Berlin")
    shown = await guild.alice.slash("timezone show")
    assert "Europe/Berlin" in shown.text
    choices = await guild.alice.autocomplete("timezone set", "zone", "berl")
    assert choices[0]["value"] == "Europe/Berlin"
    await guild.alice.slash("event create", title="Berlin", when="2026-12-03 18:30")
    expected = int(datetime(2026, 12, 3, 17, 30, tzinfo=UTC).timestamp())
    assert f"<t:{expected}:F>" in embed_text(event_message(guild))

    past = await guild.bob.slash("event create", title="Late", when="2026-11-30 10:00")
    assert past.ephemeral and "in the past" in past.text and "<t:" in past.text
    nonsense = await guild.bob.slash("event create", title="Huh", when="whenever you like")
    assert nonsense.ephemeral and "couldn't read" in nonsense.text
    bad_zone = await guild.bob.slash("timezone set", zone="Mars/Olympus")
    assert bad_zone.ephemeral and "not a time zone" in bad_zone.text


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


async def test_findtime_to_event(emulator, guild, bot, clock):
    reply = await guild.alice.slash(
        "event findtime",
        title="Planning",
        options="2026-12-05 18:00; 2026-12-04 18:00; 2026-12-06 10:00",
        closes="1d",
    )
    assert "Posted" in reply.text
    poll = guild.messages(guild.general)[-1]
    assert reply.text.endswith(f"/{guild.general}/{poll['id']}")  # the jump link works
    assert list(guild.reactions(int(poll["id"]))) == ["🇦", "🇧", "🇨"]
    assert "<t:" in embed_text(poll)
    for user, emoji in [
        (guild.bob, "🇦"),
        (guild.carol, "🇦"),
        (guild.bob, "🇧"),
        (guild.dave, "🇧"),
        (guild.carol, "🇨"),
    ]:
        await user.react(poll, emoji)
    await clock.advance(86400 + 1)
    await emulator.settle()
    result = guild.messages(guild.general)[-1]
    friday = int(datetime(2026, 12, 4, 18, 0, tzinfo=UTC).timestamp())  # 🇦: earliest of the tie
    assert f"<t:{friday}:F>" in result["content"]
    [create] = [b for row in result["components"] for b in row["components"]]
    refused = await guild.bob.click(result, create["custom_id"])
    assert refused.ephemeral and "Only the poll's creator" in refused.text
    await guild.alice.click(result, create["custom_id"])
    message = event_message(guild)
    assert "Planning" in embed_text(message) and f"<t:{friday}:F>" in embed_text(message)
    assert len(guild.scheduled_events()) == 1


async def test_monthly_series_rolls_over_across_dst(emulator, guild, bot, clock):
    await guild.alice.slash("timezone set", zone="America/New_York")
    await guild.alice.slash(
        "event create",
        title="First Thursday",
        when="2027-02-04 19:00",
        repeat="monthly",
        remind="none",
    )
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    feb = int(datetime(2027, 2, 5, 0, 0, tzinfo=UTC).timestamp())  # 19:00 EST
    await clock.set(feb + 3600 + 1)  # the February occurrence ended
    await emulator.settle()
    text = embed_text(guild.message(int(message["id"])))
    march = int(datetime(2027, 3, 5, 0, 0, tzinfo=UTC).timestamp())  # 4 March 19:00 EST
    assert f"<t:{march}:F>" in text and "Going (0)" in text
    await clock.set(march + 3600 + 1)
    await emulator.settle()
    april = int(datetime(2027, 4, 1, 23, 0, tzinfo=UTC).timestamp())  # 1 April 19:00 EDT
    assert f"<t:{april}:F>" in embed_text(guild.message(int(message["id"])))
    scheduled = [e for e in guild.scheduled_events() if e["status"] == 1]
    assert [e["scheduled_start_time"][:16] for e in scheduled] == ["2027-04-01T23:00"]
    # Cancel one occurrence: the series skips to May.
    await guild.alice.slash("event cancel", event="First Thursday", scope="this occurrence")
    may = int(datetime(2027, 5, 6, 23, 0, tzinfo=UTC).timestamp())
    assert f"<t:{may}:F>" in embed_text(guild.message(int(message["id"])))


async def test_restart_with_pending_reminders(emulator, guild, bot, clock, start_bot):
    await guild.alice.slash("event create", title="Soon", when="in 3 hours", remind="2h,1h")
    await guild.alice.slash(
        "event create", title="Done", when="in 2 hours", duration="30m", remind="1h"
    )
    messages = {}
    for title in ("Soon", "Done"):
        message = next(m for m in reversed(guild.messages(guild.general)) if title in embed_text(m))
        messages[title] = message
        await guild.bob.click(message, button_ids(message)["Going"])
    await bot.close()
    await clock.advance(2 * 3600 + 45 * 60)  # while down: both Soon reminders passed, Done ended
    emulator.reset_requests()
    bot = await restart(bot, start_bot)  # real ready timing (issue 12)
    # Before on_ready (so before the overdue reminders go out): carol answers Going.
    going = await guild.carol.click(messages["Soon"], button_ids(messages["Soon"])["Going"])
    assert "Carol" in embed_text(guild.message(int(messages["Soon"]["id"]))), going.text
    before_ready(bot)
    await until_ready(bot)

    def reminders() -> list[str]:
        return [
            m["content"]
            for m in guild.messages(guild.general)
            if "starts" in (m.get("content") or "")
        ]

    for _ in range(100):  # the scheduler's first pass runs just after READY
        if len(reminders()) >= 2:
            break
        await asyncio.sleep(0.02)
    await emulator.settle()
    assert len(reminders()) == 2
    assert all("Soon" in r and guild.bob.mention in r for r in reminders())
    assert all(guild.carol.mention in r for r in reminders()), reminders()

"""Events end to end over time: times read in the member's zone (and the errors that
explain), a monthly series rolling over across DST, a restart with reminders pending."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.support.events import (
    button_ids,
    embed_text,
    event_message,
)
from tests.support.restart import before_ready, restart, until_ready


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
    bot = await restart(bot, start_bot)  # real ready timing
    # Before on_ready (so before the overdue reminders go out): carol answers Going.
    going = await guild.carol.click(messages["Soon"], button_ids(messages["Soon"])["Going"])
    assert guild.carol.mention in embed_text(guild.message(int(messages["Soon"]["id"]))), going.text
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

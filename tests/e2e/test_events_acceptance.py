"""Acceptance checks of events as docs/rules.md ("Events") and what members see describe
them, driven like a new user would: by visible text, typed titles, the stated option names
and choice values only (docs/testing.md, "Acceptance tests")."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import icalendar

from tests.support.events import (
    button_ids,
    embed_text,
    event_message,
    make_group,
    new_channel,
    pinged,
)
from tests.support.restart import before_ready, restart, until_ready

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a Tuesday


def epoch(*args: int, tz=UTC) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp())


def start_in(message: dict) -> str:
    return embed_text(message)


async def test_when_forms_in_creator_group_and_server_zone(emulator, guild, bot, clock):
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    cases = [
        ("friday 7pm", epoch(2026, 12, 4, 19, 0)),
        ("2026-12-03 18:30", epoch(2026, 12, 3, 18, 30)),
        ("in 2 hours", epoch(2026, 12, 1, 14, 0)),
        ("tomorrow 18:00", epoch(2026, 12, 2, 18, 0)),
    ]
    for when, expected in cases:  # server zone (UTC by default)
        reply = await guild.alice.slash("event create", title=f"S {when}", when=when)
        assert reply.ephemeral and f"<t:{expected}:F>" in reply.text, (when, reply.text)
        assert f"<t:{expected}:F>" in embed_text(event_message(guild))
    # The server's zone.
    await guild.admin.slash("config timezone", zone="America/New_York")
    reply = await guild.bob.slash("event create", title="NY", when="2026-12-03 18:30")
    assert f"<t:{epoch(2026, 12, 3, 23, 30)}:F>" in reply.text
    # The creator's zone beats the server's.
    await guild.alice.slash("timezone set", zone="Europe/Berlin")
    shown = await guild.alice.slash("timezone show")
    assert shown.ephemeral and "Europe/Berlin" in shown.text
    for when, expected_local in [
        ("friday 7pm", datetime(2026, 12, 4, 19, 0, tzinfo=berlin)),
        ("tomorrow 18:00", datetime(2026, 12, 2, 18, 0, tzinfo=berlin)),
        ("2026-12-03 18:30", datetime(2026, 12, 3, 18, 30, tzinfo=berlin)),
    ]:
        reply = await guild.alice.slash("event create", title=f"B {when}", when=when)
        assert f"<t:{int(expected_local.timestamp())}:F>" in reply.text, (when, reply.text)
    # The group's zone when the creator has none.
    channel = await new_channel(emulator, guild, "tokyo-club", 0)
    group_id = await make_group(bot, guild, "Tokyo club", channel, None, guild.carol, [])
    await bot.store.execute("UPDATE groups SET timezone = 'Asia/Tokyo' WHERE id = ?", (group_id,))
    reply = await guild.carol.slash(
        "event create", title="T", when="2026-12-03 18:30", group="Tokyo club"
    )
    assert f"<t:{epoch(2026, 12, 3, 9, 30)}:F>" in reply.text, reply.text


async def test_message_and_info_show_who_is_going(guild, bot):
    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    message = event_message(guild)
    assert list(button_ids(message)) == ["Going", "Maybe", "Can't"]
    for user, label in [(guild.bob, "Going"), (guild.carol, "Going"), (guild.dave, "Maybe")]:
        click = await user.click(message, button_ids(message)[label])
        assert click.ephemeral is False or click.type == 7
    text = embed_text(guild.message(int(message["id"])))
    assert "Going (2)" in text and guild.bob.mention in text and guild.carol.mention in text
    info = await guild.dave.slash("event info", event="picnic")  # typed title, any case
    assert "Picnic" in info.text and "Going (2)" in info.text
    assert guild.bob.mention in info.text and guild.carol.mention in info.text
    listed = await guild.dave.slash("event list")
    assert "Picnic" in listed.text and "2 going" in listed.text


async def test_repeat_choices_and_options_registered(guild, bot):
    [event] = [c for c in guild.commands() if c["name"] == "event"]
    subs = {s["name"]: s for s in event["options"]}
    assert {"create", "list", "info", "rsvp", "edit", "cancel", "export", "findtime"} <= set(subs)
    create = {o["name"]: o for o in subs["create"]["options"]}
    assert [c["value"] for c in create["repeat"]["choices"]] == [
        "none",
        "daily",
        "weekly",
        "biweekly",
        "monthly",
    ]
    assert list(create)[:2] == ["title", "when"]
    assert {"duration", "group", "where", "description", "repeat", "remind", "capacity"} <= set(
        create
    )
    findtime = [o["name"] for o in subs["findtime"]["options"]]
    assert findtime == ["title", "options", "group", "closes"]
    assert [c["name"] for c in guild.commands() if c["name"] == "timezone"]


async def test_remind_offsets_ping_going_only(emulator, guild, bot, clock):
    await guild.alice.slash("event create", title="Talk", when="in 2 days", remind="1d,1h")
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    await guild.carol.click(message, button_ids(message)["Maybe"])
    await clock.advance(86400 + 60)
    await emulator.settle()
    assert pinged(emulator, "Talk") == [[str(guild.bob.id)]]
    await clock.advance(86400 - 3600)
    await emulator.settle()
    assert pinged(emulator, "Talk") == [[str(guild.bob.id)]] * 2


async def test_cancel_says_cancelled_and_cancels_scheduled_event(emulator, guild, bot):
    await guild.alice.slash("event create", title="Hike", when="tomorrow 18:00", where="Hill")
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    refused = await guild.carol.slash("event cancel", event="Hike")
    assert refused.ephemeral and "creator" in refused.text
    assert guild.scheduled_events()[0]["status"] == 1
    done = await guild.alice.slash("event cancel", event="hike")
    assert done.ephemeral and "Cancelled" in done.text
    after = guild.message(int(message["id"]))
    assert "**Cancelled**" in (after.get("content") or "")
    assert [e["status"] for e in guild.scheduled_events()] == [4]
    assert any(
        "cancelled" in (m.get("content") or "") and guild.bob.mention in m["content"]
        for m in guild.messages(guild.general)
    )
    assert all(b.get("disabled") for row in after["components"] for b in row["components"])
    late = await guild.bob.slash("event rsvp", event="Hike", status="Going")
    assert late.ephemeral and "cancelled" in late.text
    again = await guild.alice.slash("event cancel", event="Hike")
    assert again.ephemeral and "cancelled" in again.text
    listed = await guild.alice.slash("event list")
    assert "Hike" not in listed.text


async def test_capacity_waitlist_moves_up(guild, bot):
    await guild.alice.slash("event create", title="Dinner", when="friday 7pm", capacity=2)
    message = event_message(guild)
    ids = button_ids(message)
    await guild.bob.click(message, ids["Going"])
    await guild.carol.click(message, ids["Going"])
    full = await guild.dave.click(message, ids["Going"])
    assert "waitlist" in full.text
    text = embed_text(guild.message(int(message["id"])))
    assert "Going (2/2)" in text and "Waitlist (1)" in text
    await guild.bob.slash("event rsvp", event="Dinner", status="Can't")
    text = embed_text(guild.message(int(message["id"])))
    assert "Going (2/2)" in text and guild.dave.mention in text.split("Maybe")[0]


async def test_export_ics_zoned_and_monthly_byday(guild, bot):
    await guild.alice.slash("timezone set", zone="Europe/Berlin")
    await guild.alice.slash("event create", title="Club", when="2026-12-03 18:30", repeat="monthly")
    await guild.bob.slash("event create", title="Plain", when="tomorrow 18:00")
    reply = await guild.bob.slash("event export")
    [attachment] = reply.attachments
    assert attachment["filename"].endswith(".ics")
    raw = attachment["content"]
    raw = raw.decode() if isinstance(raw, bytes) else raw
    calendar = icalendar.Calendar.from_ical(raw)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Club", "Plain"}
    assert "BYDAY=1TH" in events["Club"]["RRULE"].to_ical().decode()
    in_event = False  # a VTIMEZONE's own DTSTARTs are local time by definition
    for line in raw.splitlines():
        in_event = {"BEGIN:VEVENT": True, "END:VEVENT": False}.get(line, in_event)
        if in_event and line.startswith(("DTSTART", "DTEND")):
            assert "TZID=" in line or line.endswith("Z"), line
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


async def test_findtime_best_slot_and_create(emulator, guild, bot, clock):
    reply = await guild.alice.slash(
        "event findtime", title="Sync", options="saturday 10:00; friday 7pm; sunday 10:00"
    )
    assert reply.ephemeral
    poll = guild.messages(guild.general)[-1]
    friday, saturday = epoch(2026, 12, 4, 19, 0), epoch(2026, 12, 5, 10, 0)
    assert f"<t:{friday}:" in embed_text(poll) and f"<t:{saturday}:" in embed_text(poll)
    assert len(guild.reactions(int(poll["id"]))) == 3
    emojis = list(guild.reactions(int(poll["id"])))
    # Friday (first) and Saturday (second) tie with 2; Friday is earliest.
    for user, index in [(guild.bob, 1), (guild.carol, 1), (guild.bob, 0), (guild.dave, 0)]:
        await user.react(int(poll["id"]), emojis[index])
    await clock.advance(3 * 86400)
    await emulator.settle()
    result = guild.messages(guild.general)[-1]
    assert f"<t:{friday}:F>" in result["content"]
    [button] = [b for row in result["components"] for b in row["components"]]
    await guild.alice.click(result, button["custom_id"])
    assert f"<t:{friday}:F>" in embed_text(event_message(guild))


async def test_findtime_soon_slots_without_closes(emulator, guild, bot, clock):
    reply = await guild.alice.slash(
        "event findtime", title="Quick", options="in 2 hours; in 3 hours"
    )
    assert "Posted" in reply.text, reply.text
    closing = await guild.alice.slash(
        "event findtime",
        title="Later",
        options="friday 7pm; saturday 10:00",
        closes="tomorrow 12:00",
    )
    assert "Posted" in closing.text, closing.text


async def test_missing_manage_events_named(emulator, guild, bot):
    await emulator.deny_bot_permission(guild.id, "MANAGE_EVENTS")
    reply = await guild.alice.slash("event create", title="Meet", when="friday 7pm")
    assert reply.ephemeral and "Manage Events" in reply.text
    assert not guild.scheduled_events()


async def test_reminder_for_ended_event_dropped_after_restart(
    emulator, guild, bot, clock, start_bot
):
    def reminders(title: str) -> list[str]:
        return [
            m["content"]
            for m in guild.messages(guild.general)
            if "starts" in (m.get("content") or "") and title in m["content"]
        ]

    await guild.alice.slash("event create", title="Gone", when="in 2 hours", remind="1h")
    # Positive control: a reminder also missed while down, for an event still ahead.
    await guild.alice.slash("event create", title="Later", when="in 5 hours", remind="2h")
    for title in ("Gone", "Later"):
        r = await guild.bob.slash("event rsvp", event=title, status="Going")
        assert r.ephemeral and title in r.text, r.text
    await bot.close()
    await clock.advance(4 * 3600)  # Gone ended at 3h; Later's reminder was due at 3h
    bot = await restart(bot, start_bot)  # real ready timing
    # Before on_ready (its end job not run yet): Gone is over all the same; Later isn't.
    late = await guild.dave.slash("event rsvp", event="Gone", status="Going")
    assert late.ephemeral and "ended" in late.text, late.text
    r = await guild.carol.slash("event rsvp", event="Later", status="Going")
    assert r.ephemeral and "Later" in r.text, r.text
    before_ready(bot)
    await until_ready(bot)
    await asyncio.sleep(0.2)
    await emulator.settle()
    assert len(reminders("Later")) == 1, guild.messages(guild.general)
    assert guild.carol.mention in reminders("Later")[0]
    assert reminders("Gone") == []


async def test_ended_event_not_listed_and_rsvp_refused(emulator, guild, bot, clock):
    await guild.alice.slash("event create", title="Brunch", when="in 2 hours", remind="none")
    message = event_message(guild)
    await clock.advance(4 * 3600)
    await emulator.settle()
    listed = await guild.alice.slash("event list")
    assert "Brunch" not in listed.text
    ended = guild.message(int(message["id"]))
    assert "**Ended**" in ended["content"]
    assert all(b.get("disabled") for row in ended["components"] for b in row["components"])
    typed = await guild.bob.slash("event rsvp", event="Brunch", status="Going")
    assert typed.ephemeral and "ended" in typed.text
    ics = await guild.bob.slash("event export")
    assert "Brunch" not in str(ics.attachments[0]["content"])


async def test_user_errors_are_ephemeral_and_leave_nothing(emulator, guild, bot):
    for options in (
        {"when": "blorp"},
        {"when": "yesterday 10:00"},
        {"when": "friday 7pm", "remind": "soonish"},
        {"when": "friday 7pm", "duration": "forever"},
        {"when": "friday 7pm", "group": "No such group"},
    ):
        reply = await guild.alice.slash("event create", title="Bad", **options)
        assert reply.ephemeral and reply.text, options
    assert not guild.scheduled_events()
    assert not [m for m in guild.messages(guild.general) if "Bad" in embed_text(m)]
    missing = await guild.alice.slash("event info", event="Nope")
    assert missing.ephemeral and "Nope" in missing.text
    await guild.alice.slash("event create", title="Ok", when="friday 7pm")
    edit = await guild.bob.slash("event edit", event="Ok", title="Mine")
    assert edit.ephemeral and "creator" in edit.text


async def test_autocomplete_and_edit_tells_attendees(emulator, guild, bot):
    await guild.alice.slash("event create", title="Movie night", when="friday 7pm")
    choices = await guild.bob.autocomplete("event info", "event", "movie")
    assert choices and "Movie night" in choices[0]["name"]
    info = await guild.bob.slash("event info", event=choices[0]["value"])
    assert "Movie night" in info.text
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    await guild.alice.slash("event edit", event="Movie night", when="saturday 8pm")
    saturday = epoch(2026, 12, 5, 20, 0)
    assert f"<t:{saturday}:F>" in embed_text(guild.message(int(message["id"])))
    assert any(
        guild.bob.mention in (m.get("content") or "") and "changed" in m["content"]
        for m in guild.messages(guild.general)
    )
    assert guild.scheduled_events()[0]["scheduled_start_time"].startswith("2026-12-05T20:00")


async def test_group_event_through_group_commands(emulator, guild, bot, clock):
    made = await guild.alice.slash(
        "group create", name="Book club", description="Reading together", timezone="Asia/Tokyo"
    )
    assert not made.text.startswith("Sorry"), made.text
    await guild.bob.slash("group join", group="book club")
    reply = await guild.alice.slash(
        "event create", title="Chapter 1", when="2026-12-03 18:30", group="Book club"
    )
    assert f"<t:{epoch(2026, 12, 3, 9, 30)}:F>" in reply.text, reply.text
    channel = guild.channel("book-club")
    message = event_message(guild, int(channel["id"]))
    going = await guild.bob.click(message, button_ids(message)["Going"])
    assert not going.ephemeral or "Going" in going.text
    # A group is private: an outsider is answered as if the event did not exist.
    outsider = await guild.carol.slash("event rsvp", event="Chapter 1", status="Going")
    assert outsider.ephemeral and "There is no event called `Chapter 1`" in outsider.text
    hidden = await guild.carol.slash("event list", group="Book club")
    assert "Chapter 1" not in hidden.text
    listed = await guild.bob.slash("event list", group="Book club")
    assert "Chapter 1" in listed.text and "1 going" in listed.text
    # A leader moves it; the new time is read in the group's zone too.
    await guild.alice.slash("event edit", event="Chapter 1", when="2026-12-04 18:30")
    assert f"<t:{epoch(2026, 12, 4, 9, 30)}:F>" in embed_text(guild.message(int(message["id"])))
    await clock.advance(epoch(2026, 12, 4, 8, 31) - clock.now())
    await emulator.settle()
    reminders = [m for m in guild.messages(int(channel["id"])) if "starts" in m["content"]]
    assert len(reminders) == 1 and guild.bob.mention in reminders[0]["content"]


async def test_buttons_and_findtime_survive_restart(emulator, guild, bot, clock, start_bot):
    await guild.alice.slash("event create", title="Karaoke", when="friday 7pm")
    await guild.alice.slash(
        "event findtime", title="Next", options="2026-12-10 18:00; 2026-12-11 18:00", closes="2d"
    )
    poll = guild.messages(guild.general)[-1]
    await bot.close()
    emulator.react_raw(int(poll["id"]), guild.bob.id, "🇧")  # while the bot is down
    await clock.advance(3 * 86400)
    bot = await restart(bot, start_bot)  # real ready timing
    message = event_message(guild)
    click = await guild.carol.click(message, button_ids(message)["Going"])  # before on_ready
    assert guild.carol.mention in embed_text(guild.message(int(message["id"]))), click
    before_ready(bot)
    await until_ready(bot)  # the overdue find-a-time close runs right after on_ready
    for _ in range(100):
        if "Best time" in (guild.messages(guild.general)[-1].get("content") or ""):
            break
        await asyncio.sleep(0.02)
    await emulator.settle()
    assert f"<t:{epoch(2026, 12, 11, 18, 0)}:F>" in guild.messages(guild.general)[-1]["content"]


async def test_timezone_errors_autocomplete_and_feature_off_buttons(emulator, guild, bot):
    bad = await guild.alice.slash("timezone set", zone="Mars/Olympus")
    assert bad.ephemeral and "Mars/Olympus" in bad.text
    shown = await guild.alice.slash("timezone show")
    assert "UTC" in shown.text
    choices = await guild.alice.autocomplete("timezone set", "zone", "berl")
    assert "Europe/Berlin" in [c["value"] for c in choices]
    await guild.alice.slash("event create", title="@everyone party", when="friday 7pm")
    message = event_message(guild)
    await guild.admin.slash("config feature", feature="events", enabled=False)
    off = await guild.bob.click(message, button_ids(message)["Going"])
    assert off.ephemeral and "**off**" in off.text
    for request in emulator.find_requests("POST", r"/channels/\d+/messages$"):
        mentions = (request.json or {}).get("allowed_mentions")
        assert mentions is not None and "everyone" not in (mentions.get("parse") or [])


async def test_same_title_picks_the_next_upcoming(emulator, guild, bot, clock):
    await guild.alice.slash("event create", title="Standup", when="in 2 hours", remind="none")
    await guild.alice.slash("event create", title="Standup", when="friday 7pm", remind="none")
    await guild.alice.slash("event create", title="Standup", when="tomorrow 18:00", remind="none")
    info = await guild.bob.slash("event info", event="standup")
    assert f"<t:{epoch(2026, 12, 1, 14, 0)}:F>" in info.text
    await clock.advance(4 * 3600)
    info = await guild.bob.slash("event info", event="Standup")
    assert f"<t:{epoch(2026, 12, 2, 18, 0)}:F>" in info.text
    answer = await guild.bob.slash("event rsvp", event="Standup", status="Going")
    assert "Going" in answer.text and "ended" not in answer.text

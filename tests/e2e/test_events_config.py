"""Events with server configuration: default reminders, DMs and Maybe; /event rsvp;
capacity edits; the feature switched off; the audit line for a cancelled event."""

from __future__ import annotations

from tests.support.events import button_ids, embed_text, event_message, pinged


async def test_config_defaults_dm_and_maybe(emulator, guild, bot, clock):
    reply = await guild.admin.slash("config reminders", defaults="2h", dm=True, include_maybe=True)
    assert not reply.text.startswith("Sorry"), reply
    await guild.alice.slash("event create", title="Quiz", when="in 5 hours")
    message = event_message(guild)
    assert "Reminders 2h before" in embed_text(message)
    answer = await guild.bob.slash("event rsvp", event="Quiz", status="Going")
    assert answer.ephemeral and "Going" in answer.text
    await guild.carol.slash("event rsvp", event="quiz", status="Maybe")  # typed title, any case
    await guild.dave.slash("event rsvp", event="Quiz", status="Can't")
    assert "Going (1)" in embed_text(guild.message(int(message["id"])))
    await clock.advance(3 * 3600 + 60)
    await emulator.settle()
    [users] = pinged(emulator, "⏰ **Quiz** starts")
    assert sorted(users) == sorted([str(guild.bob.id), str(guild.carol.id)])
    assert any("Reminder" in m["content"] for m in guild.bob.dm_messages())
    assert any("Reminder" in m["content"] for m in guild.carol.dm_messages())
    assert not guild.dave.dm_messages()


async def test_capacity_edit_promotes_waitlist(guild, bot):
    await guild.alice.slash("event create", title="Tour", when="in 5 hours", capacity=1)
    message = event_message(guild)
    for user in (guild.bob, guild.carol):
        await user.click(message, button_ids(message)["Going"])
    await guild.alice.slash("event edit", event="Tour", capacity=2)
    text = embed_text(guild.message(int(message["id"])))
    assert "Going (2/2)" in text and guild.carol.mention in text
    assert any("now **Going**" in m["content"] for m in guild.carol.dm_messages())


async def test_feature_off_and_audit_line(emulator, guild, bot):
    log_channel = emulator.new_channel(emulator.world.guilds[guild.id], "audit", 0)
    await emulator.dispatch("CHANNEL_CREATE", log_channel)
    await bot.config.set(guild.id, "log_channel", int(log_channel["id"]))
    await guild.alice.slash("event create", title="Gig", when="in 5 hours")
    await guild.alice.slash("event cancel", event="Gig")
    assert any("Event cancelled" in m["content"] for m in guild.messages(int(log_channel["id"])))
    await bot.config.set_feature(guild.id, "events", False)
    off = await guild.alice.slash("event list")
    assert off.ephemeral and "**off**" in off.text


async def test_no_reminders_while_events_are_off(emulator, guild, bot, clock):
    """Turning events off silences their pings too, as check-ins stop posting prompts."""

    def reminder_pings(title: str) -> list[str]:
        return [
            m["content"]
            for m in guild.messages(guild.general)
            if title in (m.get("content") or "") and guild.bob.mention in m["content"]
        ]

    for title, when in (("Loud meetup", "in 2 hours"), ("Quiet meetup", "in 4 hours")):
        created = await guild.alice.slash("event create", title=title, when=when, remind="1h")
        assert title in created.text or created.ephemeral
        answer = await guild.bob.slash("event rsvp", event=title, status="Going")
        assert answer.ephemeral and "Going" in answer.text, answer.text
    # Positive control: with events on, the same look sees Bob pinged by a reminder.
    await clock.advance(3600 + 60)
    await emulator.settle()
    assert len(reminder_pings("Loud meetup")) == 1, guild.messages(guild.general)
    await guild.admin.slash("config feature", feature="events", enabled=False)
    await clock.advance(2 * 3600)  # Quiet meetup's reminder falls due while events are off
    await emulator.settle()
    assert reminder_pings("Quiet meetup") == []

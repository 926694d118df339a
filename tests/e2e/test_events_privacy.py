"""A group is private (docs/rules.md): a group's events are shown only to its members, leaders,
managers and admins — through every command, autocomplete, list, export, button and
find-a-time poll — and a group event's Discord scheduled event lives only in the group's
own voice channel. Posting needs the invoker's own View Channel + Send Messages."""

from __future__ import annotations

from cogs.events.jobs import CLEANUP_FLAG, schedule_cleanup_once
from tests.support.events import button_ids, embed_text, event_message, make_group, new_channel

SECRET = "Secret meetup"


async def group_event(emulator, guild, bot, *, voice: bool = True, **options) -> tuple[int, dict]:
    """Knitters (leader Alice, member Bob) with a group event; returns (group channel,
    event message)."""
    text_id = await new_channel(emulator, guild, "knitters", 0)
    voice_id = await new_channel(emulator, guild, "Knitters voice", 2) if voice else None
    await make_group(bot, guild, "Knitters", text_id, voice_id, guild.alice, [guild.bob])
    reply = await guild.alice.slash(
        "event create", title=SECRET, when="in 3 hours", group="Knitters", **options
    )
    assert "Created" in reply.text, reply.text
    return text_id, event_message(guild, text_id)


async def test_outsider_sees_nothing_of_a_group_event(emulator, guild, bot):
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    _, message = await group_event(emulator, guild, bot, where="The back room")
    await guild.alice.slash("event create", title="Open picnic", when="in 4 hours")
    missing = await guild.carol.slash("event info", event="No such thing")

    # Every command answers an outsider as if the event did not exist …
    for command, extra in (
        ("event info", {}),
        ("event rsvp", {"status": "going"}),
        ("event cancel", {}),
        ("event edit", {"title": "Mine now"}),
    ):
        reply = await guild.carol.slash(command, event=SECRET, **extra)
        assert reply.ephemeral, command
        assert reply.text == missing.text.replace("No such thing", SECRET), (command, reply.text)
    event_id = int(button_ids(message)["Going"].rsplit(":", 1)[1])
    by_id = await guild.carol.slash("event info", event=str(event_id))
    assert "There is no event called" in by_id.text and SECRET not in by_id.text.split("`")[0]

    # … and lists, autocomplete and export leave it out, while showing the open event.
    listed = await guild.carol.slash("event list")
    assert "Open picnic" in listed.text and SECRET not in listed.text
    choices = await guild.carol.autocomplete("event info", "event", "")
    assert [c["name"].split(" — ")[0] for c in choices] == ["Open picnic"]
    exported = await guild.carol.slash("event export")
    calendar = exported.attachments[0]["content"]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "Open picnic" in calendar and SECRET not in calendar and "back room" not in calendar

    # The RSVP button refuses an outsider the same way, and nothing is recorded.
    pressed = await guild.carol.click(message, button_ids(message)["Going"])
    assert pressed.ephemeral and "no longer exists" in pressed.text
    assert guild.carol.mention not in embed_text(guild.message(int(message["id"])))

    # Members, leaders and managers see it everywhere.
    for user in (guild.bob, guild.manager, guild.admin):
        listed = await user.slash("event list")
        assert SECRET in listed.text, (user.name, repr(listed.text), listed.followups)
        assert SECRET in (await user.slash("event info", event=SECRET)).text
        names = [c["name"] for c in await user.autocomplete("event info", "event", "secret")]
        assert names and names[0].startswith(SECRET)


async def test_scheduled_event_only_in_the_groups_voice_channel(emulator, guild, bot):
    await group_event(emulator, guild, bot)  # no `where`: the group's voice channel
    [voice] = guild.scheduled_events()
    assert voice["entity_type"] == 2 and voice["channel_id"]

    # A group event elsewhere (a place, or no voice channel at all) gets none: no
    # server-wide external event shows its title to everyone.
    await guild.alice.slash("event create", title="Yarn shop", when="in 5 hours",
                            group="Knitters", where="Wool & Co")  # fmt: skip
    assert [e["name"] for e in guild.scheduled_events()] == [SECRET]
    # A server event still gets its external one (control).
    await guild.alice.slash("event create", title="Town hall", when="in 5 hours", where="Hall")
    kinds = sorted((e["name"], e["entity_type"]) for e in guild.scheduled_events())
    assert kinds == [(SECRET, 2), ("Town hall", 3)]

    # Moving the group event out of the voice channel removes its scheduled event.
    await guild.alice.slash("event edit", event=SECRET, where="The pub")
    assert [e["name"] for e in guild.scheduled_events()] == ["Town hall"]


async def test_existing_external_events_of_group_events_removed_once(emulator, guild, bot, clock):
    """The upgrade: group events made before carry server-wide external scheduled
    events. One durable job deletes them one by one; cut midway, it finishes on re-run."""
    text_id = await new_channel(emulator, guild, "knitters", 0)
    group_id = await make_group(bot, guild, "Knitters", text_id, None, guild.alice, [guild.bob])
    for title in ("Old one", "Old two", "Old three"):
        await guild.alice.slash("event create", title=title, when="in 3 hours", group="Knitters")
    await guild.alice.slash("event create", title="Server", when="in 3 hours", where="Hall")
    # Plant what the old code made: an external scheduled event per group event.
    discord_guild = bot.get_guild(guild.id)
    from datetime import UTC, datetime

    import discord

    rows = await bot.store.fetchall(
        "SELECT id, title FROM events WHERE group_id = ? ORDER BY id", (group_id,)
    )
    made_ids = []
    for row in rows:
        made = await discord_guild.create_scheduled_event(
            name=row["title"], start_time=datetime.fromtimestamp(clock.now() + 7200, tz=UTC),
            end_time=datetime.fromtimestamp(clock.now() + 9000, tz=UTC),
            entity_type=discord.EntityType.external, location="Somewhere",
            privacy_level=discord.PrivacyLevel.guild_only,
        )  # fmt: skip
        made_ids.append(made.id)
        await bot.store.execute(
            "UPDATE events SET scheduled_event_id = ? WHERE id = ?", (made.id, row["id"])
        )
    await emulator.settle()
    assert len(guild.scheduled_events()) == 4
    # The flag was set at the first load: it never runs twice on its own.
    service = bot.feature_cog("events").service
    assert not await schedule_cleanup_once(service)
    await bot.store.execute("DELETE FROM meta WHERE key = ?", (CLEANUP_FLAG,))

    # The second delete fails: the first stays done, the job retries and finishes.
    emulator.inject("DELETE", rf"/guilds/\d+/scheduled-events/{made_ids[1]}$", status=403)
    assert await schedule_cleanup_once(service)
    await clock.advance(0)
    await emulator.settle()
    emulator.take_violations()
    left = sorted(e["name"] for e in guild.scheduled_events())
    assert "Server" in left and len(left) == 3, left  # one deleted, then the cut
    await clock.advance(120)  # the retry after its backoff
    await emulator.settle()
    assert [e["name"] for e in guild.scheduled_events()] == ["Server"]
    still = await bot.store.fetchval(
        "SELECT COUNT(*) FROM events WHERE group_id = ? AND scheduled_event_id IS NOT NULL",
        (group_id,),
    )
    assert still == 0
    assert await bot.scheduler.pending("event.cleanup_scheduled") == []


async def test_posting_needs_the_invokers_own_permission(emulator, guild, bot):
    send = str(1 << 11)  # SEND_MESSAGES: @everyone may read but not write; the bot may
    made = emulator.new_channel(
        emulator.world.guilds[guild.id], "announcements", 0,
        overwrites=[
            {"id": guild.id, "type": 0, "allow": "0", "deny": send},
            {"id": guild.bot_role_id, "type": 0, "allow": send, "deny": "0"},
        ],
    )  # fmt: skip
    await emulator.dispatch("CHANNEL_CREATE", made)
    await emulator.settle()
    closed = int(made["id"])
    refused = await guild.carol.slash(
        "event create", title="Party", when="in 2 hours", in_channel=closed
    )
    assert refused.ephemeral and "You can't post in" in refused.text
    refused = await guild.carol.slash(
        "event findtime", title="Party", options="in 2 days; in 3 days", in_channel=closed
    )
    assert refused.ephemeral and "You can't post in" in refused.text
    assert not [m for m in guild.messages(closed) if m.get("embeds")]
    # The owner may post there (control).
    allowed = await guild.owner.slash(
        "event create", title="Party", when="in 2 hours", in_channel=closed
    )
    assert "Created" in allowed.text, allowed.text


async def test_group_findtime_outsiders_and_buttons(emulator, guild, bot, clock):
    text_id = await new_channel(emulator, guild, "knitters", 0)
    await make_group(bot, guild, "Knitters", text_id, None, guild.alice, [guild.bob])
    await guild.alice.slash(
        "event findtime", title="Next knit", group="Knitters",
        options="2026-12-10 18:00; 2026-12-11 18:00", closes="1d",
    )  # fmt: skip
    [poll] = [m for m in guild.messages(text_id) if m.get("embeds")]
    poll_id = int(poll["id"])
    await guild.bob.react(poll_id, "🇦")
    await guild.carol.react(poll_id, "🇧")  # an outsider: removed, never counted
    await guild.dave.react(poll_id, "🇧")
    await emulator.settle()
    reactions = guild.reactions(poll_id)
    assert guild.carol.id not in reactions.get("🇧", []) and guild.dave.id not in reactions.get(
        "🇧", []
    )
    assert guild.bob.id in reactions["🇦"]
    await clock.advance(86400)
    await emulator.settle()
    [result] = [m for m in guild.messages(text_id) if "Best time" in (m.get("content") or "")]
    assert "🇦" in result["content"] and "1 member" in result["content"]
    create = next(b["custom_id"] for r in result["components"] for b in r["components"])
    outsider = await guild.carol.click(result, create)
    assert outsider.ephemeral and "gone" in outsider.text
    made = await guild.alice.click(result, create)
    assert "Created" in made.text, made.text

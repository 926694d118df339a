"""Feature switches end to end: every command AND button of a disabled feature answers
that it is off."""

from __future__ import annotations

import pytest

from tests.support.checkins import button_id as checkin_button_id
from tests.support.config_checks import (
    FEATURE_COMMANDS,
    HOUR,
    all_text,
    channel_id,
    dummy_options,
    subcommands,
)
from tests.support.events import button_ids, event_message
from tests.support.groups import create


@pytest.mark.parametrize("feature", sorted(FEATURE_COMMANDS))
async def test_every_command_of_a_disabled_feature_answers_off(guild, bot, feature):
    r = await guild.admin.slash("config feature", feature=feature, enabled=False)
    assert r.ephemeral and "off" in r.text
    assert not await bot.config.feature_enabled(guild.id, feature)
    before = await bot.store.fetchval("SELECT COUNT(*) FROM jobs")
    for top in FEATURE_COMMANDS[feature]:
        for name, spec in subcommands(guild, top):
            for user in (guild.alice, guild.admin):
                r = await user.slash(name, **dummy_options(guild, spec.get("options", [])))
                assert r.ephemeral, (name, r.text)
                assert "**off**" in r.text, (name, r.text)
    assert await bot.store.fetchval("SELECT COUNT(*) FROM jobs") == before
    # other features stay on
    others = [f for f in FEATURE_COMMANDS if f != feature]
    for other in others:
        assert await bot.config.feature_enabled(guild.id, other)
    r = await guild.admin.slash("config feature", feature=feature, enabled=True)
    assert await bot.config.feature_enabled(guild.id, feature)


async def test_disabled_groups_buttons_answer_off(emulator, guild, bot):
    await create(guild.alice, "Knitting")
    await create(guild.alice, "Secret Club", visibility="request")
    r = await guild.alice.slash("group panel")
    panel = next(m for m in guild.messages(guild.general) if m.get("components"))
    join = panel["components"][0]["components"][0]["custom_id"]
    await guild.bob.slash("group join", group="Secret Club")
    secret = channel_id(guild, "secret-club")
    request = next(m for m in guild.messages(secret) if m.get("components"))
    labels = {b["label"]: b["custom_id"] for b in request["components"][0]["components"]}
    delete = await guild.alice.slash("group delete", group="Knitting")
    delete_ids = {
        b["label"]: b["custom_id"] for row in delete.components for b in row["components"]
    }

    await guild.admin.slash("config feature", feature="groups", enabled=False)
    r = await guild.carol.click(panel, join)
    assert r.ephemeral and "**off**" in r.text, r.text
    r = await guild.alice.click(request, labels["Approve"])
    assert r.ephemeral and "**off**" in r.text, r.text
    r = await guild.alice.click(delete.message_id or delete, delete_ids["Delete"])
    assert r.ephemeral and "**off**" in r.text, r.text
    # nothing happened
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 2
    members = await bot.store.fetchval("SELECT COUNT(*) FROM group_members")
    assert members == 2  # only the two leaders


async def test_disabled_events_buttons_answer_off(guild, bot):
    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    message = event_message(guild)
    await guild.admin.slash("config feature", feature="events", enabled=False)
    for label in ("Going", "Maybe", "Can't"):
        r = await guild.bob.click(message, button_ids(message)[label])
        assert r.ephemeral and "**off**" in r.text, (label, r.text)
    assert await bot.store.fetchval("SELECT COUNT(*) FROM event_rsvps") == 0


async def test_disabled_findtime_create_button_answers_off(emulator, guild, bot, clock):
    r = await guild.alice.slash(
        "event findtime", title="Meetup", options="friday 7pm; saturday 10am", closes="1h"
    )
    assert "Meetup" in r.text or r.message, r.text
    slots = next(m for m in reversed(guild.messages(guild.general)) if "Meetup" in all_text(m))
    await guild.bob.react(int(slots["id"]), "🇦")
    await clock.advance(2 * HOUR)
    await emulator.settle()
    closed = next(
        m
        for m in reversed(guild.messages(guild.general))
        if any("findtime" in str(row) for row in m.get("components") or [])
    )
    button = closed["components"][0]["components"][0]["custom_id"]
    await guild.admin.slash("config feature", feature="events", enabled=False)
    events_before = await bot.store.fetchval("SELECT COUNT(*) FROM events")
    r = await guild.alice.click(closed, button)
    assert r.ephemeral and "**off**" in r.text, r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM events") == events_before


async def test_disabled_checkin_button_answers_off(emulator, guild, bot, clock):
    await create(guild.alice, "Book Club")
    await guild.bob.slash("group join", group="Book Club")
    channel = channel_id(guild, "book-club")
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(6 * HOUR + 60)
    await emulator.settle()
    prompt = next(m for m in guild.messages(channel) if m.get("components"))
    shown = await guild.bob.click(prompt, checkin_button_id(prompt))
    assert shown.modal is not None
    await guild.admin.slash("config feature", feature="checkins", enabled=False)
    r = await guild.bob.click(prompt, checkin_button_id(prompt))
    assert r.modal is None and r.ephemeral and "**off**" in r.text, r.text
    r = await guild.bob.submit_modal(shown, {"note": "read", "status": "done"})
    assert r.ephemeral and "**off**" in r.text, r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkins") == 0

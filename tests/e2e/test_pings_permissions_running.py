"""What cuts across features end to end: user text never pings, a missing bot
permission is named as Discord names it (and nothing is half made), and running it: a
missing token, no privileged intents, the runtime dependencies declared."""

from __future__ import annotations

import asyncio
import os
import sys
import tomllib

import pytest

from tests.support.config_checks import (
    HOUR,
    ROOT,
    assert_no_mass_pings,
    channel_id,
    requests_with,
)
from tests.support.events import button_ids, event_message
from tests.support.groups import create


async def test_user_text_never_pings_everyone_or_roles(emulator, guild, bot, clock):
    role = f"<@&{guild.manager_role_id}>"
    loud = f"@everyone @here {role}"
    await create(guild.alice, "Knitting", description=f"Desc {loud}")
    await guild.dave.slash("group info", group="Knitting")
    await guild.dave.slash("group list")
    await guild.alice.slash("group panel")
    await guild.bob.slash("group join", group="Knitting")
    await guild.alice.slash("poll create", question=f"Q {loud}", options=f"A {loud};B")
    await guild.alice.slash("poll close", poll="1")
    await guild.alice.slash("event create", title=f"T {loud}", when="friday 7pm", where=loud)
    channel = channel_id(guild, "knitting")
    await guild.alice.slash(
        "checkin schedule", group="Knitting", cadence="daily", time="18:00", prompt=f"P {loud}"
    )
    await guild.bob.slash("checkin log", group="Knitting", note=f"N {loud}")
    await guild.bob.slash("goal set", group="Knitting", text=f"G {loud}")
    await clock.advance(6 * HOUR + 60)
    await clock.advance(24 * HOUR)
    await emulator.settle()
    assert guild.messages(channel)
    seen = sum(
        assert_no_mass_pings(emulator, p)
        for p in ("Desc @", "Q @", "A @", "T @", "P @", "N @", "G @")
    )
    assert seen >= 1
    event = await bot.store.fetchval("SELECT id FROM events")
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    for _ in range(48):  # hour by hour to Friday 18:01, past the 1h reminder
        await clock.advance(HOUR)
    await emulator.settle()
    await emulator.settle()
    reminders = [
        d for d in requests_with(emulator, guild.bob.mention) if "T @" in str(d.get("content"))
    ]
    assert reminders, "no reminder mentioning the Going member"
    for data in reminders:
        mentions = data["allowed_mentions"]
        assert not mentions.get("parse") and not mentions.get("roles"), data
        assert [str(u) for u in mentions.get("users", [])] == [str(guild.bob.id)], data
    await guild.alice.slash("event cancel", event=str(event))
    assert_no_mass_pings(emulator, "T @")


async def test_missing_manage_roles_named_and_nothing_made(emulator, guild, bot):
    await emulator.deny_bot_permission(guild.id, "MANAGE_ROLES")
    roles, channels = len(guild.roles()), len(guild.channels())
    r = await create(guild.alice, "Knitting")
    assert r.ephemeral and "Manage Roles" in r.text, r.text
    assert len(guild.roles()) == roles and len(guild.channels()) == channels
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_missing_manage_channels_named_and_nothing_made(emulator, guild, bot):
    await emulator.deny_bot_permission(guild.id, "MANAGE_CHANNELS")
    roles, channels = len(guild.roles()), len(guild.channels())
    r = await create(guild.alice, "Knitting")
    assert r.ephemeral and "Manage Channels" in r.text, r.text
    assert len(guild.roles()) == roles and len(guild.channels()) == channels
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_missing_manage_events_named(emulator, guild, bot):
    await emulator.deny_bot_permission(guild.id, "MANAGE_EVENTS")
    r = await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    assert "Manage Events" in r.text, r.text
    assert not guild.scheduled_events()


@pytest.mark.parametrize(
    ("permission", "named"),
    [
        ("SEND_MESSAGES", "Send Messages"),
        ("ADD_REACTIONS", "Add Reactions"),
        ("READ_MESSAGE_HISTORY", "Read Message History"),
    ],
)
async def test_reaction_polls_name_the_missing_permission(emulator, guild, bot, permission, named):
    await emulator.deny_bot_permission(guild.id, permission)
    before = len(guild.messages(guild.general))
    for command, options in (
        ("poll create", {"question": "Q?", "options": "A;B"}),
        ("event findtime", {"title": "Meet", "options": "friday 7pm;saturday 9am"}),
    ):
        r = await guild.alice.slash(command, **options)
        assert r.ephemeral and named in r.text, (command, r.text)
    assert len(guild.messages(guild.general)) == before  # nothing half-made left behind
    emulator.take_violations()


async def test_missing_token_stops_at_once_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DATABASE_PATH"] = str(tmp_path / "huddle.db")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=str(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode != 0
    lines = [x for x in (out + err).decode().splitlines() if x.strip()]
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0], lines


async def test_no_privileged_intents(bot):
    assert not bot.intents.members
    assert not bot.intents.presences
    assert not bot.intents.message_content


def test_runtime_dependencies_declared():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = " ".join(data["project"]["dependencies"]).lower()
    for name in (
        "discord.py", "aiosqlite", "python-dotenv", "tzdata", "python-dateutil", "icalendar",
        "pillow",
    ):  # fmt: skip
        assert name in deps, name
    # Times are read by core.timeparse; dateparser (a large import) is no longer used.
    assert "dateparser" not in deps

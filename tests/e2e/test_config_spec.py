"""Acceptance checks written from SPEC.md alone for what cuts across features: §5 `/config`,
"People and permissions", the audit channel, feature switches (commands AND buttons),
user text that never pings, missing bot permissions named as Discord names them, `/help`,
and "Running it"."""

from __future__ import annotations

import asyncio
import os
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.channels import staff_channel
from tests.support.checkins import button_id as checkin_button_id
from tests.support.events import button_ids, event_message
from tests.support.groups import create
from tests.support.restart import before_ready, restart

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600
FEATURE_COMMANDS = {
    "groups": ("group",),
    "checkins": ("checkin", "goal"),
    "polls": ("poll",),
    "events": ("event",),
    "cycles": ("cycle",),
    "insights": ("insights",),
}


def epoch(*args: int, tz=UTC) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp())


def all_text(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def channel_id(guild, name: str) -> int:
    return int(next(c for c in guild.channels() if c["name"] == name)["id"])


def dummy_options(guild, options: list[dict]) -> dict:
    """A value for every required option, as a user would fill the form in."""
    values = {}
    for opt in options:
        if not opt.get("required"):
            continue
        kind = opt["type"]
        if opt.get("choices"):
            values[opt["name"]] = opt["choices"][0]["value"]
        elif kind == 3:
            values[opt["name"]] = {"time": "18:00", "zone": "Europe/Berlin"}.get(opt["name"], "x")
        elif kind == 4:
            values[opt["name"]] = 3
        elif kind == 5:
            values[opt["name"]] = True
        elif kind == 6:
            values[opt["name"]] = guild.bob
        elif kind == 7:
            values[opt["name"]] = guild.general
        elif kind == 8:
            values[opt["name"]] = guild.manager_role_id
    return values


def subcommands(guild, top: str) -> list[tuple[str, dict]]:
    command = next(c for c in guild.commands() if c["name"] == top)
    return [(f"{top} {o['name']}", o) for o in command.get("options", []) if o["type"] == 1]


async def use_manager_role(guild) -> None:
    r = await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    assert r.ephemeral, r.text


async def log_lines(guild, log: int) -> list[str]:
    return [m["content"] for m in guild.messages(log)]


# -- /config is for admins only ------------------------------------------------------------


async def test_every_config_subcommand_refuses_a_member_without_manage_server(guild, bot):
    before = await bot.config.all(guild.id)
    await use_manager_role(guild)
    names = subcommands(guild, "config")
    assert {n for n, _ in names} >= {
        "config show",
        "config feature",
        "config manager-role",
        "config groups",
        "config timezone",
        "config log-channel",
        "config reminders",
    }
    for user in (guild.alice, guild.manager):  # a community manager is not an admin
        for name, spec in names:
            r = await user.slash(name, **dummy_options(guild, spec.get("options", [])))
            assert r.ephemeral, (name, r.text)
            assert "Manage Server" in r.text, (name, r.text)
            assert "Huddle settings" not in r.text and "Saved" not in r.text, (name, r.text)
    after = await bot.config.all(guild.id)
    assert after == {**before, "manager_role": guild.manager_role_id}


async def test_config_is_hidden_from_non_admins_in_the_client(guild, bot):
    config = next(c for c in guild.commands() if c["name"] == "config")
    assert int(config["default_member_permissions"]) == 1 << 5  # Manage Server


async def test_admin_and_owner_may_use_config(guild, bot):
    for user in (guild.admin, guild.owner):
        r = await user.slash("config show")
        assert r.ephemeral and "Manage Server" not in r.text, r.text


async def test_config_feature_takes_the_four_features(guild, bot):
    feature = dict(subcommands(guild, "config"))["config feature"]
    option = next(o for o in feature["options"] if o["name"] == "feature")
    assert sorted(c["value"] for c in option["choices"]) == sorted(FEATURE_COMMANDS)


async def test_config_show_reflects_each_setting(guild, bot, emulator):
    await use_manager_role(guild)
    await guild.admin.slash("config feature", feature="checkins", enabled=False)
    await guild.admin.slash("config timezone", zone="Europe/Berlin")
    log = staff_channel(emulator, guild)
    await guild.admin.slash("config log-channel", channel=log)
    await guild.admin.slash("config reminders", defaults="1d,2h", dm=True)
    await guild.admin.slash("config groups", creation="managers", max_size=12, max_per_member=3)
    r = await guild.admin.slash("config show")
    assert r.ephemeral
    text = r.text
    for needle in (
        f"<@&{guild.manager_role_id}>",
        "Europe/Berlin",
        f"<#{log}>",
        "1d,2h",
        "managers",
        "12",
    ):
        assert needle in text, (needle, text)
    # each feature's on/off state is shown; check-ins is off
    for label in ("Groups", "Check-ins", "Polls", "Events"):
        assert label in text
    assert "**off**" in text or " off" in text


async def test_help_explains_each_feature(guild, bot):
    r = await guild.dave.slash("help")
    assert r.ephemeral
    for needle in ("/group", "/checkin", "/poll", "/event", "/config"):
        assert needle in r.text, needle


# -- a disabled feature: its commands AND its buttons answer **off** ------------------------


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


# -- the community manager -------------------------------------------------------------------


async def test_manager_role_holder_is_nobody_special_until_configured(guild, bot):
    await create(guild.alice, "Knitting")
    r = await guild.manager.slash("group kick", group="Knitting", member=guild.alice)
    assert r.ephemeral
    r = await guild.manager.slash("group edit", group="Knitting", description="Mine now")
    assert r.ephemeral
    info = await guild.dave.slash("group info", group="Knitting")
    assert "Mine now" not in info.text


async def test_manager_manages_any_group(guild, bot):
    await use_manager_role(guild)
    await create(guild.alice, "Knitting")
    await guild.bob.slash("group join", group="Knitting")
    channel = next(c for c in guild.channels() if c["name"] == "knitting")
    allowed = {int(o["id"]): int(o["allow"]) for o in channel["permission_overwrites"]}
    assert allowed.get(guild.manager_role_id, 0) & (1 << 10)  # sees every group channel
    r = await guild.manager.slash("group edit", group="Knitting", description="Yarn & more")
    assert "Yarn & more" in (await guild.dave.slash("group info", group="Knitting")).text, r.text
    r = await guild.manager.slash("group kick", group="Knitting", member=guild.bob)
    assert "Knitting" in r.text
    assert not any(
        str(role["id"]) in map(str, guild.member_roles(guild.bob))
        for role in guild.roles()
        if role["name"] == "Knitting"
    )
    r = await guild.manager.slash("group promote", group="Knitting", member=guild.carol)
    r = await guild.manager.slash("group archive", group="Knitting")
    assert "archiv" in r.text.lower(), r.text
    r = await guild.manager.slash("group restore", group="Knitting")
    r = await guild.manager.slash("group delete", group="Knitting")
    ids = {b["label"]: b["custom_id"] for row in r.components for b in row["components"]}
    done = await guild.manager.click(r.message_id or r, ids["Delete"])
    assert not [x for x in guild.roles() if x["name"] == "Knitting"], done.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_manager_closes_any_poll_and_cancels_any_event(guild, bot):
    await use_manager_role(guild)
    await guild.alice.slash("poll create", question="Next book?", options="Dune;Emma")
    r = await guild.bob.slash("poll close", poll="Next book?")
    assert r.ephemeral  # a plain member may not
    r = await guild.manager.slash("poll close", poll="Next book?")
    poll = next(m for m in reversed(guild.messages(guild.general)) if "Next book?" in all_text(m))
    assert "closed" in all_text(guild.message(int(poll["id"]))).lower(), r.text

    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    r = await guild.bob.slash("event cancel", event="Picnic")
    assert r.ephemeral
    r = await guild.manager.slash("event cancel", event="Picnic")
    message = event_message(guild)
    assert "**Cancelled**" in all_text(guild.message(int(message["id"]))), r.text
    assert all(e["status"] == 4 for e in guild.scheduled_events())


async def test_manager_approves_groups(guild, bot):
    await use_manager_role(guild)
    await guild.admin.slash("config groups", approval=True)
    r = await create(guild.alice, "Chess")
    assert r.ephemeral or "approv" in r.text.lower()
    assert not [x for x in guild.roles() if x["name"] == "Chess"]
    request = next(
        m
        for c in guild.channels()
        for m in guild.messages(int(c["id"]))
        if "Chess" in all_text(m) and m.get("components")
    )
    ids = {b["label"]: b["custom_id"] for b in request["components"][0]["components"]}
    r = await guild.bob.click(request, ids["Approve"])
    assert r.ephemeral
    r = await guild.manager.click(request, ids["Approve"])
    assert [x for x in guild.roles() if x["name"] == "Chess"], r.text


async def test_admin_may_do_everything_a_manager_may(guild, bot):
    await create(guild.alice, "Knitting")
    r = await guild.admin.slash("group edit", group="Knitting", description="By the admin")
    assert "By the admin" in (await guild.dave.slash("group info", group="Knitting")).text, r.text
    await guild.alice.slash("poll create", question="Next book?", options="Dune;Emma")
    await guild.admin.slash("poll close", poll="Next book?")
    poll = next(m for m in reversed(guild.messages(guild.general)) if "Next book?" in all_text(m))
    assert "closed" in all_text(guild.message(int(poll["id"]))).lower()
    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    await guild.admin.slash("event cancel", event="picnic")
    assert "**Cancelled**" in all_text(guild.message(int(event_message(guild)["id"])))


async def test_settings_survive_a_restart(guild, bot, start_bot):
    await use_manager_role(guild)
    await guild.admin.slash("config feature", feature="polls", enabled=False)
    await guild.admin.slash("config timezone", zone="Asia/Tokyo")
    bot = await restart(bot, start_bot)  # real ready timing (issue 12): asked before on_ready
    r = await guild.alice.slash("poll list")
    assert r.ephemeral and "**off**" in r.text
    r = await guild.alice.slash("event create", title="Later", when="2026-12-03 18:30")
    tokyo = ZoneInfo("Asia/Tokyo")
    assert f"<t:{epoch(2026, 12, 3, 18, 30, tz=tokyo)}:F>" in r.text, r.text
    await create(guild.alice, "Knitting")
    r = await guild.manager.slash("group edit", group="Knitting", description="Managed")
    assert "Managed" in (await guild.dave.slash("group info", group="Knitting")).text, r.text
    before_ready(bot)


# -- the audit channel ---------------------------------------------------------------------


async def test_audit_line_for_each_audited_action(emulator, guild, bot, clock):
    log = staff_channel(emulator, guild)
    r = await guild.admin.slash("config log-channel", channel=log)
    assert r.ephemeral
    await create(guild.alice, "Knitting")
    assert any("Knitting" in line for line in await log_lines(guild, log))
    await guild.bob.slash("group join", group="Knitting")
    n = len(await log_lines(guild, log))
    await guild.alice.slash("group kick", group="Knitting", member=guild.bob)
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Knitting" in new[0], new

    n = len(await log_lines(guild, log))
    await guild.alice.slash("poll create", question="Next book?", options="Dune;Emma")
    await guild.alice.slash("poll close", poll="Next book?")
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Next book?" in new[0], new

    n = len(await log_lines(guild, log))
    await guild.alice.slash(
        "poll create", question="Tea or coffee?", options="Tea;Coffee", closes="1h"
    )
    await clock.advance(HOUR + 60)
    await emulator.settle()
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Tea or coffee?" in new[0], new

    n = len(await log_lines(guild, log))
    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    await guild.alice.slash("event cancel", event="Picnic")
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Picnic" in new[0], new

    n = len(await log_lines(guild, log))
    r = await guild.alice.slash("group delete", group="Knitting")
    ids = {b["label"]: b["custom_id"] for row in r.components for b in row["components"]}
    await guild.alice.click(r.message_id or r, ids["Delete"])
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Knitting" in new[0], new
    # audit lines never ping
    for req in emulator.find_requests("POST", rf"/channels/{log}/messages$"):
        mentions = req.json.get("allowed_mentions")
        assert mentions is not None and not mentions.get("parse"), req.json


async def test_no_audit_lines_without_a_log_channel(emulator, guild, bot):
    log = staff_channel(emulator, guild)

    def lines_naming(name: str) -> list[str]:
        """Every message in every channel of the server naming the group, except in the
        group's own channel (where its welcome lives)."""
        own = name.lower()
        return [
            m["content"]
            for c in guild.channels()
            if c.get("type") == 0 and c["name"] != own
            for m in guild.messages(int(c["id"]))
            if name in (m.get("content") or "")
        ]

    # No log channel set: creating a group posts no audit line anywhere.
    r = await create(guild.alice, "Knitting")
    assert "Knitting" in r.text, r.text
    assert lines_naming("Knitting") == []
    # Positive control: the same look finds the audit line once a log channel is set.
    await guild.admin.slash("config log-channel", channel=log)
    r = await create(guild.alice, "Sewing")
    assert "Sewing" in r.text, r.text
    found = lines_naming("Sewing")
    assert len(found) == 1 and "created" in found[0], found
    assert [m["content"] for m in guild.messages(log)] == found


# -- /config timezone --------------------------------------------------------------------------


async def test_server_timezone_changes_how_event_when_is_read(guild, bot):
    r = await guild.alice.slash("event create", title="Before", when="2026-12-03 18:30")
    assert f"<t:{epoch(2026, 12, 3, 18, 30)}:F>" in r.text, r.text
    r = await guild.admin.slash("config timezone", zone="Asia/Tokyo")
    assert r.ephemeral and "Asia/Tokyo" in r.text
    r = await guild.alice.slash("event create", title="After", when="2026-12-03 18:30")
    tokyo = ZoneInfo("Asia/Tokyo")
    assert f"<t:{epoch(2026, 12, 3, 18, 30, tz=tokyo)}:F>" in r.text, r.text
    # a member's own zone still wins
    await guild.bob.slash("timezone set", zone="Europe/Berlin")
    r = await guild.bob.slash("event create", title="Bob's", when="2026-12-03 18:30")
    berlin = ZoneInfo("Europe/Berlin")
    assert f"<t:{epoch(2026, 12, 3, 18, 30, tz=berlin)}:F>" in r.text, r.text


async def test_config_timezone_autocompletes_and_refuses_unknown_zones(guild, bot):
    choices = await guild.admin.autocomplete("config timezone", "zone", "Europe/Ber")
    assert any(c["value"] == "Europe/Berlin" for c in choices)
    r = await guild.admin.slash("config timezone", zone="Nowhere/Atlantis")
    assert r.ephemeral and "Nowhere/Atlantis" not in str(await bot.config.server_timezone(guild.id))
    r = await guild.admin.slash("config timezone", zone="europe/berlin")  # typed in lower case
    assert await bot.config.server_timezone(guild.id) == "Europe/Berlin", r.text


async def test_server_timezone_sets_checkin_times_of_new_groups(emulator, guild, bot, clock):
    await guild.admin.slash("config timezone", zone="Europe/Berlin")  # UTC+1 in December
    await create(guild.alice, "Book Club")
    channel = channel_id(guild, "book-club")
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR - 60)  # 16:59 UTC = 17:59 Berlin
    await emulator.settle()
    assert not [m for m in guild.messages(channel) if m.get("components")]
    await clock.advance(120)  # 17:01 UTC = 18:01 Berlin
    await emulator.settle()
    assert [m for m in guild.messages(channel) if m.get("components")]


# -- /config groups and /config reminders take effect -------------------------------------------


async def test_config_groups_creation_and_max_size(guild, bot):
    await use_manager_role(guild)
    r = await guild.admin.slash("config groups", creation="managers", max_size=3)
    assert r.ephemeral
    r = await create(guild.alice, "Knitting")
    assert r.ephemeral and not [x for x in guild.roles() if x["name"] == "Knitting"]
    r = await create(guild.manager, "Knitting")
    assert [x for x in guild.roles() if x["name"] == "Knitting"], r.text
    await guild.alice.slash("group join", group="Knitting")
    await guild.bob.slash("group join", group="Knitting")
    r = await guild.carol.slash("group join", group="Knitting")  # creator counts: 3 is full
    assert r.ephemeral and "full" in r.text, r.text
    r = await create(guild.manager, "Big", max_members=50)
    assert r.ephemeral and not [x for x in guild.roles() if x["name"] == "Big"], r.text


async def test_config_groups_max_per_member(guild, bot):
    await guild.admin.slash("config groups", max_per_member=1)
    await create(guild.alice, "One")
    await create(guild.bob, "Two")
    r = await guild.alice.slash("group join", group="Two")
    assert (
        r.ephemeral
        and await bot.store.fetchval(
            "SELECT COUNT(*) FROM group_members WHERE user_id = ?", (guild.alice.id,)
        )
        == 1
    ), r.text


async def test_config_reminders_defaults_and_dm(emulator, guild, bot, clock):
    r = await guild.admin.slash("config reminders", defaults="2h", dm=True)
    assert r.ephemeral
    await guild.alice.slash("event create", title="Picnic", when="2026-12-01 18:00")
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    before = len(guild.bob.dm_messages())
    await clock.advance(3 * HOUR + 60)  # 15:01: the 2h reminder (16:00) not yet due
    await emulator.settle()
    assert len(guild.bob.dm_messages()) == before
    await clock.advance(HOUR)  # 16:01
    await emulator.settle()
    assert len(guild.bob.dm_messages()) > before
    reminder = [m for m in guild.messages(guild.general) if guild.bob.mention in m["content"]]
    assert reminder


async def test_config_reminders_refuses_a_bad_offset_and_keeps_the_old_one(guild, bot):
    await guild.admin.slash("config reminders", defaults="1d")
    r = await guild.admin.slash("config reminders", defaults="soon-ish")
    assert r.ephemeral
    assert await bot.config.get(guild.id, "reminders.defaults") == "1d"


# -- user text never pings -------------------------------------------------------------------


def requests_with(emulator, needle: str) -> list:
    found = []
    for req in emulator.requests:
        body = req.json
        if not isinstance(body, dict):
            continue
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        if needle in str(data.get("content") or ""):
            found.append(data)
    return found


def assert_no_mass_pings(emulator, needle: str) -> int:
    found = requests_with(emulator, needle)
    for data in found:
        mentions = data.get("allowed_mentions")
        assert mentions is not None, data
        parse = mentions.get("parse") or []
        assert "everyone" not in parse and "roles" not in parse, data
        assert not mentions.get("roles"), data
    return len(found)


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


# -- the bot's own missing permission is named as Discord names it -----------------------------


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


# -- running it -------------------------------------------------------------------------------


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


async def test_manager_role_refuses_everyone_bot_managed_and_group_roles(guild, bot):
    """Issue 11: each refusal says why, and nothing is saved."""
    r = await guild.admin.slash("config manager-role", role=guild.id)  # @everyone
    assert r.ephemeral and "@everyone" in r.text and "can't" in r.text, r.text
    r = await guild.admin.slash("config manager-role", role=guild.bot_role_id)
    assert r.ephemeral and "managed by a bot" in r.text, r.text
    await create(guild.alice, "Book Club")
    role_id = await bot.store.fetchval("SELECT role_id FROM groups WHERE name = 'Book Club'")
    r = await guild.admin.slash("config manager-role", role=int(role_id))
    assert r.ephemeral and "role of the group **Book Club**" in r.text, r.text
    assert await bot.config.get(guild.id, "manager_role") is None
    r = await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    assert "Community managers are now" in r.text
    assert await bot.config.get(guild.id, "manager_role") == guild.manager_role_id

"""`/config` end to end (written from the rules: docs/rules.md, "Server configuration"):
only those who manage the server use it, `/config show` and `/help`, the server time zone,
group limits, reminder defaults, the manager role, and settings that survive a restart."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tests.support.channels import staff_channel
from tests.support.config_checks import (
    FEATURE_COMMANDS,
    HOUR,
    channel_id,
    dummy_options,
    epoch,
    subcommands,
    use_manager_role,
)
from tests.support.events import button_ids, event_message
from tests.support.groups import create
from tests.support.restart import before_ready, restart


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


async def test_settings_survive_a_restart(guild, bot, start_bot):
    await use_manager_role(guild)
    await guild.admin.slash("config feature", feature="polls", enabled=False)
    await guild.admin.slash("config timezone", zone="Asia/Tokyo")
    bot = await restart(bot, start_bot)  # real ready timing: asked before on_ready
    r = await guild.alice.slash("poll list")
    assert r.ephemeral and "**off**" in r.text
    r = await guild.alice.slash("event create", title="Later", when="2026-12-03 18:30")
    tokyo = ZoneInfo("Asia/Tokyo")
    assert f"<t:{epoch(2026, 12, 3, 18, 30, tz=tokyo)}:F>" in r.text, r.text
    await create(guild.alice, "Knitting")
    r = await guild.manager.slash("group edit", group="Knitting", description="Managed")
    assert "Managed" in (await guild.dave.slash("group info", group="Knitting")).text, r.text
    before_ready(bot)


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


async def test_manager_role_refuses_everyone_bot_managed_and_group_roles(guild, bot):
    """Each refusal says why, and nothing is saved."""
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

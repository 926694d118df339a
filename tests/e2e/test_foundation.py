"""The foundation through the emulator: login and command registration, the sync-on-change
rule, feature switches, admin checks, and the central error handler."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.support.channels import staff_channel
from tests.support.due import assert_due, wait_until_run
from tests.support.restart import before_ready, restart, until_ready

ROOT = Path(__file__).resolve().parents[2]


async def test_config_is_registered_for_manage_server_only(guild, bot):
    config = next(c for c in guild.commands() if c["name"] == "config")
    assert int(config["default_member_permissions"]) == 1 << 5  # MANAGE_GUILD
    names = {o["name"] for o in config["options"]}
    assert {
        "show",
        "feature",
        "manager-role",
        "groups",
        "timezone",
        "log-channel",
        "reminders",
    } <= names


async def test_second_start_with_same_tree_makes_no_sync_request(emulator, bot, start_bot):
    assert emulator.count_requests("PUT", r"/commands$") == 1
    await bot.close()
    emulator.reset_requests()
    again = await restart(bot, start_bot)  # discord.py's real ready timing
    assert again.guilds and not again.is_ready()  # commands usable before on_ready
    assert emulator.count_requests("PUT", r"/commands$") == 0


async def test_dev_guild_syncs_to_that_guild(emulator, guild, start_bot):
    await start_bot(dev_guild_id=guild.id)
    puts = emulator.find_requests("PUT", r"/commands$")
    assert len(puts) == 1 and f"/guilds/{guild.id}/commands" in puts[0].path


async def test_member_without_manage_server_is_refused_config(guild, bot):
    reply = await guild.alice.slash("config feature", feature="polls", enabled=False)
    assert reply.ephemeral
    assert "Manage Server" in reply.text
    assert await bot.config.feature_enabled(guild.id, "polls")


async def test_disabled_feature_answers_off(guild, bot):
    reply = await guild.admin.slash("config feature", feature="polls", enabled=False)
    assert reply.ephemeral and "off" in reply.text
    refused = await guild.alice.slash("poll list")
    assert refused.ephemeral
    assert "**off**" in refused.content and "/config feature" in refused.content
    await guild.admin.slash("config feature", feature="polls", enabled=True)
    allowed = await guild.alice.slash("poll list")
    assert "**off**" not in allowed.text


async def test_owner_counts_as_admin(guild, bot):
    reply = await guild.owner.slash("config timezone", zone="Europe/Berlin")
    assert "Europe/Berlin" in reply.text
    assert await bot.config.server_timezone(guild.id) == "Europe/Berlin"


async def test_config_show_lists_every_feature_setting(guild, bot):
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    reply = await guild.admin.slash("config show")
    assert reply.ephemeral
    for text in (
        "Groups",
        "Check-ins",
        "Polls",
        "Events",
        "Community manager role",
        f"<@&{guild.manager_role_id}>",
        "Default event reminders",
    ):
        assert text in reply.text, text


async def test_config_rejects_an_unknown_zone(guild, bot):
    reply = await guild.admin.slash("config timezone", zone="Mars/Olympus")
    assert reply.ephemeral and "not a time zone" in reply.text
    assert await bot.config.server_timezone(guild.id) == "UTC"


async def test_config_reminders_validates_offsets(guild, bot):
    bad = await guild.admin.slash("config reminders", defaults="tomorrow")
    assert bad.ephemeral and "duration" in bad.text
    good = await guild.admin.slash("config reminders", defaults="1d, 2h", dm=True)
    assert "Saved" in good.text
    assert await bot.config.get(guild.id, "reminders.defaults") == "1d,2h"
    assert await bot.config.get(guild.id, "reminders.dm") is True


async def test_help_is_for_everyone(guild, bot):
    reply = await guild.alice.slash("help")
    assert reply.ephemeral
    assert "/group create" in reply.text and "/poll create" in reply.text


@pytest.mark.extensions("cogs.admin", "tests.e2e.boom_extension")
async def test_unexpected_error_gives_apology_and_log_line(guild, bot, caplog):
    with caplog.at_level(logging.ERROR, logger="core.bot"):
        reply = await guild.alice.slash("boom")
    assert reply.ephemeral
    assert "something went wrong" in reply.text and "reference" in reply.text
    assert "Traceback" not in reply.text and "kaboom" not in reply.text
    ref = reply.text.split("`")[1]
    record = next(r for r in caplog.records if "unexpected error" in r.getMessage())
    assert ref in record.getMessage() and "boom" in record.getMessage()
    assert record.exc_info is not None


@pytest.mark.extensions("cogs.admin", "tests.e2e.boom_extension")
async def test_user_error_is_answered_ephemerally_as_is(guild, bot):
    reply = await guild.alice.slash("oops")
    assert reply.ephemeral
    assert reply.content == "That group name is taken. Pick another name."


async def test_audit_lines_go_to_the_log_channel(guild, bot, emulator):
    log = staff_channel(emulator, guild)
    await guild.admin.slash("config log-channel", channel=log)
    await bot.audit(guild.id, "Group **Knitting** created by <@1>")
    last = guild.messages(log)[-1]
    assert last["content"] == "Group **Knitting** created by <@1>"


async def test_scheduled_work_survives_kill_9(
    emulator, guild, clock, db_path, bot_subprocess, start_bot
):
    """A poll close scheduled by a `python bot.py` process that is then killed with SIGKILL
    still happens when the bot comes back (late rather than never)."""
    proc = await bot_subprocess(db_path)  # on the test's clock (tests/emulator/clocked_bot.py)
    created = await guild.alice.slash(
        "poll create", question="Next book?", options="Dune;Emma", closes="1h"
    )
    assert "posted" in created.text, created.text
    proc.kill()
    await proc.proc.wait()
    await clock.advance(2 * 3600)  # the bot was down over the deadline
    bot = await start_bot(guild_ready_timeout=None, until_ready=False)  # real ready timing
    before_ready(bot)
    await until_ready(bot)
    # the catch-up runs in the scheduler's task right after on_ready
    await wait_until_run(bot, "poll.close")
    await emulator.settle()
    texts = " ".join(m["content"] or "" for m in guild.messages(guild.general))
    assert "closed" in texts.lower() or any(
        "closed" in (e.get("title", "") + e.get("description", "")).lower()
        for m in guild.messages(guild.general)
        for e in m.get("embeds", [])
    )


async def test_a_job_not_due_on_the_tests_clock_fails_loudly(guild, clock, bot):
    """The guard behind wait_until_run: a job due after the clock's now is a test bug, named
    as such (here: an hour-long poll, with the clock not moved past it)."""
    await guild.alice.slash("poll create", question="Next?", options="A;B", closes="1h")
    with pytest.raises(pytest.fail.Exception, match="earlier than job"):
        await assert_due(bot, "poll.close")
    await clock.advance(3601)
    await wait_until_run(bot, "poll.close")


async def test_rejected_token_exits_1_with_one_line(emulator, tmp_path):
    env = {
        **os.environ,
        "DISCORD_TOKEN": "not-the-right-token",
        "DISCORD_API_BASE": emulator.api_base,
        "DISCORD_GATEWAY_URL": emulator.gateway_url,
        "DATABASE_PATH": str(tmp_path / "huddle.db"),
        "LOG_LEVEL": "CRITICAL",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=str(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0], err.decode()
    assert "not-the-right-token" not in err.decode()


async def test_sigterm_shuts_down_cleanly(emulator, db_path, bot_subprocess):
    proc = await bot_subprocess(db_path)
    # once ready, a long-running bot.py freezes its start-up objects out of garbage
    # collection (core/memory.py): its log says so
    log_file = db_path.parent / "huddle.log"
    for _ in range(1000):
        if log_file.exists() and "objects frozen out of garbage collection" in log_file.read_text():
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("bot.py never froze its start-up objects (or never got ready)")
    proc.proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 30)
    output = await proc.output()
    assert code == 0, output
    assert "Task was destroyed" not in output and "Traceback" not in output, output
    assert "shutting down" in output


async def test_an_in_process_bot_leaves_the_garbage_collector_alone(bot):
    """Tests start hundreds of bots in one process: none freezes (frozen cycles would never
    be collected); only bot.py asks for it."""
    import gc

    assert bot.freeze_gc_when_ready is False
    assert gc.get_freeze_count() == 0


async def test_config_groups_takes_a_category_the_bot_has_not_cached(emulator, guild, bot):
    category = emulator.new_channel(emulator.world.guilds[guild.id], "Clubs", 4)
    reply = await guild.admin.slash("config groups", category=int(category["id"]))
    assert reply.ephemeral and "Saved" in reply.text, reply.text
    assert await bot.config.get(guild.id, "groups.category") == int(category["id"])
    registered = next(c for c in guild.commands() if c["name"] == "config")
    groups = next(o for o in registered["options"] if o["name"] == "groups")
    option = next(o for o in groups["options"] if o["name"] == "category")
    assert option["channel_types"] == [4]

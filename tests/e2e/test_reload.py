"""Reloading every extension on a running bot leaves every feature working: each cog's
cog_unload undoes its cog_load (commands, job handlers, settings, button routes,
background tasks) and cog_load sets them up again, with nothing registered twice."""

from __future__ import annotations

import pytest

from core.bot import HuddleBot
from tests.support.events import button_ids, event_message
from tests.support.groups import create
from tests.support.polls import A, fast_edits, last_poll, poll_text, quiet

pytestmark = pytest.mark.timeout(120)


async def reload_everything(bot: HuddleBot) -> None:
    for name in list(bot.extensions):
        await bot.reload_extension(name)


def answered(reply) -> str:
    """The reply's text, after checking it is no apology for an unexpected error."""
    assert "went wrong" not in reply.text, reply.text
    return reply.text


@pytest.fixture
async def reloaded(bot, guild, emulator) -> HuddleBot:
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    await create(guild.alice, "Book Club")  # a group to act on after the reload
    await reload_everything(bot)
    await reload_everything(bot)  # twice: a second round finds nothing left over
    fast_edits(bot)
    await emulator.settle()
    return bot


async def test_every_feature_cog_is_back_under_its_feature_name(reloaded):
    for extension in reloaded.extensions:
        feature = extension.removeprefix("cogs.")
        assert reloaded.feature_cog(feature).qualified_name == feature.capitalize()


async def test_admin_and_groups_commands_and_the_join_button(reloaded, guild):
    assert "Huddle" in answered(await guild.bob.slash("help"))
    assert "Huddle settings" in answered(await guild.admin.slash("config show"))
    assert "Book Club" in answered(await guild.bob.slash("group info", group="book club"))
    assert "Posted" in answered(await guild.manager.slash("group panel"))
    panel = guild.messages(guild.general)[-1]
    join = next(
        c["custom_id"]
        for row in panel["components"]
        for c in row["components"]
        if c["custom_id"].startswith("huddle:groups:join:")
    )
    joined = await guild.bob.click(panel, join)
    assert "joined" in answered(joined)
    assert int(guild.role("Book Club")["id"]) in guild.member_roles(guild.bob)


async def test_polls_command_and_reactions(reloaded, guild, emulator):
    reply = await guild.alice.slash("poll create", question="After reload?", options="Yes; No")
    assert "posted" in answered(reply)
    message_id = int(last_poll(guild)["id"])
    await guild.bob.react(message_id, A)
    await quiet(reloaded, emulator)
    assert "Yes — 1 vote\n" in poll_text(guild.message(message_id))  # counted once, not twice
    assert "Closed" in answered(await guild.alice.slash("poll close", poll="After reload?"))


async def test_events_command_and_rsvp_button(reloaded, guild):
    reply = await guild.alice.slash("event create", title="Board games", when="tomorrow 18:00")
    assert "Board games" in answered(reply)
    message = event_message(guild)
    clicked = await guild.bob.click(message, button_ids(message)["Going"])
    assert clicked.type == 7, clicked  # the event message itself was updated
    assert "went wrong" not in clicked.text


async def test_checkins_command(reloaded, guild):
    reply = await guild.alice.slash("checkin log", group="Book Club", note="read 20 pages")
    assert "Checked in" in answered(reply)

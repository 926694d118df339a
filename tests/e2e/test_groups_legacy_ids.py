"""Buttons posted by the release before the component router keep working after the
upgrade. That release's custom ids were `huddle:grpreq:<request>:<approve|deny>`,
`huddle:grpok:<request>:<approve|deny>`, `huddle:grpjoin:<group>` and
`huddle:grpwait:<group>`. Each test posts a message exactly as it posted them (through
the bot's own REST client, so Discord's spec checks the request), restarts the bot on
the same database, and clicks the old button."""

from __future__ import annotations

import discord
import pytest
from discord.http import handle_message_parameters

from tests.support.groups import create, group_id
from tests.support.restart import before_ready, restart

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups")

APPROVE = ("Approve", discord.ButtonStyle.success)
DENY = ("Deny", discord.ButtonStyle.danger)
JOIN = discord.ButtonStyle.primary


async def post_old_message(bot, channel_id: int, text: str, *buttons) -> dict:
    """A message whose buttons carry old custom ids: (custom_id, label, style) each."""
    view = discord.ui.View(timeout=None)
    for custom_id, label, style in buttons:
        view.add_item(discord.ui.Button(custom_id=custom_id, label=label, style=style))
    with handle_message_parameters(content=text, view=view) as params:
        return await bot.http.send_message(channel_id, params=params)


async def request_id(bot, user_id: int) -> int:
    sql = "SELECT id FROM group_requests WHERE user_id = ? AND status = 'pending'"
    return int(await bot.store.fetchval(sql, (user_id,)))


def role_id(guild, name: str) -> int:
    return int(guild.role(name)["id"])


async def test_old_join_request_buttons_approve_and_deny(guild, bot, start_bot):
    await create(guild.alice, "Quiet", visibility="request")
    channel = int(guild.channel("quiet")["id"])
    old = {}
    for user in (guild.bob, guild.carol):
        await user.slash("group join", group="Quiet")
        rid = await request_id(bot, user.id)
        old[user.id] = await post_old_message(
            bot,
            channel,
            f"{user.mention} asks to join **Quiet**.",
            (f"huddle:grpreq:{rid}:approve", *APPROVE),
            (f"huddle:grpreq:{rid}:deny", *DENY),
        )
    # the upgraded release starts on the same database; its first clicks come before
    # on_ready (discord.py's real ready timing)
    bot = await restart(bot, start_bot)
    bob_rid = await request_id(bot, guild.bob.id)
    refused = await guild.dave.click(old[guild.bob.id], f"huddle:grpreq:{bob_rid}:approve")
    assert refused.ephemeral and "leaders" in refused.text
    await guild.alice.click(old[guild.bob.id], f"huddle:grpreq:{bob_rid}:approve")
    assert role_id(guild, "Quiet") in guild.member_roles(guild.bob)
    assert "approved" in guild.message(int(old[guild.bob.id]["id"]))["content"]
    carol_rid = await request_id(bot, guild.carol.id)
    await guild.alice.click(old[guild.carol.id], f"huddle:grpreq:{carol_rid}:deny")
    assert role_id(guild, "Quiet") not in guild.member_roles(guild.carol)
    assert "denied" in guild.message(int(old[guild.carol.id]["id"]))["content"]
    before_ready(bot)


async def test_old_panel_join_and_waitlist_buttons(guild, bot, start_bot):
    await create(guild.alice, "Duo", max_members=2)
    gid = await group_id(bot, "Duo")
    general = int(guild.channel("general")["id"])
    panel = await post_old_message(bot, general, "", (f"huddle:grpjoin:{gid}", "Join Duo", JOIN))
    offer = await post_old_message(
        bot, general, "Duo is full.", (f"huddle:grpwait:{gid}", "Join the waitlist", JOIN)
    )
    # the upgraded release starts on the same database; its first clicks come before
    # on_ready (discord.py's real ready timing)
    bot = await restart(bot, start_bot)
    joined = await guild.bob.click(panel, f"huddle:grpjoin:{gid}")
    assert joined.ephemeral and "You joined **Duo**" in joined.text
    assert role_id(guild, "Duo") in guild.member_roles(guild.bob)
    full = await guild.carol.click(panel, f"huddle:grpjoin:{gid}")
    assert "full" in full.text and full.custom_ids() == [f"huddle:groups:waitlist:{gid}"]
    waiting = await guild.carol.click(offer, f"huddle:grpwait:{gid}")
    assert waiting.ephemeral and "position 1" in waiting.text
    before_ready(bot)


async def test_old_group_approval_buttons(guild, bot, start_bot):
    await guild.admin.slash("config groups", approval=True)
    await create(guild.alice, "Book Club")
    rid = await request_id(bot, guild.alice.id)
    ask = await post_old_message(
        bot,
        int(guild.channel("general")["id"]),
        f"{guild.alice.mention} wants to create the group **Book Club**.",
        (f"huddle:grpok:{rid}:approve", *APPROVE),
        (f"huddle:grpok:{rid}:deny", *DENY),
    )
    # the upgraded release starts on the same database; its first clicks come before
    # on_ready (discord.py's real ready timing)
    bot = await restart(bot, start_bot)
    refused = await guild.bob.click(ask, f"huddle:grpok:{rid}:approve")
    assert refused.ephemeral and "community managers" in refused.text
    await guild.admin.click(ask, f"huddle:grpok:{rid}:approve")
    assert role_id(guild, "Book Club") in guild.member_roles(guild.alice)
    assert "approved" in guild.message(int(ask["id"]))["content"]
    before_ready(bot)


async def test_unloading_groups_undoes_what_loading_did(guild, bot):
    """cog_unload removes the routes, old-id aliases and settings cog_load added, so
    reloading the extension (a hot upgrade) registers them again without clashing."""
    await bot.unload_extension("cogs.groups")
    assert not [route for route in bot.components.routes() if route[0] == "groups"]
    assert bot.components.resolve("huddle:grpjoin:1") is None
    assert not [key for key in bot.config.specs if key.startswith("groups.")]
    await bot.load_extension("cogs.groups")
    assert ("groups", "join") in bot.components.routes()
    assert bot.components.resolve("huddle:grpreq:7:deny").action == "deny-join"
    assert "groups.max_size" in bot.config.specs

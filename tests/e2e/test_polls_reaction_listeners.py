"""Poll votes are reactions, and discord.py runs every raw reaction listener as a task per
event: another feature's listener that has nothing to do costs each vote a task (issue 14).
The events feature hears reactions only while a find-a-time poll may be open; these check
that it still hears them whenever one is."""

from __future__ import annotations

import pytest

from tests.support.events import make_group, new_channel
from tests.support.polls import A, B, fast_edits, last_poll, polls_service, quiet

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls", "cogs.events")


def reaction_listeners(bot) -> list[str]:
    return [f.__qualname__ for f in bot.extra_events.get("on_raw_reaction_add", [])]


async def test_votes_cost_no_findtime_listener_and_findtime_polls_still_guarded(
    emulator, guild, bot
) -> None:
    fast_edits(bot)
    reply = await guild.alice.slash("poll create", question="Lunch?", options="Pizza; Soup")
    assert "posted" in reply.text, reply.text
    poll = last_poll(guild)
    assert poll is not None
    await guild.bob.react(int(poll["id"]), A)
    await quiet(bot, emulator)
    # No find-a-time poll is open: after the first reaction told it so, the events
    # feature's listener is off; the vote counted.
    assert reaction_listeners(bot) == ["PollsCog.on_raw_reaction_add"]
    await guild.carol.react(int(poll["id"]), B)
    await quiet(bot, emulator)
    assert polls_service(bot).engine.current_votes(1) == {guild.bob.id: [0], guild.carol.id: [1]}

    # A group's find-a-time poll is posted: the listener is back before any reaction on it,
    # and an outsider's reaction is removed.
    text_id = await new_channel(emulator, guild, "knitters", 0)
    await make_group(bot, guild, "Knitters", text_id, None, guild.alice, [guild.bob])
    await guild.alice.slash(
        "event findtime", title="Next knit", group="Knitters",
        options="2026-12-10 18:00; 2026-12-11 18:00", closes="1d",
    )  # fmt: skip
    assert "EventsCog.on_raw_reaction_add" in reaction_listeners(bot)
    [findtime] = [m for m in guild.messages(text_id) if m.get("embeds")]
    await guild.bob.react(int(findtime["id"]), A)
    await guild.dave.react(int(findtime["id"]), B)  # an outsider
    await emulator.settle()
    reactions = guild.reactions(int(findtime["id"]))
    assert guild.bob.id in reactions[A]
    assert guild.dave.id not in reactions.get(B, [])
    assert "EventsCog.on_raw_reaction_add" in reaction_listeners(bot)  # still open


async def test_the_listener_is_on_at_start_and_off_after_unload(emulator, guild, bot) -> None:
    assert "EventsCog.on_raw_reaction_add" in reaction_listeners(bot)
    await bot.unload_extension("cogs.events")
    assert "EventsCog.on_raw_reaction_add" not in reaction_listeners(bot)

"""The two paths tests/bench/bench_polls.py measures against a bare client, kept correct
while made cheap.

Votes: poll votes are reactions, and discord.py runs every raw reaction listener as a task
per event, so another feature's listener with nothing to do costs each vote a task. The
events feature hears reactions only while a find-a-time poll may be open; these check that
it still hears them whenever one is.

`/poll results`: the embed is built once per change, and is current after every change."""

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


async def test_the_listener_is_off_at_start_without_findtime_polls(emulator, guild, bot) -> None:
    assert reaction_listeners(bot) == ["PollsCog.on_raw_reaction_add"]
    text_id = await new_channel(emulator, guild, "knitters", 0)
    await make_group(bot, guild, "Knitters", text_id, None, guild.alice, [guild.bob])
    await guild.alice.slash(
        "event findtime", title="Next knit", group="Knitters",
        options="2026-12-10 18:00; 2026-12-11 18:00", closes="1d",
    )  # fmt: skip
    assert "EventsCog.on_raw_reaction_add" in reaction_listeners(bot)
    await bot.unload_extension("cogs.events")
    assert "EventsCog.on_raw_reaction_add" not in reaction_listeners(bot)


async def test_results_are_built_once_per_change_and_always_current(emulator, guild, bot) -> None:
    """/poll results hands out the poll's last embed again while nothing it shows changed
    (it is built once per change); every vote, the hidden/shown choice and the close make a
    new one."""
    fast_edits(bot)
    await guild.alice.slash("poll create", question="Tea?", options="Green; Black")
    mid = int(last_poll(guild)["id"])
    service = polls_service(bot)
    poll = service.engine.runtime(1).poll
    first = await service.embed(poll, show=True)
    assert await service.embed(poll, show=True) is first
    assert await service.embed(poll) is not first  # another key: shown or not by the poll
    await guild.bob.react(mid, A)
    await quiet(bot, emulator)
    r = await guild.carol.slash("poll results", poll="Tea?")
    assert "Green — 1 vote" in r.text
    assert await service.embed(poll, show=True) is not first
    await guild.carol.react(mid, A)
    await quiet(bot, emulator)
    r = await guild.dave.slash("poll results", poll="Tea?")
    assert "Green — 2 votes" in r.text
    await guild.alice.slash("poll close", poll="Tea?")
    await quiet(bot, emulator)
    r = await guild.dave.slash("poll results", poll="Tea?")
    assert "Closed" in r.text and "Green — 2 votes" in r.text

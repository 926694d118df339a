"""A burst: 200 members reacting and switching in random order on a single-choice poll.
Afterwards the stored tally equals the message's reactions, every member holds at most
one reaction, and the message was edited a handful of times, not once per reaction."""

from __future__ import annotations

import asyncio
import random

import pytest

from cogs.polls import logic
from tests.emulator.rest.reactions import add_reaction, remove_reaction
from tests.support.polls import fast_edits, last_poll, paced_removals, poll_text, quiet

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")

MEMBERS = 200
INTERVAL = 0.2


async def test_burst_of_200_members_switching(guild, bot, emulator):
    fast_edits(bot, INTERVAL)
    # Discord's reaction pace scaled to 10 ms (the removals are ~400: 100 s at the real
    # 0.25 s); the emulator answers 429 beyond it, as Discord does.
    paced_removals(bot, emulator, per=0.01)
    await guild.alice.slash("poll create", question="Burst?", options="A;B;C;D")
    message = last_poll(guild)
    mid = int(message["id"])
    members = [guild.add_member(f"m{i}").id for i in range(MEMBERS)]
    emojis = [logic.option_emoji(i) for i in range(4)]
    rng = random.Random(2026)
    actions = [(user, rng.choice(emojis)) for user in members for _ in range(3)]
    rng.shuffle(actions)
    emulator.reset_requests()
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n, (user, emoji) in enumerate(actions):
        reacted = user in emulator.world.reactions.get(mid, {}).get(emoji, [])
        if reacted and rng.random() < 0.5:
            await remove_reaction(emulator, guild.guild, message, user, emoji)
        else:
            await add_reaction(emulator, guild.guild, message, user, emoji)
        if n % 20 == 0:
            await asyncio.sleep(0.005)  # let the bot interleave its removals
    burst = loop.time() - start
    await quiet(bot, emulator, rounds=5)

    reactions = guild.reactions(mid)
    reacted = {(u, emojis.index(e)) for e, users in reactions.items() for u in users}
    reacted = {(u, o) for u, o in reacted if u != guild.bot_id}
    rows = await bot.store.fetchall("SELECT user_id, option FROM poll_votes WHERE poll_id = 1")
    assert {(r["user_id"], r["option"]) for r in rows} == reacted
    per_member = [sum(1 for u, _ in reacted if u == m) for m in members]
    assert max(per_member) <= 1  # single choice holds after every switch
    counts = [sum(1 for _, o in reacted if o == i) for i in range(4)]
    text = poll_text(guild.message(mid))
    for index, count in enumerate(counts):
        assert f"{emojis[index]} {'ABCD'[index]} — {count} vote" in text

    edits = emulator.count_requests("PATCH", rf"/channels/\d+/messages/{mid}$")
    elapsed = loop.time() - start
    assert 1 <= edits <= elapsed / INTERVAL + 2, (edits, burst, elapsed)
    assert edits < len(actions) / 10

"""Polls across restarts: votes cast while the bot was down count, withdrawn ones go,
and a poll closes at its deadline (also when the deadline passed during downtime). Every
restart keeps discord.py's real ready timing and reacts before on_ready (docs/testing.md)."""

from __future__ import annotations

import pytest

from tests.support.polls import A, B, fast_edits, last_poll, poll_text, quiet
from tests.support.restart import before_ready
from tests.support.restart import restart as restart_bot

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")


async def stop(bot, clock) -> None:
    """Close the bot; its scheduler unsubscribes from the fake clock."""
    await bot.close()


async def test_votes_cast_while_offline_are_counted_after_restart(guild, bot, start_bot, emulator):
    fast_edits(bot)
    await guild.alice.slash("poll create", question="Offline?", options="A;B")
    mid = int(last_poll(guild)["id"])
    await guild.alice.react(mid, A)
    await quiet(bot, emulator)
    await bot.close()
    emulator.unreact_raw(mid, guild.alice.id, A)  # withdrawn while we were away
    emulator.react_raw(mid, guild.bob.id, B)
    emulator.react_raw(mid, guild.carol.id, B)
    emulator.react_raw(mid, guild.carol.id, A)  # two on a single-choice poll
    emulator.react_raw(mid, guild.dave.id, "👍")  # not an option
    bot = fast_edits(await restart_bot(bot, start_bot))
    await guild.admin.react(mid, B)  # live, before on_ready and the start-up reconcile
    before_ready(bot)
    await quiet(bot, emulator)
    reactions = guild.reactions(mid)
    # deterministic: carol keeps the first option in option order, the other goes
    assert guild.carol.id in reactions[A] and guild.carol.id not in reactions[B]
    assert "👍" not in reactions
    text = poll_text(guild.message(mid))
    assert "A — 1 vote\n" in text and "B — 2 votes\n" in text, text
    votes = await bot.store.fetchall("SELECT user_id, option FROM poll_votes ORDER BY user_id")
    assert sorted((r["user_id"], r["option"]) for r in votes) == sorted(
        [(guild.carol.id, 0), (guild.bob.id, 1), (guild.admin.id, 1)]
    )


async def test_poll_closes_at_its_deadline_across_a_restart(guild, bot, start_bot, emulator, clock):
    await guild.alice.slash("poll create", question="Deadline?", options="A;B", closes="1h")
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, B)
    await quiet(bot, emulator)
    await bot.close()
    bot = fast_edits(await restart_bot(bot, start_bot))
    await guild.carol.react(mid, A)  # before on_ready: counts like any vote
    before_ready(bot)
    await bot.get_cog("Polls").service.startup_done.wait()
    await clock.advance(1800)
    await quiet(bot, emulator)
    assert "closed" not in poll_text(guild.message(mid)).lower()
    await clock.advance(1800)
    await quiet(bot, emulator)
    text = poll_text(guild.message(mid))
    assert "closed" in text.lower() and "A — 1 vote\n" in text and "B — 1 vote\n" in text, text
    assert any("Deadline?" in m["content"] for m in guild.messages(guild.general))


async def test_deadline_passed_while_down_closes_at_startup(guild, bot, start_bot, emulator, clock):
    await guild.alice.slash("poll create", question="Late?", options="A;B", closes="1h")
    mid = int(last_poll(guild)["id"])
    await stop(bot, clock)
    emulator.react_raw(mid, guild.bob.id, A)  # cast while down, before the deadline
    await clock.advance(7200)
    bot = fast_edits(await restart_bot(bot, start_bot))
    await quiet(bot, emulator)
    text = poll_text(guild.message(mid))
    assert "closed" in text.lower() and "A — 1 vote" in text
    assert any("Late?" in m["content"] and "Winner" in m["content"]
               for m in guild.messages(guild.general))  # fmt: skip

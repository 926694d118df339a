"""Polls at the edges: the bot's first seconds after a start (with discord.py's REAL
guild_ready_timeout, so on_ready is still held back: docs/testing.md), closed polls whose
result text is huge, a final edit that fails, absurd numbers, and how `closes` is read."""

from __future__ import annotations

import pytest

from core.fit import embed_problems
from tests.support.polls import A, B, C, fast_edits, last_poll, poll_count, poll_text, quiet
from tests.support.restart import restart

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")


def service_of(bot):
    return bot.get_cog("Polls").service


async def removals_done(bot, emulator) -> None:
    """Let queued reaction events and removals finish without waiting for on_ready."""
    service = service_of(bot)
    for _ in range(3):
        await emulator.settle()
        await service.engine.idle()
        await service.remover.idle()
    await emulator.settle()


def embed_of(message: dict):
    import discord

    return discord.Embed.from_dict(message["embeds"][0])


# -- the first seconds after a start ---------------------------------------------------


async def test_poll_made_and_closed_before_on_ready_never_counts_the_bots_reactions(
    guild, start_bot, emulator
):
    """discord.py holds on_ready ~2 s after the last guild; reactions and interactions
    already flow. The bot's own option reactions must neither count nor be removed."""
    bot = await start_bot(guild_ready_timeout=None, until_ready=False)
    assert not bot.is_ready()
    r = await guild.alice.slash("poll create", question="Early?", options="A;B;C")
    assert "posted" in r.text.lower(), r.text
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, B)
    r = await guild.alice.slash("poll close", poll="Early?")
    assert "Closed" in r.text, r.text
    await removals_done(bot, emulator)
    assert not bot.is_ready(), "the window under test is over; the test proves nothing"
    text = poll_text(guild.message(mid))
    assert "A — 0 votes" in text and "B — 1 vote\n" in text and "C — 0 votes" in text, text
    reactions = guild.reactions(mid)
    assert all(guild.bot_id in reactions[e] for e in (A, B, C)), reactions
    assert "Winner: B" in r.text


async def test_restart_then_close_at_once_counts_exactly_the_reactions(
    guild, bot, start_bot, emulator
):
    fast_edits(bot)
    await guild.alice.slash("poll create", question="Restart?", options="A;B")
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, A)
    await guild.carol.react(mid, B)
    await quiet(bot, emulator)
    bot = await restart(bot, start_bot)  # real ready timing: returns before on_ready
    r = await guild.alice.slash("poll close", poll="Restart?")
    await removals_done(bot, emulator)
    assert not bot.is_ready(), "the window under test is over; the test proves nothing"
    assert "tie" in r.text and "1 vote each" in r.text, r.text
    text = poll_text(guild.message(mid))
    assert "A — 1 vote\n" in text and "B — 1 vote\n" in text, text
    assert guild.bot_id in guild.reactions(mid)[A] and guild.bot_id in guild.reactions(mid)[B]
    votes = await bot.store.fetchall("SELECT user_id FROM poll_votes")
    assert sorted(v["user_id"] for v in votes) == sorted([guild.bob.id, guild.carol.id])


# -- results that don't fit -------------------------------------------------------------


async def test_closed_poll_with_twenty_long_tied_options_fits_and_says_closed(guild, bot, emulator):
    options = [f"{chr(65 + i)} " + "very long option text " * 5 for i in range(20)]
    options = [o[:49] for o in options]  # 20 of them fill the 1,000 characters `options` takes
    r = await guild.alice.slash(
        "poll create", question="Which?", options=";".join(options), multiple=True
    )
    assert "posted" in r.text.lower(), r.text
    mid = int(last_poll(guild)["id"])
    for index in range(20):  # one voter on every option: a 20-way tie
        emulator.react_raw(mid, guild.bob.id, chr(0x1F1E6 + index))
    r = await guild.alice.slash("poll close", poll="Which?")
    assert r.ephemeral and "tie" in r.text and len(r.text) <= 2000
    await quiet(bot, emulator)
    message = guild.message(mid)
    embed = embed_of(message)
    assert embed_problems(embed) == []
    status = next(f.value for f in embed.fields if f.name == "Status")
    assert "**closed**" in status and "tie" in status and "more" in status, status
    assert embed.title.startswith("🔒 [Closed]")
    announced = [m["content"] for m in guild.messages(guild.general) if "Which?" in m["content"]]
    # the 1,000 characters `options` takes all fit in one announcement (the unit renderer
    # test feeds it longer ties, which end `+N more`)
    assert len(announced) == 1 and len(announced[0]) <= 2000
    assert all(chr(0x1F1E6 + index) in announced[0] for index in range(20))


async def test_failed_final_edit_and_announcement_are_retried_once_each(
    guild, bot, emulator, clock
):
    await guild.alice.slash("poll create", question="Retry?", options="A;B")
    mid = int(last_poll(guild)["id"])
    await guild.bob.react(mid, A)
    await quiet(bot, emulator)
    emulator.inject("PATCH", rf"/channels/\d+/messages/{mid}$", status=503, times=2)
    r = await guild.alice.slash("poll close", poll="Retry?")
    assert "Closed" in r.text
    await quiet(bot, emulator)
    assert "[Closed]" not in poll_text(guild.message(mid))  # the edit failed …
    assert not [m for m in guild.messages(guild.general) if "Retry?" in m["content"]]
    await clock.advance(31)  # … the poll.publish job tries again (and fails again)
    await quiet(bot, emulator)
    assert "[Closed]" not in poll_text(guild.message(mid))
    await clock.advance(3600)  # backoff, then it goes through
    await quiet(bot, emulator)
    assert "[Closed]" in poll_text(guild.message(mid))
    await clock.advance(86400)
    await quiet(bot, emulator)
    announced = [m for m in guild.messages(guild.general) if "Retry?" in m["content"]]
    assert len(announced) == 1 and "Winner: A" in announced[0]["content"]
    assert await bot.scheduler.pending(kind="poll.publish") == []


# -- numbers and durations ------------------------------------------------------------------


@pytest.mark.parametrize("closes", ["99999999999999d", "400d", "30s", "1000000w"])
async def test_closes_out_of_range_is_refused_with_the_range(guild, bot, closes):
    r = await guild.alice.slash("poll create", question="Far?", options="A;B", closes=closes)
    assert r.ephemeral and "1 year" in r.text and "1 minute" in r.text, r.text
    assert await poll_count(bot) == 0


async def test_closes_duration_confirmation_shows_timestamp_and_zone(guild, bot, clock):
    r = await guild.alice.slash("poll create", question="Soon?", options="A;B", closes="3d")
    due = int(clock.now() + 3 * 86400)
    assert f"<t:{due}:F>" in r.text and "read in UTC" in r.text, r.text


async def test_closes_autocomplete_previews_the_reading_and_sends_it_unambiguously(
    guild, bot, clock
):
    await guild.admin.slash("config timezone", zone="Europe/Berlin")
    choices = await guild.alice.autocomplete(
        "poll create", "closes", "friday 19:00", question="When?", options="A;B"
    )
    assert choices and choices[0]["name"] == "Fri 4 Dec 2026, 19:00 (Europe/Berlin)", choices
    assert choices[0]["value"] == "2026-12-04 19:00"
    assert (
        await guild.alice.autocomplete(
            "poll create", "closes", "99999999999999d", question="When?", options="A;B"
        )
        == []
    )
    r = await guild.alice.slash(
        "poll create", question="When?", options="A;B", closes=choices[0]["value"]
    )
    due = await bot.store.fetchval("SELECT closes_at FROM polls")
    assert f"<t:{int(due)}:F>" in r.text and "Europe/Berlin" in r.text, r.text
    assert int(due) == 1796407200  # 2026-12-04 18:00 UTC = 19:00 in Berlin


async def test_not_found_echoes_clipped_text(guild, bot):
    r = await guild.alice.slash("poll results", poll="`" + "x" * 99)
    assert r.ephemeral and "There is no poll `ˋxxx" in r.text and "…" in r.text
    assert len(r.text) < 200
    r = await guild.alice.slash("poll results", poll="x" * 500)  # past the option's limit
    assert r.ephemeral and "at most 100 characters" in r.text and len(r.text) < 200

"""Making a poll or an event is keyed by a request id stored before the side effect
(README, "Request ids"): a rerun after a failure or a crash finds what
exists and completes it, never making a second one; a keyed poll is open with its close
scheduled before its reactions are added (a cut there leaves no poll that never closes)."""

from __future__ import annotations

import importlib
import json

import pytest

from cogs.events import api as events
from cogs.polls import api as polls
from core.errors import BotMissingPermission
from tests.support.groups import create, group_id
from tests.support.polls import fast_edits

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls", "cogs.events")

HOUR = 3600.0
REQUEST = "test:ballot:1"


async def book_club(guild, bot) -> tuple[int, int]:
    fast_edits(bot)
    await create(guild.alice, "Book Club")
    gid = await group_id(bot, "Book Club")
    channel = await bot.store.fetchval("SELECT channel_id FROM groups WHERE id = ?", (gid,))
    return gid, int(channel)


def bot_posts(guild, channel: int) -> list[dict]:
    return [m for m in guild.messages(channel) if int(m["author"]["id"]) == guild.bot_id]


def ballots(guild, channel: int) -> list[dict]:
    return [m for m in bot_posts(guild, channel) if "Next book?" in json.dumps(m)]


async def make_poll(bot, guild, gid: int, closes_at: float) -> polls.PollResult:
    return await polls.create_poll(
        bot, gid, "Next book?", ["Dune", "Emma", "Ulysses"], creator_id=guild.alice.id,
        closes_at=closes_at, request_id=REQUEST,
    )  # fmt: skip


async def test_a_poll_whose_reactions_failed_is_completed_on_rerun_not_reposted(
    guild, bot, emulator, clock
):
    gid, channel = await book_club(guild, bot)
    closes_at = clock.now() + 2 * HOUR
    emulator.inject("PUT", rf"/channels/{channel}/messages/\d+/reactions/", status=403, times=1)
    with pytest.raises(BotMissingPermission) as refused:
        await make_poll(bot, guild, gid, closes_at)
    assert refused.value.permission == "Add Reactions"
    [half_made] = ballots(guild, channel)  # kept for the rerun, not deleted
    assert [j.kind for j in await bot.scheduler.pending("poll.close")] == ["poll.close"]

    made = await make_poll(bot, guild, gid, closes_at)
    again = await make_poll(bot, guild, gid, closes_at)
    assert made.poll_id == again.poll_id
    assert [m["id"] for m in ballots(guild, channel)] == [half_made["id"]]
    assert len(guild.reactions(int(half_made["id"]))) == 3
    assert emulator.count_requests("DELETE", rf"/channels/{channel}/messages/\d+$") == 0
    assert await bot.store.fetchval("SELECT COUNT(*) FROM polls") == 1
    assert len(await bot.scheduler.pending("poll.close")) == 1


async def test_an_event_cut_before_noting_its_message_is_not_posted_twice(
    guild, bot, emulator, clock, monkeypatch
):
    gid, channel = await book_club(guild, bot)
    store_class = importlib.import_module("cogs.events.store").EventStore
    original = store_class.update
    died: list[bool] = []

    async def update_then_die(self, event_id, **fields):
        if "message_id" in fields and not died:
            died.append(True)
            raise RuntimeError("the process died after posting, before noting the message")
        return await original(self, event_id, **fields)

    monkeypatch.setattr(store_class, "update", update_then_die)
    start = clock.now() + 24 * HOUR

    async def meeting() -> events.EventSummary:
        return await events.create_event(
            bot, gid, "Book talk", start, created_by=guild.alice.id, remind="1h",
            request_id="test:meeting:1",
        )  # fmt: skip

    with pytest.raises(RuntimeError):
        await meeting()
    first = await meeting()
    second = await meeting()
    assert first.id == second.id
    assert await bot.store.fetchval("SELECT COUNT(*) FROM events") == 1
    assert len([m for m in bot_posts(guild, channel) if m.get("components")]) == 1
    kinds = sorted(j.kind for j in await bot.scheduler.pending())
    assert kinds.count("event.remind") == 1 and kinds.count("event.rollover") == 1

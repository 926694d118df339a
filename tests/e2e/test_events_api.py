"""`cogs.events.api` for real, through the emulator: another feature creates a group's
event, reads its attendance, gets its `on_end` job when it ends, and cancels one."""

from __future__ import annotations

import pytest

from cogs.events import api as events
from tests.support.events import button_ids
from tests.support.groups import create, group_id

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.events")

HOUR = 3600


async def book_club(guild, bot) -> tuple[int, int]:
    await create(guild.alice, "Book Club")
    for user in (guild.bob, guild.carol):
        await user.slash("group join", group="Book Club")
    gid = await group_id(bot, "Book Club")
    channel = await bot.store.fetchval("SELECT channel_id FROM groups WHERE id = ?", (gid,))
    return gid, int(channel)


def ended_jobs(bot) -> list[dict]:
    """Registers a stand-in for the caller's `on_end` job; returns what it received."""
    received: list[dict] = []

    async def handle(job) -> None:
        received.append(job.payload)

    bot.scheduler.register("test.event_ended", handle)
    return received


async def test_create_summary_and_on_end(guild, bot, emulator, clock):
    gid, channel = await book_club(guild, bot)
    received = ended_jobs(bot)
    start = clock.now() + 2 * HOUR
    created = await events.create_event(
        bot, gid, "Reading night", start, created_by=guild.alice.id, where="Library",
        remind="none", on_end=("test.event_ended", {"cycle_id": 7}),
    )  # fmt: skip
    assert (created.title, created.group_id, created.status) == ("Reading night", gid, "scheduled")
    assert created.going == 0 and created.end_at == start + HOUR
    [message] = [m for m in guild.messages(channel) if m.get("components")]
    assert created.link.endswith(f"/{channel}/{message['id']}")
    buttons = button_ids(message)
    await guild.bob.click(message, buttons["Going"])
    await guild.carol.click(message, buttons["Maybe"])
    summary = await events.event_summary(bot, created.id)
    assert summary is not None and (summary.going, summary.maybe, summary.cant) == (1, 1, 0)
    # An edit re-arms the event's jobs: the on_end request must survive it.
    r = await guild.alice.slash("event edit", event="Reading night", duration="2h")
    assert "Updated" in r.text, r.text
    await clock.advance(4 * HOUR - 60)  # 2h to the start, 2h long after the edit
    await emulator.settle()
    assert received == []
    await clock.advance(120)
    await emulator.settle()
    assert received == [
        {"cycle_id": 7, "event_id": created.id, "start_at": start,
         "going": 1, "maybe": 1, "cant": 0, "waitlist": 0}
    ]  # fmt: skip
    ended = await events.event_summary(bot, created.id)
    assert ended is not None and ended.status == "ended"
    assert await events.event_summary(bot, created.id + 100) is None


async def test_cancel_event(guild, bot, emulator, clock):
    gid, _ = await book_club(guild, bot)
    received = ended_jobs(bot)
    created = await events.create_event(
        bot, gid, "Quiz", clock.now() + HOUR, created_by=guild.alice.id, remind="none",
        on_end=("test.event_ended", {}),
    )  # fmt: skip
    assert await events.cancel_event(bot, created.id, by="the club cycle") is True
    summary = await events.event_summary(bot, created.id)
    assert summary is not None and summary.status == "cancelled"
    message = guild.message(int(summary.link.rsplit("/", 1)[1]))
    assert "Cancelled" in (message.get("content") or "")
    assert await events.cancel_event(bot, created.id) is False
    await clock.advance(3 * HOUR)
    await emulator.settle()
    assert received == []  # a cancelled event never ends

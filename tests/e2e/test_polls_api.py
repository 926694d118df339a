"""cogs.polls.api, as another feature uses it: a group poll created, read and closed, and
the on_close job fired with the final tally however the poll closes, across restarts too."""

from __future__ import annotations

import pytest

from cogs.polls import api as polls
from core.errors import NotFound, UserError
from tests.emulator.replies import flatten
from tests.support.polls import A, B, fast_edits, make_group, quiet
from tests.support.restart import restart

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")

DONE = "test.poll_done"


@pytest.fixture(autouse=True)
def _fast_edits(bot):
    fast_edits(bot)


def listen(bot) -> list[dict]:
    """Register a handler for the on_close kind; returns the payloads it receives."""
    received: list[dict] = []

    async def handler(job) -> None:
        received.append(job.payload)

    bot.scheduler.register(DONE, handler)
    return received


async def book_club(bot, guild, emulator) -> tuple[int, int]:
    """A group with its own channel; alice leads, bob and carol are members."""
    channel = emulator.new_channel(emulator.world.guilds[guild.id], "book-club", 0)
    await emulator.dispatch("CHANNEL_CREATE", channel)
    await emulator.settle()
    members = [guild.alice.id, guild.bob.id, guild.carol.id]
    return await make_group(bot, guild, "Book Club", int(channel["id"]), members), int(
        channel["id"]
    )


async def create(bot, guild, group_id: int, **kw) -> polls.PollResult:
    return await polls.create_poll(
        bot, group_id, "Next book?", ["Dune", "Emma"], creator_id=guild.alice.id, **kw
    )


def message_id(result: polls.PollResult) -> int:
    return int(result.link.rsplit("/", 1)[1])


async def test_create_posts_in_the_groups_channel_and_reads_back(guild, bot, emulator):
    group_id, channel_id = await book_club(bot, guild, emulator)
    created = await create(bot, guild, group_id)
    assert created.options == ["Dune", "Emma"] and created.counts == [0, 0]
    assert not created.closed and created.winners == []
    posted = guild.message(message_id(created))
    assert int(posted["channel_id"]) == channel_id
    assert "Next book?" in "\n".join(flatten(posted)) and "Book Club" in "\n".join(flatten(posted))
    await guild.bob.react(message_id(created), B)
    await guild.carol.react(message_id(created), B)
    await quiet(bot, emulator)
    result = await polls.poll_result(bot, created.poll_id)
    assert result.tally == {"Dune": 0, "Emma": 2} and result.winners == ["Emma"]
    assert await polls.poll_result(bot, 999) is None


async def test_create_in_a_chosen_channel_with_the_commands_rules(guild, bot, emulator):
    group_id, _ = await book_club(bot, guild, emulator)
    created = await create(bot, guild, group_id, channel_id=guild.general, max_choices=2)
    assert int(guild.message(message_id(created))["channel_id"]) == guild.general
    with pytest.raises(UserError, match="appears twice"):
        await polls.create_poll(bot, group_id, "Q?", ["A", "a"], creator_id=guild.alice.id)
    with pytest.raises(NotFound):
        await polls.create_poll(bot, 404, "Q?", ["A", "B"], creator_id=guild.alice.id)


async def test_close_poll_fires_on_close_with_the_final_tally(guild, bot, emulator):
    received = listen(bot)
    group_id, _ = await book_club(bot, guild, emulator)
    created = await create(bot, guild, group_id, on_close=(DONE, {"cycle": 7}))
    await guild.bob.react(message_id(created), A)
    await guild.carol.react(message_id(created), B)
    await guild.alice.react(message_id(created), B)
    await quiet(bot, emulator)
    closed = await polls.close_poll(bot, created.poll_id)
    await quiet(bot, emulator)
    assert closed.closed and closed.winners == ["Emma"]
    assert received == [
        {
            "cycle": 7,
            "poll_id": created.poll_id,
            "tally": {"Dune": 1, "Emma": 2},
            "winners": ["Emma"],
        }
    ]
    assert (await polls.close_poll(bot, created.poll_id)).closed  # closing again: no-op
    await quiet(bot, emulator)
    assert len(received) == 1


async def test_on_close_fires_when_closed_by_the_command(guild, bot, emulator):
    received = listen(bot)
    group_id, _ = await book_club(bot, guild, emulator)
    created = await create(bot, guild, group_id, on_close=(DONE, {}))
    r = await guild.alice.slash("poll close", poll=str(created.poll_id))
    assert "Closed" in r.text
    await quiet(bot, emulator)
    assert received == [
        {"poll_id": created.poll_id, "tally": {"Dune": 0, "Emma": 0}, "winners": []}
    ]


async def test_on_close_fires_at_the_deadline_across_a_restart(
    guild, bot, start_bot, emulator, clock
):
    group_id, _ = await book_club(bot, guild, emulator)
    deadline = clock.now() + 3600
    created = await create(bot, guild, group_id, closes_at=deadline, on_close=(DONE, {"n": 1}))
    await bot.close()
    emulator.react_raw(message_id(created), guild.bob.id, A)  # cast while the bot was down
    await clock.advance(7200)
    bot = fast_edits(await restart(bot, start_bot))  # real ready timing
    received = listen(bot)
    await quiet(bot, emulator)
    await clock.advance(3600)  # if it ran before `listen`, its retry is due by now
    await quiet(bot, emulator)
    assert received == [
        {"n": 1, "poll_id": created.poll_id, "tally": {"Dune": 1, "Emma": 0}, "winners": ["Dune"]}
    ]


async def test_on_close_job_committed_with_the_close_survives_a_restart(
    guild, bot, start_bot, emulator, clock
):
    """No handler for the kind yet (its feature not loaded): the job waits in the table
    and runs once a restarted bot handles the kind."""
    group_id, _ = await book_club(bot, guild, emulator)
    created = await create(bot, guild, group_id, on_close=(DONE, {}))
    await guild.bob.react(message_id(created), B)
    await quiet(bot, emulator)
    await polls.close_poll(bot, created.poll_id)
    await quiet(bot, emulator)
    assert [j.payload["poll_id"] for j in await bot.scheduler.pending(DONE)] == [created.poll_id]
    bot = fast_edits(await restart(bot, start_bot))  # real ready timing
    received = listen(bot)
    await quiet(bot, emulator)  # on_ready: the scheduler's first pass
    await clock.advance(3600)  # past the retry backoff of the failed first attempt
    await quiet(bot, emulator)
    assert received == [
        {"poll_id": created.poll_id, "tally": {"Dune": 0, "Emma": 1}, "winners": ["Emma"]}
    ]

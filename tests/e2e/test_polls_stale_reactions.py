"""Votes stay exact while the reaction clean-up lags (Discord lets a bot remove only a few
reactions a second per channel). The emulator paces reaction requests like Discord (429 with
`retry_after` beyond the bucket), so a burst of changed minds leaves a real backlog of stale
reactions; a close, a restart, a `kill -9` or a `/poll recount` in the middle of it counts
each member's last choices, and the reactions on the message converge to them."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time

import pytest

from cogs.polls import logic
from tests.emulator.rest.reactions import add_reaction, remove_reaction
from tests.support.polls import (
    fast_edits,
    last_poll,
    option_counts,
    paced_removals,
    polls_service,
    quiet,
    reacted,
)
from tests.support.restart import restart, until_ready

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")

BOOKS = ["Dune", "Emma", "Ulysses"]


class Members:
    """Members acting on a poll message through the emulator, and what each one's last
    choices are by the poll's rules (the truth a closed poll must show)."""

    def __init__(self, guild, emulator, message: dict, count: int, seed: int = 2026) -> None:
        self.guild = guild
        self.emulator = emulator
        self.message = message
        self.ids = [guild.add_member(f"reader{i}").id for i in range(count)]
        self.rng = random.Random(seed)
        self.last: dict[int, list[int]] = {}

    async def react(self, user: int, option: int, limit: int = 1) -> None:
        added = await add_reaction(
            self.emulator, self.guild.guild, self.message, user, logic.option_emoji(option)
        )
        assert added, "the member's reaction was on the message already: the script is off"
        choices = self.last.setdefault(user, [])
        if limit == 1:
            choices[:] = [option]
        elif len(choices) < limit and option not in choices:
            choices.append(option)

    async def withdraw(self, user: int, option: int) -> None:
        await remove_reaction(
            self.emulator, self.guild.guild, self.message, user, logic.option_emoji(option)
        )
        if option in self.last.get(user, []):
            self.last[user].remove(option)

    async def change_minds(self) -> None:
        """Each reacts, then each reacts again with another book, then a quarter withdraw
        that: the withdrawals come last, while the first reactions still wait for removal."""
        picks = [self.rng.sample(range(len(BOOKS)), 2) for _ in self.ids]
        for user, (first, _) in zip(self.ids, picks, strict=True):
            await self.react(user, first)
        for user, (_, second) in zip(self.ids, picks, strict=True):
            await self.react(user, second)
        for user, (_, second) in list(zip(self.ids, picks, strict=True))[::4]:
            await self.withdraw(user, second)

    def counts(self) -> list[int]:
        return logic.tally(self.last, len(BOOKS))

    def expected(self) -> dict[int, set[int]]:
        return {user: set(options) for user, options in self.last.items() if options}


async def stale_rows(bot) -> int:
    return await bot.store.fetchval("SELECT COUNT(*) FROM poll_stale_reactions")


async def until_stored(bot, members: Members, limit: float = 10.0) -> None:
    """Until the bot has counted the burst (every event applied), without waiting for the
    clean-up: `emulator.settle()` would wait for the paced removals to end."""
    engine = polls_service(bot).engine
    deadline = time.monotonic() + limit
    while True:
        stored = await bot.store.fetchval("SELECT COUNT(*) FROM poll_votes")
        if stored == sum(members.counts()) and not engine.busy():
            return
        assert time.monotonic() < deadline, f"{stored} votes stored, not {members.counts()}"
        await asyncio.sleep(0.005)


async def converged(bot, emulator, guild, mid: int, members: Members) -> None:
    """The clean-up ends, and the message then shows exactly the last choices."""
    await quiet(bot, emulator)
    await polls_service(bot).remover.idle()
    await quiet(bot, emulator)
    assert reacted(guild, mid, len(BOOKS)) == members.expected()
    assert await stale_rows(bot) == 0


async def post_poll(guild, **options) -> dict:
    made = await guild.alice.slash(
        "poll create", question="Book of the month?", options="; ".join(BOOKS), **options
    )
    assert "posted" in made.text, made.text
    return last_poll(guild)


async def close(guild, emulator) -> str:
    closed = await guild.alice.slash("poll close", poll="Book of the month?")
    await emulator.settle()
    return closed.text


async def test_a_close_before_the_clean_up_ends_counts_the_last_choices(guild, bot, emulator):
    fast_edits(bot)
    paced_removals(bot, emulator, per=0.02)
    message = await post_poll(guild)
    mid = int(message["id"])
    members = Members(guild, emulator, message, 60)
    await members.change_minds()
    await until_stored(bot, members)
    assert await stale_rows(bot) > 10, "the clean-up had ended: no backlog was under test"
    await close(guild, emulator)
    assert option_counts(guild.message(mid), BOOKS) == members.counts()
    await converged(bot, emulator, guild, mid, members)
    # the closed message keeps the counts it was closed with
    assert option_counts(guild.message(mid), BOOKS) == members.counts()


async def test_a_switch_then_a_withdrawal_leaves_no_vote_and_no_old_reaction(guild, bot, emulator):
    """Charlie → Alpha, then Alpha withdrawn: no vote, and the Charlie reaction goes."""
    fast_edits(bot)
    paced_removals(bot, emulator, per=0.1)
    message = await post_poll(guild)
    mid = int(message["id"])
    members = Members(guild, emulator, message, 13)
    member, others = members.ids[0], members.ids[1:]
    for user in others:  # a backlog in front of the one under test
        await members.react(user, 0)
        await members.react(user, 1)
    await members.react(member, 2)
    await members.react(member, 0)
    await members.withdraw(member, 0)
    await until_stored(bot, members)
    recount = await guild.alice.slash("poll recount", poll="Book of the month?")
    assert "Recounted poll #1" in recount.text, recount.text
    votes = await bot.store.fetchall("SELECT option FROM poll_votes WHERE user_id = ?", (member,))
    assert votes == []
    await converged(bot, emulator, guild, mid, members)
    assert member not in reacted(guild, mid, len(BOOKS))


async def test_a_restart_in_the_middle_of_the_clean_up_then_close(guild, bot, emulator, start_bot):
    fast_edits(bot)
    paced_removals(bot, emulator, per=0.02)
    message = await post_poll(guild)
    mid = int(message["id"])
    members = Members(guild, emulator, message, 60, seed=7)
    await members.change_minds()
    await until_stored(bot, members)
    left = await stale_rows(bot)
    assert left > 10, "the clean-up had ended: no backlog was under test"
    bot = await restart(bot, start_bot)  # the in-memory queue is gone; the table is not
    paced_removals(bot, emulator, per=0.02)
    fast_edits(bot)
    # Not settled: that waits for the clean-up to end, and its middle is under test.
    await until_ready(bot)
    await polls_service(bot).startup_done.wait()
    assert 0 < await stale_rows(bot) <= left
    await close(guild, emulator)
    assert option_counts(guild.message(mid), BOOKS) == members.counts()
    await converged(bot, emulator, guild, mid, members)


async def test_recount_in_the_middle_of_the_clean_up(guild, bot, emulator):
    fast_edits(bot)
    paced_removals(bot, emulator, per=0.05)
    message = await post_poll(guild)
    mid = int(message["id"])
    members = Members(guild, emulator, message, 60, seed=11)
    await members.change_minds()
    await until_stored(bot, members)
    assert await stale_rows(bot) > 10, "the clean-up had ended: no backlog was under test"
    recount = await guild.alice.slash("poll recount", poll="Book of the month?")
    assert "Recounted poll #1" in recount.text, recount.text
    counts, voters = await polls_service(bot).summary(await polls_service(bot).polls.get(1))
    assert counts == members.counts()
    assert f"{voters} voter" in recount.text and "0 votes corrected" in recount.text
    await close(guild, emulator)
    assert option_counts(guild.message(mid), BOOKS) == members.counts()
    await converged(bot, emulator, guild, mid, members)


async def test_multiple_choice_over_max_choices_never_counts_the_extra(guild, bot, emulator):
    """max_choices 2: a third reaction is stale; withdrawing one of the two does not make
    the stale third a vote, before or after a close."""
    fast_edits(bot)
    paced_removals(bot, emulator, per=0.02)
    message = await post_poll(guild, max_choices=2)
    mid = int(message["id"])
    members = Members(guild, emulator, message, 30, seed=5)
    for n, user in enumerate(members.ids):
        order = members.rng.sample(range(3), 3)
        for option in order:
            await members.react(user, option, limit=2)
        if n % 3 == 0:
            await members.withdraw(user, order[0])
    await close(guild, emulator)
    assert option_counts(guild.message(mid), BOOKS) == members.counts()
    await converged(bot, emulator, guild, mid, members)


async def test_a_group_poll_never_counts_an_outsiders_reaction_left_on_the_message(
    guild, bot, emulator
):
    """A non-member's reaction is stale from the start: a close before its removal lands
    leaves it uncounted (also the path of a cycle's ballot, a group poll)."""
    fast_edits(bot)
    made = await guild.alice.slash("group create", name="Readers", description="Books")
    assert made.ephemeral, made.text
    await guild.bob.slash("group join", group="Readers")
    paced_removals(bot, emulator, per=0.05)
    posted = await guild.alice.slash(
        "poll create", question="Book of the month?", options="; ".join(BOOKS), group="Readers"
    )
    assert "posted" in posted.text, posted.text
    channel = int(guild.channel("readers")["id"])
    message = last_poll(guild, channel)
    mid = int(message["id"])
    outsiders = [guild.add_member(f"outsider{i}").id for i in range(8)]
    for user in outsiders:
        await add_reaction(emulator, guild.guild, message, user, logic.option_emoji(2))
    await add_reaction(emulator, guild.guild, message, guild.bob.id, logic.option_emoji(0))
    await close(guild, emulator)
    assert option_counts(guild.message(mid), BOOKS) == [1, 0, 0]
    await quiet(bot, emulator)
    await polls_service(bot).remover.idle()
    await quiet(bot, emulator)
    assert reacted(guild, mid, len(BOOKS)) == {guild.bob.id: {0}}


def db_rows(db_path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


async def test_kill_9_in_the_middle_of_the_clean_up_then_start_and_close(
    guild, emulator, db_path, bot_subprocess, start_bot
):
    """`python bot.py` at Discord's own reaction pace (1 per 0.25 s per channel, on both
    sides) is killed with SIGKILL while stale reactions wait; a new bot counts the last
    choices at close and finishes the clean-up."""
    emulator.pace_reactions()  # Discord's pace: the production remover meets a backlog
    proc = await bot_subprocess(db_path)
    message = await post_poll(guild)
    mid = int(message["id"])
    members = Members(guild, emulator, message, 24, seed=3)
    await members.change_minds()
    expected_votes = sum(members.counts())
    deadline = time.monotonic() + 20
    while (
        db_rows(db_path, "SELECT COUNT(*) FROM poll_votes")[0][0] != expected_votes
        or not (db_rows(db_path, "SELECT COUNT(*) FROM poll_stale_reactions")[0][0])
    ):
        assert time.monotonic() < deadline, "the subprocess never stored the burst"
        await asyncio.sleep(0.01)
    proc.kill()
    assert await proc.wait() == -9
    left = db_rows(db_path, "SELECT COUNT(*) FROM poll_stale_reactions")[0][0]
    assert left > 3, "the clean-up had ended before the kill: no backlog was under test"
    bot = await start_bot()
    fast_edits(bot)
    paced_removals(bot, emulator, per=0.02)
    await polls_service(bot).startup_done.wait()
    await close(guild, emulator)
    assert option_counts(guild.message(mid), BOOKS) == members.counts()
    await converged(bot, emulator, guild, mid, members)

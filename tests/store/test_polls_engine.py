"""The vote engine on a real SQLite store: bursts of events in any order are applied
exactly once, per-poll serialized, with the bot's removals fed back as events."""

from __future__ import annotations

import asyncio
import random

from cogs.polls import logic
from cogs.polls.engine import VoteEngine
from cogs.polls.runtime import ReactionEvent, Removal, Snapshot
from cogs.polls.store import NewPoll, PollStore

NOW = 1_800_000_000.0
MESSAGE = 900


class FakeDiscord:
    """Just enough of Discord: the message's reactions, and removals turning into events."""

    def __init__(self) -> None:
        self.reactions: set[tuple[int, int]] = set()
        self.removals: list[Removal] = []
        self.dirty: list[int] = []
        self.members = {1, 2, 3}
        self.cancelled: list[tuple[int, int, str]] = []

    def remove(self, removals: list[Removal], cancelled: list[tuple[int, int, str]]) -> None:
        self.removals.extend(removals)
        self.cancelled.extend(cancelled)


async def make_engine(store, fake: FakeDiscord, **poll_kw) -> tuple[VoteEngine, int]:
    polls = PollStore(store)
    fields = dict(
        guild_id=1, channel_id=10, group_id=None, creator_id=1, question="Q?",
        options=["A", "B", "C"], multiple=False, max_choices=None, hide_results=False,
        closes_at=None,
    )  # fmt: skip
    fields.update(poll_kw)
    poll_id = await polls.create_pending(NewPoll(**fields), NOW)
    await polls.activate(poll_id, MESSAGE)
    return await engine_for(store, fake, poll_id), poll_id


async def engine_for(store, fake: FakeDiscord, poll_id: int) -> VoteEngine:
    """An engine (as after a start) tracking the stored poll."""
    polls = PollStore(store)

    async def is_member(group_id: int, user_id: int) -> bool:
        return user_id in fake.members

    async def members_of(group_id: int) -> set[int]:
        return set(fake.members)

    engine = VoteEngine(
        polls,
        now=lambda: NOW,
        is_member=is_member,
        members_of=members_of,
        remove=fake.remove,
        dirty=fake.dirty.append,
        resync=lambda _: None,
    )
    engine.bot_user_id = 999
    engine.track(await polls.get(poll_id))
    return engine


def event(user: int, option: int | str, added: bool = True) -> ReactionEvent:
    emoji = logic.option_emoji(option) if isinstance(option, int) else option
    return ReactionEvent(MESSAGE, user, emoji, added)


async def drained(engine: VoteEngine, poll_id: int) -> None:
    runtime = engine.runtime(poll_id)
    while runtime.worker is not None and not runtime.worker.done():
        await runtime.worker


async def test_votes_are_stored_and_withdrawn(store):
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake, multiple=True)
    for e in (event(1, 0), event(2, 0), event(2, 1), event(2, 0, added=False)):
        engine.submit(e)
    await drained(engine, poll_id)
    assert await PollStore(store).votes(poll_id) == {1: [0], 2: [1]}
    assert fake.dirty  # the message gets an update


async def test_bot_and_unknown_messages_ignored(store):
    fake = FakeDiscord()
    engine, _poll_id = await make_engine(store, fake)
    assert not engine.submit(event(999, 0))
    assert not engine.submit(ReactionEvent(12345, 1, "🇦", True))


async def test_non_option_emoji_removed(store):
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake)
    engine.submit(event(1, "👍"))
    engine.submit(event(1, "🇿"))
    await drained(engine, poll_id)
    assert [(r.user_id, r.emoji, r.option) for r in fake.removals] == [
        (1, "👍", None),
        (1, "🇿", None),
    ]
    assert await PollStore(store).votes(poll_id) == {}


async def test_group_poll_refuses_non_members(store):
    fake = FakeDiscord()
    gid = await store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at)"
        " VALUES (1, 'Books', 'books', 1, 0)"
    )
    engine, poll_id = await make_engine(store, fake, group_id=gid)
    engine.submit(event(1, 0))
    engine.submit(event(42, 1))
    await drained(engine, poll_id)
    assert await PollStore(store).votes(poll_id) == {1: [0]}
    assert [(r.user_id, r.option) for r in fake.removals] == [(42, 1)]


async def test_random_burst_with_removals_fed_back_matches_reactions(store):
    """200 members switching quickly on a single-choice poll; the bot's removals come
    back as gateway events in random places; at the end tally == reactions."""
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake)
    rng = random.Random(7)
    pending: list[ReactionEvent] = []
    for _ in range(3000):
        user, option = rng.randrange(200), rng.randrange(3)
        key = (user, option)
        added = key not in fake.reactions
        (fake.reactions.add if added else fake.reactions.discard)(key)
        pending.append(event(user, option, added))
        if pending and rng.random() < 0.3:
            engine.submit(pending.pop(0))
        if fake.removals and rng.random() < 0.3:
            land(fake, engine, pending, fake.removals.pop(rng.randrange(len(fake.removals))))
        if rng.random() < 0.05:
            await asyncio.sleep(0)
    while pending or fake.removals or not idle(engine, poll_id):
        for e in pending:
            engine.submit(e)
        pending.clear()
        await drained(engine, poll_id)
        while fake.removals:
            land(fake, engine, pending, fake.removals.pop(0))
    stored = await PollStore(store).votes(poll_id)
    assert {(u, o) for u, opts in stored.items() for o in opts} == fake.reactions
    assert all(len(opts) == 1 for opts in stored.values())


def land(fake: FakeDiscord, engine: VoteEngine, pending: list, removal: Removal) -> None:
    """A bot removal reaches Discord (skipped if it became a counted vote again)."""
    if engine.holds(removal.poll_id, removal.user_id, removal.option):
        return
    key = (removal.user_id, removal.option)
    if key in fake.reactions:
        fake.reactions.discard(key)
        pending.append(event(removal.user_id, removal.option, False))


def idle(engine: VoteEngine, poll_id: int) -> bool:
    runtime = engine.runtime(poll_id)
    return not runtime.queue and (runtime.worker is None or runtime.worker.done())


async def test_reconcile_rebuilds_from_reactions(store):
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake, multiple=True, max_choices=2)
    engine.submit(event(1, 0))
    await drained(engine, poll_id)
    runtime = engine.runtime(poll_id)
    snapshot = Snapshot({0: {2, 999}, 1: {2, 3}, 2: {2}}, foreign=["👍"])
    async with runtime.lock:
        await engine.reconcile(runtime, snapshot, await PollStore(store).stale.of_poll(poll_id))
    assert await PollStore(store).votes(poll_id) == {2: [0, 1], 3: [1]}
    assert {(r.user_id, r.emoji) for r in fake.removals} == {(2, "🇨"), (0, "👍")}


async def test_closed_poll_events_not_counted(store):
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake)
    engine.untrack(poll_id)
    assert not engine.submit(event(1, 0))
    assert await PollStore(store).votes(poll_id) == {}


async def test_the_kept_tally_follows_every_change_of_the_votes(store):
    """/poll results reads the tally from memory, computed once per change."""
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake, multiple=True)
    assert engine.summary(poll_id) is None  # not loaded yet: the caller reads SQLite
    engine.submit(event(1, 0))
    await drained(engine, poll_id)
    assert engine.summary(poll_id) == ([1, 0, 0], 1)
    counts, _ = engine.summary(poll_id)
    counts[0] = 99  # a caller's copy: the kept tally is not changed by it
    assert engine.summary(poll_id) == ([1, 0, 0], 1)
    for e in (event(2, 1), event(2, 2), event(1, 0, added=False)):
        engine.submit(e)
    await drained(engine, poll_id)
    assert engine.summary(poll_id) == ([0, 1, 1], 1)
    runtime = engine.runtime(poll_id)
    async with runtime.lock:
        stale = await PollStore(store).stale.of_poll(poll_id)
        await engine.reconcile(runtime, Snapshot(by_option={0: {3}, 1: {2}, 2: set()}), stale)
    assert engine.summary(poll_id) == ([1, 1, 0], 2)
    assert engine.summary(poll_id) == (
        logic.tally(runtime.votes, 3),
        logic.voters(runtime.votes),
    )


async def test_a_stop_applies_the_events_already_received(store):
    """A restart must not drop votes Discord delivered: they are applied before the engine
    stops (after a restart only the message's reactions are left to guess them from)."""
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake)
    fake.members = set(range(1, 201))
    for user in range(1, 201):
        engine.submit(event(user, 0))
        engine.submit(event(user, 1))  # a switch: 0 becomes stale
    await engine.stop()
    votes = await PollStore(store).votes(poll_id)
    assert votes == {user: [1] for user in range(1, 201)}
    assert len(await PollStore(store).stale.queued()) == 200


async def test_a_stale_reaction_voted_again_loses_its_row_across_batches_and_restarts(store):
    """The engine writes "no longer stale" only where a row may exist (its cache of the
    table): a reaction made stale in one batch, or before a restart, and voted again in a
    later one still loses its row, so the remover never takes a live vote off."""
    fake = FakeDiscord()
    engine, poll_id = await make_engine(store, fake)  # single choice
    stale = PollStore(store).stale
    engine.submit(event(1, 0))
    engine.submit(event(1, 1))  # 0 becomes stale
    await drained(engine, poll_id)
    assert await stale.of_poll(poll_id) == {(1, logic.option_emoji(0))}
    engine.submit(event(1, 0))  # a later batch: 0 is a vote again, 1 stale
    await drained(engine, poll_id)
    assert await stale.of_poll(poll_id) == {(1, logic.option_emoji(1))}
    await engine.stop()

    restarted = await engine_for(store, fake, poll_id)  # a new engine reads the table
    restarted.submit(event(1, 1))  # 1 is a vote again, 0 stale
    await drained(restarted, poll_id)
    assert await stale.of_poll(poll_id) == {(1, logic.option_emoji(0))}
    assert await PollStore(store).votes(poll_id) == {1: [1]}

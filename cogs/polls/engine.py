"""The vote engine: turns reaction events into stored votes, exactly once.

One single-writer queue per open poll. Events are applied strictly in gateway order by
that poll's worker, which holds the poll's lock; everything else that changes votes
(reconcile at startup/close, `/poll recount`) takes the same lock. The worker drains
whatever queued up meanwhile and applies it to the in-memory votes with the pure rules
(logic.py), then writes the net change of the batch in ONE transaction, so a burst costs
one commit per batch instead of one per reaction. Each event is all-or-nothing: a failed
write drops the cached state (reloaded from SQLite) and asks for a reconcile.

No Discord calls here: the adapter hands in async callables for them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from cogs.polls import logic
from cogs.polls.logic import Outcome, Votes
from cogs.polls.models import Poll, StaleKey
from cogs.polls.runtime import (
    CommitHook,
    Dirty,
    MemberCheck,
    MembersOf,
    PollRuntime,
    ReactionEvent,
    Removal,
    RemoveReactions,
    Snapshot,
    stale_to_write,
)
from cogs.polls.store import PollStore

log = logging.getLogger(__name__)

# A stop (restart, reload) first applies the events already received, for at most this long.
STOP_DRAIN_SECONDS = 5.0


class VoteEngine:
    def __init__(
        self,
        polls: PollStore,
        *,
        now: Callable[[], float],
        is_member: MemberCheck,
        members_of: MembersOf,
        remove: RemoveReactions,
        dirty: Dirty,
        resync: Dirty,
    ) -> None:
        self.polls = polls
        self.now = now
        self.is_member = is_member
        self.members_of = members_of
        self.remove = remove
        self.dirty = dirty
        self.resync = resync  # asks for a reconcile after a failed write
        self.on_commit: CommitHook | None = None  # benchmarks measure latency with it
        # Whether polls are switched on in a server (`/config feature`), asked once per
        # batch: a paused feature counts nothing and edits nothing; switched on again, its
        # open polls are reconciled with their reactions (votes cast meanwhile count).
        self.switched_on: Callable[[int], Awaitable[bool]] | None = None
        # Reaction events applied per committed batch (the bot's huddle_votes_counted_total):
        # one call per batch, not per event, so the hot path pays nothing per vote.
        self.counted: Callable[[int], None] | None = None
        # The bot's own user id, asked at each use: the adapter answers from READY (bot.user
        # is set when READY is parsed, before guilds stream in and long before on_ready),
        # so the bot's reactions never count, also in its first seconds.
        self.own_id: Callable[[], int | None] = lambda: None
        self._by_message: dict[int, PollRuntime] = {}
        self._by_id: dict[int, PollRuntime] = {}

    # -- which polls are live -----------------------------------------------------------

    def track(self, poll: Poll) -> PollRuntime:
        runtime = self._by_id.get(poll.id)
        if runtime is None:
            runtime = PollRuntime(poll)
            self._by_id[poll.id] = runtime
        runtime.poll = poll
        if poll.message_id is not None:
            self._by_message[poll.message_id] = runtime
        return runtime

    def untrack(self, poll_id: int) -> None:
        runtime = self._by_id.pop(poll_id, None)
        if runtime and runtime.poll.message_id is not None:
            self._by_message.pop(runtime.poll.message_id, None)

    @property
    def bot_user_id(self) -> int | None:
        return self.own_id()

    @bot_user_id.setter
    def bot_user_id(self, user_id: int | None) -> None:
        self.own_id = lambda: user_id

    def is_tracked(self, runtime: PollRuntime) -> bool:
        """Whether `runtime` is still the live state of an open poll (not closed since)."""
        return self._by_id.get(runtime.poll.id) is runtime

    def runtime(self, poll_id: int) -> PollRuntime | None:
        return self._by_id.get(poll_id)

    def for_message(self, message_id: int) -> PollRuntime | None:
        return self._by_message.get(message_id)

    def open_polls(self, guild_id: int) -> list[Poll]:
        """The open polls of a server held in memory, newest first (no database read)."""
        polls = [r.poll for r in self._by_id.values() if r.poll.guild_id == guild_id]
        return sorted(polls, key=lambda p: p.id, reverse=True)

    def current_votes(self, poll_id: int) -> Votes | None:
        runtime = self._by_id.get(poll_id)
        return runtime.votes if runtime else None

    def summary(self, poll_id: int) -> tuple[list[int], int] | None:
        """(Votes per option, voters) of a live poll from memory; None if not held."""
        runtime = self._by_id.get(poll_id)
        return runtime.summary() if runtime else None

    def holds(self, poll_id: int, user_id: int, option: int) -> bool:
        votes = self.current_votes(poll_id)
        return bool(votes) and option in votes.get(user_id, ())  # type: ignore[union-attr]

    def busy(self) -> bool:
        return any(r.queue or (r.worker and not r.worker.done()) for r in self._by_id.values())

    async def idle(self) -> None:
        """Wait until every queued reaction event is applied (tests and benchmarks)."""
        while tasks := [r.worker for r in self._by_id.values() if r.worker and not r.worker.done()]:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def stop(self, drain: float = STOP_DRAIN_SECONDS) -> None:
        """Apply the reaction events already received (for at most `drain` seconds), then
        stop. A vote Discord delivered before a restart is counted as it was cast: dropped
        here, a restart could only guess it from the message's reactions (which of two is
        newer, whether a leftover one is stale), and guess wrong."""
        try:
            await asyncio.wait_for(self.idle(), drain)
        except TimeoutError:
            log.warning("poll votes not all applied within %.0f s of stopping", drain)
        tasks = [r.worker for r in self._by_id.values() if r.worker and not r.worker.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- events -------------------------------------------------------------------------

    def submit(self, event: ReactionEvent) -> bool:
        """Queue a raw reaction event; False if the message is not an open poll."""
        runtime = self._by_message.get(event.message_id)
        if runtime is None or event.user_id == self.own_id():
            return False
        runtime.queue.append(event)
        if runtime.worker is None or runtime.worker.done():
            runtime.worker = asyncio.create_task(
                self._drain(runtime), name=f"huddle-poll-{runtime.poll.id}"
            )
            runtime.worker.add_done_callback(_log_failure)
        return True

    async def _drain(self, runtime: PollRuntime) -> None:
        while runtime.queue:
            async with runtime.lock:
                if self._by_id.get(runtime.poll.id) is not runtime:
                    runtime.queue.clear()  # closed meanwhile: reactions no longer count
                    return
                batch = list(runtime.queue)
                runtime.queue.clear()
                if self.switched_on is not None and not await self.switched_on(
                    runtime.poll.guild_id
                ):
                    continue  # paused: the reactions stay, counted when switched on
                try:
                    await self._apply_batch(runtime, batch)
                except Exception:
                    log.exception("poll %s: %d reaction events failed", runtime.poll.id, len(batch))
                    self.resync(runtime.poll.id)

    async def _apply_batch(self, runtime: PollRuntime, batch: list[ReactionEvent]) -> None:
        poll = runtime.poll
        votes = await self._loaded(runtime)
        allowed = await self._membership(poll, batch)
        outcome = Outcome()  # one for the whole batch: the rules add to it
        foreign: dict[StaleKey, bool] = {}  # foreign emoji: stale while on the message
        rules = poll.rules
        option_of = runtime.option_of
        runtime.changes += 1  # the votes change in place below
        for _message, user_id, emoji, added in batch:
            option = option_of(emoji)
            if option is None:
                foreign[(user_id, emoji)] = added
            elif added:
                logic.apply_add(votes, rules, user_id, option, allowed.get(user_id, True), outcome)
            else:
                logic.apply_remove(votes, user_id, option, outcome)
        await self._commit(runtime, votes, outcome, foreign)
        if self.counted is not None:
            self.counted(len(batch))
        if self.on_commit is not None:
            self.on_commit(poll.id, batch, asyncio.get_running_loop().time())

    async def _membership(self, poll: Poll, batch: list[ReactionEvent]) -> dict[int, bool]:
        if poll.group_id is None:
            return {}
        users = {e.user_id for e in batch if e.added}
        if len(users) <= 1:
            return {u: await self.is_member(poll.group_id, u) for u in users}
        members = await self.members_of(poll.group_id)  # one query for the whole batch
        return {u: u in members for u in users}

    async def _loaded(self, runtime: PollRuntime) -> Votes:
        if runtime.votes is None or runtime.stale is None:
            runtime.stale = await self.polls.stale.of_poll(runtime.poll.id)
            runtime.votes = await self.polls.votes(runtime.poll.id)
        return runtime.votes

    async def _commit(
        self,
        runtime: PollRuntime,
        votes: Votes,
        outcome: Outcome,
        foreign: dict[StaleKey, bool],
        notify: bool = True,
    ) -> None:
        """Store the batch's votes and, in the same transaction, which reactions it made
        stale (or no longer stale); then queue the removals (after the commit: the queue
        is the table, the in-memory one only saves reading it back)."""
        poll = runtime.poll
        stale = stale_to_write(runtime, outcome, foreign)
        known = runtime.stale
        try:
            await self.polls.write_votes(poll.id, votes, outcome.touched, self.now(), stale)
        except Exception:
            runtime.votes = runtime.stale = None  # reload the committed truth next time
            raise
        if known is not None:
            for key, flag in stale.items():
                (known.add if flag else known.discard)(key)
        if stale:
            removals, cancelled = [], []
            for (user, emoji), flag in stale.items():
                if flag:
                    removals.append(self._removal(poll, user, emoji, runtime.option_of(emoji)))
                else:
                    cancelled.append((poll.id, user, emoji))
            self.remove(removals, cancelled)
        if outcome.touched and notify:
            self.dirty(poll.id)

    def _removal(self, poll: Poll, user_id: int, emoji: str, option: int | None) -> Removal:
        assert poll.message_id is not None
        return Removal(poll.id, poll.channel_id, poll.message_id, user_id, emoji, option)

    # -- reconcile ----------------------------------------------------------------------

    async def flush(self, runtime: PollRuntime) -> None:
        """Apply the events queued for this poll now. Call with runtime.lock held: a close
        or reconcile first counts every reaction event that reached the bot before it."""
        if runtime.queue and self.is_tracked(runtime):
            batch = list(runtime.queue)
            runtime.queue.clear()
            await self._apply_batch(runtime, batch)

    async def reconcile(
        self,
        runtime: PollRuntime,
        snapshot: Snapshot,
        stale: set[StaleKey],
        *,
        notify: bool = True,
    ) -> Outcome:
        """Rebuild the votes from the message's real reactions. Call with runtime.lock
        held (the snapshot must be read under it too, so no event slips between), and
        `stale` (the stored stale reactions) read before the snapshot: a reaction whose
        removal lands in between is then either still seen and known stale, or gone."""
        poll = runtime.poll
        votes = await self._loaded(runtime)
        members: set[int] | None = None
        if poll.group_id is not None:
            members = await self.members_of(poll.group_id)
        own_id = self.own_id()
        by_option = {
            o: {u for u in users if u != own_id} for o, users in snapshot.by_option.items()
        }
        stale_options: set[logic.Key] = set()
        foreign: dict[StaleKey, bool] = {}
        present = set(snapshot.foreign)
        for user, emoji in stale:
            option = runtime.option_of(emoji)
            if option is not None:
                stale_options.add((user, option))
            elif emoji not in present:
                foreign[(user, emoji)] = False  # that emoji is gone from the message
        new, outcome = logic.reconcile(
            votes,
            poll.rules,
            by_option,
            lambda u: members is None or u in members,
            stale_options,
        )
        runtime.votes = new
        runtime.changes += 1
        for emoji in present:
            if (0, emoji) not in stale:
                foreign[(0, emoji)] = True  # user 0: clear that emoji entirely
        await self._commit(runtime, new, outcome, foreign, notify)
        return outcome


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("poll vote worker failed", exc_info=task.exception())

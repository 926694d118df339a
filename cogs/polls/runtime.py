"""What the vote engine works on: the reaction events it is fed, the removals and
snapshots it exchanges with Discord's adapter, and each open poll's live state
(`PollRuntime`: queue, lock, worker, votes and stale reactions held in memory)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from cogs.polls import logic
from cogs.polls.logic import Outcome, Votes
from cogs.polls.models import Poll, StaleKey


class ReactionEvent(NamedTuple):
    """One raw reaction event (a tuple: the cheapest object per event on the hot path)."""

    message_id: int
    user_id: int
    emoji: str
    added: bool


@dataclass(frozen=True)
class Removal:
    """A reaction the bot should take off the message."""

    poll_id: int
    channel_id: int
    message_id: int
    user_id: int
    emoji: str
    option: int | None  # None: not an option at all


@dataclass
class Snapshot:
    """The message's real reactions: option -> user ids, plus foreign emoji present."""

    by_option: dict[int, set[int]]
    foreign: list[str] = field(default_factory=list)


MemberCheck = Callable[[int, int], Awaitable[bool]]  # (group_id, user_id)
MembersOf = Callable[[int], Awaitable[set[int]]]  # group_id -> user ids
# The removal queue: (stale reactions to remove, (poll, user, emoji) no longer to remove).
RemoveReactions = Callable[[list[Removal], list[tuple[int, int, str]]], None]
Dirty = Callable[[int], None]
CommitHook = Callable[[int, list[ReactionEvent], float], None]


class PollRuntime:
    def __init__(self, poll: Poll) -> None:
        self.poll = poll
        self.votes: Votes | None = None
        # The stale reactions stored for this poll, loaded with `votes`: a superset of the
        # table's rows (the remover deletes rows it has done without telling), so a batch
        # writes "no longer stale" only for reactions that may have a row, not for every
        # vote it touches (in a burst most events would be a DELETE of nothing).
        self.stale: set[StaleKey] | None = None
        self.queue: deque[ReactionEvent] = deque()
        self.lock = asyncio.Lock()
        self.worker: asyncio.Task[None] | None = None
        self.options: dict[str, int | None] = {}  # emoji -> option, memoised per poll
        # Bumped before every change to `votes` in place; the tally below is kept for the
        # votes object and count it was made from (`/poll results` and live edits read it
        # far more often than votes change in a burst).
        self.changes = 0
        self._summary: tuple[Votes, int, list[int], int] | None = None

    def summary(self) -> tuple[list[int], int] | None:
        """(Votes per option, voters) of the votes held in memory; None if not loaded."""
        votes = self.votes
        if votes is None:
            return None
        kept = self._summary
        if kept is None or kept[0] is not votes or kept[1] != self.changes:
            counts = logic.tally(votes, len(self.poll.options))
            kept = self._summary = (votes, self.changes, counts, logic.voters(votes))
        return list(kept[2]), kept[3]

    def option_of(self, emoji: str) -> int | None:
        try:
            return self.options[emoji]
        except KeyError:
            option = self.options[emoji] = logic.emoji_option(emoji, len(self.poll.options))
            return option


def stale_to_write(
    runtime: PollRuntime, outcome: Outcome, foreign: dict[StaleKey, bool]
) -> dict[StaleKey, bool]:
    """The batch's last word per reaction, by emoji: True (stale, to remove) always; False
    (not stale) only where a stored row may exist (`runtime.stale`), so that a burst's
    votes don't each become a DELETE of nothing (or an emoji lookup)."""
    known = runtime.stale
    users = None if known is None else {user for user, _ in known}
    stale: dict[StaleKey, bool] = {}
    for (user, option), flag in outcome.stale.items():
        if flag or users is None or user in users:
            key = (user, logic.option_emoji(option))
            if flag or known is None or key in known:
                stale[key] = flag
    for key, flag in foreign.items():
        if flag or known is None or key in known:
            stale[key] = flag
    return stale

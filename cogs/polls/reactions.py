"""Reading a poll message's real reactions (paged), and removing the stale ones."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from discord.message import convert_emoji_reaction

from cogs.polls import logic
from cogs.polls.models import Poll
from cogs.polls.runtime import Removal, Snapshot
from cogs.polls.service_base import PollServiceBase

log = logging.getLogger(__name__)

PAGE = 100  # Discord's maximum page size for reaction users
Progress = Callable[[int, int], Awaitable[None]]  # (reactions read, reactions in all)


class PollReactions(PollServiceBase):
    async def read_snapshot(self, poll: Poll, progress: Progress | None = None) -> Snapshot:
        """The message's real reactions. Raises discord.NotFound if the message is gone.
        `progress(reactions_read, reactions_total)` is awaited after every page."""
        assert poll.message_id is not None
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        message = await channel.fetch_message(poll.message_id)
        snapshot = Snapshot(by_option={})
        total = sum(r.count for r in message.reactions)
        done = 0
        for reaction in message.reactions:
            emoji = convert_emoji_reaction(reaction.emoji)
            option = logic.emoji_option(emoji, len(poll.options))
            if option is None:
                snapshot.foreign.append(emoji)
            elif reaction.count - (1 if reaction.me else 0) <= 0:
                snapshot.by_option[option] = set()
            else:
                snapshot.by_option[option] = await self._reaction_users(
                    poll.channel_id, message.id, emoji, progress, done, total
                )
            done += reaction.count
        return snapshot

    async def _reaction_users(
        self,
        channel_id: int,
        message_id: int,
        emoji: str,
        progress: Progress | None,
        done: int,
        total: int,
    ) -> set[int]:
        users: set[int] = set()
        after: int | None = None
        while True:
            page = await self.bot.http.get_reaction_users(
                channel_id, message_id, emoji, PAGE, after=after
            )
            users.update(int(u["id"]) for u in page)
            if progress is not None:
                await progress(done + len(users), total)
            if len(page) < PAGE:
                return users
            after = int(page[-1]["id"])

    async def queue_stored_removals(self) -> None:
        """The stale reactions a previous run had still to remove (the queue is a table)."""
        rows = await self.polls.stale.queued()
        removals = [
            Removal(
                row["poll_id"], row["channel_id"], row["message_id"], row["user_id"],
                row["emoji"], logic.emoji_option(row["emoji"], logic.MAX_OPTIONS),
            )
            for row in rows
        ]  # fmt: skip
        if removals:
            log.info("%d stale poll reaction(s) still to remove", len(removals))
            self.remover.add(removals)

    def _still_wanted(self, removal: Removal) -> bool:
        """Skip a removal when the reaction became a counted vote again meanwhile."""
        if removal.option is None:
            return True
        return not self.engine.holds(removal.poll_id, removal.user_id, removal.option)

    async def _removal_done(self, removal: Removal) -> None:
        await self.polls.stale.removed(removal.poll_id, removal.user_id, removal.emoji)

    async def _remove_reaction(self, removal: Removal) -> None:
        if removal.user_id == 0:  # a foreign emoji found by reconcile: clear all of it
            await self.bot.http.clear_single_reaction(
                removal.channel_id, removal.message_id, removal.emoji
            )
            return
        await self.bot.http.remove_reaction(
            removal.channel_id, removal.message_id, removal.emoji, removal.user_id
        )

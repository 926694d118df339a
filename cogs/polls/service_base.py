"""What the parts of the polls service share: the attributes it is built with, and the
poll's embed (counts from the live engine, an embed reused while nothing it shows changed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.groups import api as groups
from cogs.polls import logic, render
from cogs.polls.engine import VoteEngine
from cogs.polls.models import Poll
from cogs.polls.store import PollStore
from cogs.polls.updater import EditCoalescer, ReactionRemover

if TYPE_CHECKING:
    from core.bot import HuddleBot

EMBEDS_KEPT = 32  # polls whose last embed is kept for the next ask


class PollServiceBase:
    bot: HuddleBot
    polls: PollStore
    editor: EditCoalescer
    remover: ReactionRemover
    engine: VoteEngine
    _embeds: dict[int, tuple[tuple[object, ...], discord.Embed]]  # see embed()

    async def summary(self, poll: Poll) -> tuple[list[int], int]:
        """Counts per option and the number of voters: from the engine's in-memory votes
        while the poll is live (no database round trip), else from SQLite."""
        live = self.engine.summary(poll.id) if poll.is_open else None
        if live is not None:
            return live
        votes = await self.polls.votes(poll.id)
        return logic.tally(votes, len(poll.options)), logic.voters(votes)

    async def embed(self, poll: Poll, *, show: bool | None = None) -> discord.Embed:
        """The poll's embed. The same one is handed out again while nothing it shows
        changed (200 members asking `/poll results` during a vote burst build it once per
        change, not once each): callers send it and never change it."""
        counts, voter_count = await self.summary(poll)
        group_name = await self._group_name(poll)
        key = (poll, counts, voter_count, group_name, show)
        kept = self._embeds.get(poll.id)
        if kept is not None and kept[0] == key:
            return kept[1]
        embed = render.poll_embed(poll, counts, voter_count, group_name, show)
        self._embeds.pop(poll.id, None)
        self._embeds[poll.id] = (key, embed)
        if len(self._embeds) > EMBEDS_KEPT:
            del self._embeds[next(iter(self._embeds))]  # the least recently made
        return embed

    async def _edit_live(self, poll_id: int) -> None:
        runtime = self.engine.runtime(poll_id)  # a live poll is held in memory
        poll = runtime.poll if runtime is not None else await self.polls.get(poll_id)
        if poll is not None and poll.message_id is not None:
            await self._edit_message(poll)

    async def _edit_message(self, poll: Poll) -> None:
        assert poll.message_id is not None
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        await channel.get_partial_message(poll.message_id).edit(embed=await self.embed(poll))

    async def _group_name(self, poll: Poll) -> str | None:
        if poll.group_id is None:
            return None
        group = await groups.get_group(self.bot.store, poll.group_id)
        return group.name if group else "a group"

    async def _members_of(self, group_id: int) -> set[int]:
        return set(await groups.member_ids(self.bot.store, group_id))

    async def _get(self, poll_id: int) -> Poll:
        poll = await self.polls.get(poll_id)
        assert poll is not None, f"poll {poll_id} vanished"
        return poll

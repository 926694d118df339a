"""Opening a poll: the pending row, the message, the open state with its close and nudge
jobs in one transaction, then the reactions; a failure undoes all (or, for a keyed
request, is completed by a rerun)."""

from __future__ import annotations

import logging

import discord

from cogs.polls import logic, render
from cogs.polls.jobs import CLOSE_KIND, NUDGE_KIND
from cogs.polls.models import NewPoll, Poll
from cogs.polls.nudges import nudge_due
from cogs.polls.service_base import PollServiceBase
from core.errors import BotMissingPermission
from core.ui import NO_PINGS, nonce_for

log = logging.getLogger(__name__)


class PollOpening(PollServiceBase):
    async def create(self, new: NewPoll, channel: discord.abc.Messageable) -> Poll:
        """Post the poll and add its reactions; on any failure nothing is left behind."""
        poll_id = await self.polls.create_pending(new, self.bot.clock.now())
        message: discord.Message | None = None
        stage = ("Send Messages", "post the poll")
        try:
            poll = await self._get(poll_id)
            embed = render.poll_embed(
                poll, [0] * len(poll.options), 0, await self._group_name(poll)
            )
            message = await channel.send(embed=embed, allowed_mentions=NO_PINGS)
            poll = await self._activate(poll, message.id)
            stage = ("Add Reactions", "add the poll's reactions")
            for index in range(len(poll.options)):
                await message.add_reaction(logic.option_emoji(index))
        except BaseException as exc:
            await self._undo_create(poll_id, message)
            if isinstance(exc, discord.Forbidden):
                raise BotMissingPermission(*stage) from exc
            raise
        return poll

    async def _activate(self, poll: Poll, message_id: int) -> Poll:
        """The poll is open, and its close scheduled, in one transaction: a crash while its
        reactions are added never leaves an open poll that does not close."""
        async with self.bot.store.transaction() as tx:
            await self.polls.activate(poll.id, message_id, tx)
            if poll.closes_at is not None:
                await self.bot.scheduler.schedule(
                    CLOSE_KIND, poll.closes_at, {"poll_id": poll.id}, poll.guild_id,
                    key=poll.job_key, tx=tx,
                )  # fmt: skip
            nudge_at = nudge_due(poll, self.bot.clock.now())
            if nudge_at is not None:
                await self.bot.scheduler.schedule(
                    NUDGE_KIND, nudge_at, {"poll_id": poll.id}, poll.guild_id,
                    key=poll.job_key, tx=tx,
                )  # fmt: skip
        poll = await self._get(poll.id)
        self.engine.track(poll)
        return poll

    async def create_once(
        self, new: NewPoll, channel: discord.abc.Messageable, request_id: str
    ) -> Poll:
        """Make the poll of `request_id` once. The request is written before the message
        is posted (with a nonce Discord dedupes); a rerun after a crash or a failure finds
        the poll and completes it (its missing reactions) instead of posting a second one.
        A failure leaves what was made for the rerun and raises (BotMissingPermission
        naming the permission for a 403)."""
        poll = await self._get(await self.polls.create_keyed(new, self.bot.clock.now(), request_id))
        if poll.status == "pending":
            embed = render.poll_embed(
                poll, [0] * len(poll.options), 0, await self._group_name(poll)
            )
            try:
                message = await channel.send(  # discord.py sends the nonce enforced
                    embed=embed, allowed_mentions=NO_PINGS, nonce=nonce_for(request_id)
                )
            except discord.Forbidden as exc:
                raise BotMissingPermission("Send Messages", "post the poll") from exc
            poll = await self._activate(poll, message.id)
        if poll.message_id is not None and not await self.polls.is_ready(poll.id):
            message = channel.get_partial_message(poll.message_id)  # type: ignore[attr-defined]
            try:
                for index in range(len(poll.options)):  # adding one already there is a no-op
                    await message.add_reaction(logic.option_emoji(index))
            except discord.Forbidden as exc:
                raise BotMissingPermission("Add Reactions", "add the poll's reactions") from exc
            await self.polls.mark_ready(poll.id)
        return poll

    async def _undo_create(self, poll_id: int, message: discord.Message | None) -> None:
        self.engine.untrack(poll_id)
        await self.bot.scheduler.cancel_key(f"poll:{poll_id}", kind=CLOSE_KIND)
        await self.bot.scheduler.cancel_key(f"poll:{poll_id}", kind=NUDGE_KIND)
        await self.polls.discard(poll_id)
        if message is not None:
            try:
                await message.delete()
            except discord.HTTPException:
                log.warning("poll %s: could not delete the half-made poll message", poll_id)

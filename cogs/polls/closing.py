"""Closing a poll: final reconcile, closed state with its follow-up jobs in one
transaction, final edit, winner announcement, audit line; and the `poll.publish` retry."""

from __future__ import annotations

import logging

import discord

from cogs.polls import logic, render
from cogs.polls.jobs import CLOSE_KIND, NUDGE_KIND, PUBLISH_KIND
from cogs.polls.models import Poll
from cogs.polls.reactions import PollReactions
from cogs.polls.runtime import PollRuntime
from core.fit import clip
from core.store import Tx
from core.ui import NO_PINGS

log = logging.getLogger(__name__)

PUBLISH_RETRY = 30.0  # seconds before a failed final edit/announcement is tried again


class PollClosing(PollReactions):
    async def close(self, poll_id: int, *, message_gone: bool = False) -> Poll | None:
        """Final reconcile, closed state, final results in the message, winner announced,
        audit line. Returns the closed poll, or None if it was not open."""
        poll = await self.polls.get(poll_id)
        if poll is None or not poll.is_open:
            return None
        runtime = self.engine.runtime(poll_id) or self.engine.track(poll)
        async with runtime.lock:
            if not message_gone:
                message_gone = await self._final_reconcile(runtime)
            if not await self._mark_closed(poll, publish=not message_gone):
                return None
            self.engine.untrack(poll_id)
        self.editor.forget(poll_id)
        await self.bot.scheduler.cancel_key(poll.job_key, kind=CLOSE_KIND)
        await self.bot.scheduler.cancel_key(poll.job_key, kind=NUDGE_KIND)  # nobody to nudge
        closed = await self._get(poll_id)
        counts, _ = await self.summary(closed)
        if not message_gone:
            try:
                await self.publish_close(closed)
            except Exception as exc:  # the poll.publish job tries again
                log.warning(
                    "poll %s: final edit/announcement failed (%r); will retry", poll_id, exc
                )
            else:
                await self.bot.scheduler.cancel_key(poll.job_key, kind=PUBLISH_KIND)
        note = " (its message was deleted)" if message_gone else ""
        await self.bot.audit(
            closed.guild_id,
            f"📊 poll closed: #{closed.id} “{clip(closed.question, 200)}”{note} — "
            f"{render.outcome_text(closed, counts)}",
        )
        return closed

    async def _mark_closed(self, poll: Poll, *, publish: bool) -> bool:
        """Closed state and, in the same transaction, the retry of the final edit and
        announcement (`poll.publish`, cancelled once they are done) and the job another
        feature asked to run at close (`on_close`), carrying the final tally. A crash
        loses none of them. False if already closed."""
        now = self.bot.clock.now()
        report: dict[str, object] = {}
        if poll.on_close is not None:
            counts, _ = await self.summary(poll)
            report = {"poll_id": poll.id, **logic.closing_report(poll.options, counts)}

        async def also(tx: Tx) -> None:
            if publish:
                await self.bot.scheduler.schedule(
                    PUBLISH_KIND, now + PUBLISH_RETRY, {"poll_id": poll.id}, poll.guild_id,
                    key=poll.job_key, tx=tx,
                )  # fmt: skip
            if poll.on_close is not None:
                kind, payload = poll.on_close
                await self.bot.scheduler.schedule(kind, now, payload | report, poll.guild_id, tx=tx)

        return await self.polls.mark_closed(poll.id, now, also=also)

    async def _final_reconcile(self, runtime: PollRuntime) -> bool:
        """Every reaction event that reached the bot, then the message's reactions less
        the stale ones, then the events that came meanwhile. True if the message is gone."""
        await self.engine.flush(runtime)
        stale = await self.polls.stale.of_poll(runtime.poll.id)  # before the snapshot
        try:
            snapshot = await self.read_snapshot(runtime.poll)
        except discord.NotFound:
            return True
        except discord.HTTPException as exc:
            log.warning("poll %s: final reconcile skipped: %s", runtime.poll.id, exc)
            return False
        await self.engine.reconcile(runtime, snapshot, stale, notify=False)
        await self.engine.flush(runtime)
        return False

    async def publish_close(self, poll: Poll) -> None:
        """The closed poll's final message edit, then the winner announcement. Raises
        discord.HTTPException when either fails; the `poll.publish` job runs this again
        until it is done. Safe to re-run: the edit is idempotent and the announcement is
        only sent once the edit went through, as the last step."""
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        try:
            await self._edit_message(poll)
        except discord.NotFound:
            log.info("poll %s: message gone before its final edit; not announcing", poll.id)
            return
        if not poll.presentation.announce_close:  # its owner announces the result
            return
        counts, _ = await self.summary(poll)
        await channel.send(render.announcement(poll, counts), allowed_mentions=NO_PINGS)

    async def publish_due(self, poll_id: int) -> None:
        """The `poll.publish` job: a closed poll's final edit and announcement, again."""
        poll = await self.polls.get(poll_id)
        if poll is None or poll.is_open or poll.message_id is None:
            return
        await self.publish_close(poll)

"""Poll lifecycle against Discord: post, read reactions, reconcile, close.

The cog stays a thin adapter over this; the vote rules live in logic.py and the event
queue in engine.py. By subject: opening.py (create), reactions.py (reading the message's
reactions, removing stale ones), closing.py (close, publish), service_base.py (the embed);
here the service is built, started (reconcile at start-up), synced and stopped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from cogs.groups import api as groups
from cogs.polls import logic
from cogs.polls.closing import PollClosing
from cogs.polls.engine import VoteEngine
from cogs.polls.jobs import FEATURE
from cogs.polls.opening import PollOpening
from cogs.polls.reactions import Progress
from cogs.polls.runtime import Snapshot
from cogs.polls.store import PollStore
from cogs.polls.updater import DEFAULT_EDIT_INTERVAL, EditCoalescer, ReactionRemover

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

STARTUP_CONCURRENCY = 4  # polls reconciled at once after a start


class PollService(PollOpening, PollClosing):
    def __init__(self, bot: HuddleBot, edit_interval: float = DEFAULT_EDIT_INTERVAL) -> None:
        self.bot = bot
        self.polls = PollStore(bot.store)
        self.editor = EditCoalescer(self._edit_live, edit_interval)
        self.remover = ReactionRemover(
            self._remove_reaction, self._still_wanted, self._removal_done
        )
        self.engine = VoteEngine(
            self.polls,
            now=bot.clock.now,
            is_member=lambda g, u: groups.is_member(bot.store, g, u),
            members_of=self._members_of,
            remove=self.remover.add,
            dirty=self.editor.touch,
            resync=self._resync_later,
        )
        self.engine.own_id = lambda: bot.user.id if bot.user else None  # known from READY
        self.engine.counted = bot.metrics.count_votes
        self.engine.switched_on = lambda guild_id: bot.config.feature_enabled(guild_id, FEATURE)
        self.startup_done = asyncio.Event()
        self._tasks: set[asyncio.Task[object]] = set()
        self._embeds: dict[int, tuple[tuple[object, ...], discord.Embed]] = {}  # see embed()

    async def load(self) -> None:
        """Before connecting: know which messages are open polls (events may come early)."""
        self.editor.follow(self.bot.clock)
        dropped = await self.polls.discard_stale_pending()
        if dropped:
            log.warning("dropped %d poll(s) whose creation was interrupted", dropped)
        for poll in await self.polls.open_polls():
            self.engine.track(poll)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.engine.stop()
        await self.editor.stop()
        await self.remover.stop()

    async def idle(self) -> None:
        """Wait until events, removals, background tasks and edits are all done."""
        await self.startup_done.wait()
        while True:
            await self.engine.idle()
            await self.remover.idle()
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
            await self.editor.idle()
            if not (self.editor.pending() or self._tasks or self.engine.busy()):
                return

    def spawn(self, coro: object, name: str) -> asyncio.Task[object]:
        """A background task we keep a reference to and whose failure is logged."""
        task: asyncio.Task[object] = asyncio.create_task(coro, name=name)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("poll task %s failed", task.get_name(), exc_info=task.exception())

    async def startup(self) -> None:
        """After ready: every open poll is reconciled with its message's real reactions,
        so votes cast (or withdrawn) while the bot was down count. Each poll is its own
        background task (a few at a time), so the pass never holds up a close, a job or
        another poll; a poll's close reconciles that poll itself."""
        try:
            await self.bot.wait_until_ready()
            await self.queue_stored_removals()
            gate = asyncio.Semaphore(STARTUP_CONCURRENCY)

            async def one(poll_id: int) -> None:
                async with gate:
                    await self._sync_logged(poll_id, "at start-up")

            tasks = [
                self.spawn(one(poll.id), name=f"huddle-poll-startup-{poll.id}")
                for poll in await self.polls.open_polls()
            ]
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self.startup_done.set()

    async def feature_switched(self, guild_id: int, feature: str, enabled: bool) -> None:
        """Polls switched on again in a server: its open polls are reconciled with their
        reactions, in the background, so the votes cast while they were paused count."""
        if feature != FEATURE or not enabled:
            return
        for poll in self.engine.open_polls(guild_id):
            sync = self._sync_logged(poll.id, "after polls were switched on")
            self.spawn(sync, name=f"huddle-poll-resume-{poll.id}")

    async def _sync_logged(self, poll_id: int, when: str) -> None:
        """A background reconcile: a failure is logged (the next one, or the close, redoes it)."""
        try:
            await self.sync(poll_id)
        except Exception:
            log.exception("poll %s: reconcile %s failed", poll_id, when)

    async def sync(
        self, poll_id: int, *, notify: bool = True, progress: Progress | None = None
    ) -> logic.Outcome | None:
        """Reconcile an open poll with its message; a vanished message closes the poll."""
        poll = await self.polls.get(poll_id)
        if poll is None or not poll.is_open:
            return None
        runtime = self.engine.runtime(poll_id) or self.engine.track(poll)
        async with runtime.lock:
            if not self.engine.is_tracked(runtime):
                return None  # closed while we waited: its close did the final reconcile
            await self.engine.flush(runtime)
            stale = await self.polls.stale.of_poll(poll_id)  # before the snapshot
            snapshot: Snapshot | None
            try:
                snapshot = read = await self.read_snapshot(poll, progress)
            except discord.NotFound:
                snapshot = None
            else:
                outcome = await self.engine.reconcile(runtime, read, stale, notify=False)
                await self.engine.flush(runtime)  # events that came while it was read
        if snapshot is None:
            await self.close(poll_id, message_gone=True)
            return None
        if notify:
            self.editor.touch(poll_id)
        return outcome

    def _resync_later(self, poll_id: int) -> None:
        self.spawn(self.sync(poll_id), name=f"huddle-poll-resync-{poll_id}")

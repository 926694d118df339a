"""Poll lifecycle against Discord: post, read reactions, reconcile, close.

The cog stays a thin adapter over this; the vote rules live in logic.py and the event
queue in engine.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord.message import convert_emoji_reaction

from cogs.groups import api as groups
from cogs.polls import logic, render
from cogs.polls.engine import PollRuntime, Removal, Snapshot, VoteEngine
from cogs.polls.jobs import CLOSE_KIND, NUDGE_KIND, PUBLISH_KIND
from cogs.polls.models import NewPoll, Poll
from cogs.polls.nudges import nudge_due
from cogs.polls.store import PollStore
from cogs.polls.updater import DEFAULT_EDIT_INTERVAL, EditCoalescer, ReactionRemover
from core.errors import BotMissingPermission
from core.fit import clip
from core.store import Tx
from core.ui import NO_PINGS, nonce_for

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

PAGE = 100  # Discord's maximum page size for reaction users
Progress = Callable[[int, int], Awaitable[None]]  # (reactions read, reactions in all)
STARTUP_CONCURRENCY = 4  # polls reconciled at once after a start
PUBLISH_RETRY = 30.0  # seconds before a failed final edit/announcement is tried again
EMBEDS_KEPT = 32  # polls whose last embed is kept for the next ask


class PollService:
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
        self.startup_done = asyncio.Event()
        self._tasks: set[asyncio.Task[object]] = set()
        self._embeds: dict[int, tuple[tuple[object, ...], discord.Embed]] = {}  # see embed()

    # -- lifecycle ------------------------------------------------------------------------

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
                    try:
                        await self.sync(poll_id)
                    except Exception:
                        log.exception("poll %s: startup reconcile failed", poll_id)

            tasks = [
                self.spawn(one(poll.id), name=f"huddle-poll-startup-{poll.id}")
                for poll in await self.polls.open_polls()
            ]
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self.startup_done.set()

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

    # -- creating -------------------------------------------------------------------------

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

    # -- reading the message -------------------------------------------------------------

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

    # -- closing --------------------------------------------------------------------------

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

    # -- rendering ------------------------------------------------------------------------

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

    # -- removing reactions ---------------------------------------------------------------

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

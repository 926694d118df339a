"""Who hasn't voted (docs/rules.md, "Who hasn't answered"): `/poll nudge`, a group
poll's scheduled `nudge`, and a cycle's ballot nudge all start a round here; the round's
members go out in `poll.nudge_batch` jobs (core/nudges.py: at most one round per poll per
12 hours, DMs paced, one channel mention per batch for closed DMs)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.groups import api as groups
from cogs.polls.jobs import FEATURE, NUDGE_BATCH_KIND, NUDGE_KIND
from cogs.polls.models import Poll
from core import nudges
from core.errors import UserError
from core.fit import clip
from core.scheduler import Job
from core.ui import plural, ts

if TYPE_CHECKING:
    from cogs.polls.service import PollService

log = logging.getLogger(__name__)


def batch_key(poll_id: int) -> str:
    return f"poll-nudge:{poll_id}"


def nudge_due(poll: Poll, now: float) -> float | None:
    """When the poll's own nudge is due, `nudge_hours` before it closes; None without one
    or when that is not after now (a ballot shorter than its nudge gets none)."""
    if not poll.nudge_hours or poll.closes_at is None or poll.group_id is None:
        return None
    due = poll.closes_at - poll.nudge_hours * 3600
    return due if due > now else None


class PollNudges:
    def __init__(self, service: PollService) -> None:
        self.service = service
        self.bot = service.bot
        self.log = nudges.NudgeLog(service.bot.store)

    def register(self) -> None:
        # paused with polls; a nudge whose moment passed while off is dropped
        scheduler = self.bot.scheduler
        scheduler.register(NUDGE_KIND, self.on_scheduled, feature="polls", moment_bound=True)
        scheduler.register(NUDGE_BATCH_KIND, self.on_batch, feature="polls", moment_bound=True)

    def unregister(self) -> None:
        self.bot.scheduler.unregister(NUDGE_KIND, NUDGE_BATCH_KIND)

    async def start(self, poll: Poll, by: int | None) -> int:
        """Start a round for an open group poll; returns how many members it nudges.
        Raises `UserError` (within 12 hours of the last round: saying when the next is
        possible; not a group poll; closed)."""
        if poll.group_id is None:
            raise UserError(
                "Only a group's polls can be nudged: a poll for the whole server has no"
                " member list to nudge."
            )
        if not poll.is_open:
            raise UserError(f"Poll #{poll.id} is closed; there is nobody left to nudge.")
        group = await groups.get_group(self.bot.store, poll.group_id)
        if group is None or group.archived:
            raise UserError("This poll's group is archived; its members are not nudged.")
        pending = await self._not_voted(poll, await groups.present_member_ids(self.bot, group))
        if not pending:
            raise UserError(f"Every member of **{group.name}** has voted in poll #{poll.id}.")
        await nudges.open_round(
            self.bot, self.log, (FEATURE, poll.id, poll.guild_id),
            (NUDGE_BATCH_KIND, batch_key(poll.id), {"poll_id": poll.id}),
            pending, by, f"Poll #{poll.id}",
        )  # fmt: skip
        log.info("poll %s: nudge round for %s members", poll.id, len(pending))
        return len(pending)

    async def _not_voted(self, poll: Poll, members: list[int]) -> list[int]:
        voted = set(await self.service.polls.votes(poll.id))
        return [u for u in members if u not in voted]

    async def on_scheduled(self, job: Job) -> None:
        """The poll's own nudge is due: a round, unless the poll closed, the feature is
        off, or a round ran within 12 hours (then this one is skipped, not delayed)."""
        poll = await self.service.polls.get(int(job.payload["poll_id"]))
        if poll is None or not poll.is_open:
            return
        if not await self.bot.config.feature_enabled(poll.guild_id, "polls"):
            return
        try:
            count = await self.start(poll, None)
        except UserError as exc:
            log.info("poll %s: scheduled nudge skipped: %s", poll.id, exc)
            return
        log.info("poll %s: scheduled nudge of %s", poll.id, plural(count, "member"))

    async def on_batch(self, job: Job) -> None:
        poll = await self.service.polls.get(int(job.payload["poll_id"]))
        if poll is None or not poll.is_open or poll.group_id is None:
            return
        if not await self.bot.config.feature_enabled(poll.guild_id, "polls"):
            return
        group = await groups.get_group(self.bot.store, poll.group_id)
        if group is None or group.archived:
            return
        # Still members, still not voted: who voted or left since the round began is spared.
        current = set(await groups.member_ids(self.bot.store, group.id))
        wanted = [int(u) for u in job.payload["user_ids"] if int(u) in current]
        wanted = await self._not_voted(poll, wanted)
        question = discord.utils.escape_markdown(clip(poll.question, 200))
        name = discord.utils.escape_markdown(clip(group.name, 100))
        closes = f" It closes {ts(poll.closes_at, 'R')}." if poll.closes_at else ""
        dm_text = (
            f"👋 You haven't voted yet in **{name}**'s poll **{question}**.{closes}"
            f" React on the poll to vote: {poll.link()}"
        )
        prefix = f"👋 You haven't voted yet in poll #{poll.id} ({poll.link()}).{closes} "
        await nudges.deliver(
            self.bot, FEATURE, poll.id, float(job.payload["round_at"]), wanted, dm_text,
            group.channel_id, prefix,
        )  # fmt: skip

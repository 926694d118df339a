"""`/event nudge` (docs/rules.md, "Who hasn't answered"): one DM to each member of the
event's group who has not answered Going / Maybe / Can't yet, in `event.nudge_batch` jobs
(core/nudges.py: at most one round per event per 12 hours, DMs paced, one channel mention
per batch of members whose DMs are closed)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.events.jobs import NUDGE_BATCH_KIND
from cogs.events.models import Event
from cogs.groups import api as groups
from core import nudges
from core.errors import UserError
from core.fit import clip
from core.scheduler import Job
from core.ui import when_text

if TYPE_CHECKING:
    from cogs.events.service import EventService

log = logging.getLogger(__name__)

FEATURE = "events"


class EventNudges:
    def __init__(self, service: EventService) -> None:
        self.service = service
        self.bot = service.bot
        self.log = nudges.NudgeLog(service.bot.store)

    def register(self) -> None:
        # paused with events; a nudge whose moment passed while off is dropped
        self.bot.scheduler.register(
            NUDGE_BATCH_KIND, self.on_batch, feature="events", moment_bound=True
        )

    def unregister(self) -> None:
        self.bot.scheduler.unregister(NUDGE_BATCH_KIND)

    async def start(self, event: Event, by: int) -> int:
        """Start a round for a group event that is still ahead or under way; returns how
        many members it nudges. Raises `UserError` otherwise, or within 12 hours of the
        last round (saying when the next is possible)."""
        if event.group_id is None:
            raise UserError(
                "Only a group's events can be nudged: an event for the whole server has no"
                " member list to nudge."
            )
        now = self.bot.clock.now()
        if event.status == "cancelled":
            raise UserError(f"**{event.title}** was cancelled.")
        if event.status != "scheduled" or event.end_at <= now:
            raise UserError(f"**{event.title}** has already ended; there is nothing to answer.")
        group = await groups.get_group(self.bot.store, event.group_id)
        if group is None or group.archived:
            raise UserError("This event's group is archived; its members are not nudged.")
        pending = await self._not_answered(event, await groups.present_member_ids(self.bot, group))
        if not pending:
            raise UserError(f"Every member of **{group.name}** has answered **{event.title}**.")
        await nudges.open_round(
            self.bot, self.log, (FEATURE, event.id, event.guild_id),
            (NUDGE_BATCH_KIND, f"event-nudge:{event.id}",
             {"event_id": event.id, "start_at": event.start_at}),
            pending, by, f"**{event.title}**",
        )  # fmt: skip
        log.info("event %s: nudge round for %s members", event.id, len(pending))
        return len(pending)

    async def _not_answered(self, event: Event, members: list[int]) -> list[int]:
        answered = {r.user_id for r in await self.service.events.rsvps(event.id)}
        return [u for u in members if u not in answered]

    async def on_batch(self, job: Job) -> None:
        event = await self.service.events.get(int(job.payload["event_id"]))
        now = self.bot.clock.now()
        if event is None or event.status != "scheduled" or event.group_id is None:
            return
        if abs(event.start_at - float(job.payload["start_at"])) > 1 or event.end_at <= now:
            return  # moved or over: the question changed
        if not await self.bot.config.feature_enabled(event.guild_id, "events"):
            return
        group = await groups.get_group(self.bot.store, event.group_id)
        if group is None or group.archived:
            return
        current = set(await groups.member_ids(self.bot.store, group.id))
        wanted = [int(u) for u in job.payload["user_ids"] if int(u) in current]
        wanted = await self._not_answered(event, wanted)
        title = discord.utils.escape_markdown(clip(event.title, 200))
        name = discord.utils.escape_markdown(clip(group.name, 100))
        dm_text = (
            f"👋 You haven't answered **{title}** ({name}, {when_text(event.start_at)}) yet:"
            f" Going, Maybe or Can't on the event message: {event.link()}"
        )
        prefix = f"👋 You haven't answered **{title}** yet ({event.link()}): "
        await nudges.deliver(
            self.bot, FEATURE, event.id, float(job.payload["round_at"]), wanted, dm_text,
            group.channel_id, prefix,
        )  # fmt: skip

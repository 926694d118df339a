"""Durable job handlers: reminders, and the end of an occurrence (a series rolls over to
its next occurrence; a one-off event is marked ended)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cogs.events import notify, render
from cogs.events.findtime import CLOSE
from cogs.events.logic import should_send_reminder
from cogs.events.models import Event
from cogs.events.recurrence import next_after
from cogs.events.service import REMIND, ROLLOVER, OnEnd, on_end_of
from core.scheduler import Job
from core.ui import when_text

if TYPE_CHECKING:
    from cogs.events.findtime import FindTimeFlow
    from cogs.events.service import EventService
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

JOB_KINDS = (REMIND, ROLLOVER, CLOSE)


def register_jobs(service: EventService, findtime: FindTimeFlow) -> None:
    """Hand the scheduler a handler per events job kind (the cog's `cog_load`)."""
    scheduler = service.bot.scheduler
    scheduler.register(REMIND, lambda job: send_reminder(service, job))
    scheduler.register(ROLLOVER, lambda job: roll_over(service, job))
    scheduler.register(CLOSE, findtime.close_job)


def unregister_jobs(bot: HuddleBot) -> None:
    """Undo `register_jobs` (the cog's `cog_unload`); pending jobs stay stored."""
    bot.scheduler.unregister(*JOB_KINDS)


async def _current(service: EventService, job: Job) -> Event | None:
    """The event the job was made for, unless it was cancelled or moved since."""
    event = await service.events.get(int(job.payload["event_id"]))
    if event is None or event.status != "scheduled":
        return None
    if abs(event.start_at - float(job.payload["start_at"])) > 1:
        return None  # stale: the event was rescheduled and has its own jobs
    return event


async def send_reminder(service: EventService, job: Job) -> None:
    event = await _current(service, job)
    now = service.bot.clock.now()
    if event is None or not should_send_reminder(event.start_at, event.end_at, now):
        log.info("reminder job %s dropped (event gone, moved or over)", job.id)
        return
    if not await service.bot.config.feature_enabled(event.guild_id, "events"):
        log.info("reminder job %s dropped: events are off in guild %s", job.id, event.guild_id)
        return  # an admin turned events off: no pings (as check-ins stop their prompts)
    wanted = (
        {"going", "maybe"}
        if await service.bot.config.get(event.guild_id, "reminders.maybe", False)
        else {"going"}
    )
    people = [r.user_id for r in await service.events.rsvps(event.id) if r.status in wanted]
    if not people:
        return
    await notify.mention(service.bot, event.channel_id, render.reminder_text(event), people)
    if await service.bot.config.get(event.guild_id, "reminders.dm", False):
        text = f"⏰ Reminder: **{event.title}** starts {when_text(event.start_at)}."
        for user_id in people:
            await notify.dm(service.bot, user_id, text)


async def roll_over(service: EventService, job: Job) -> None:
    """The occurrence ended. A series moves to its next occurrence (same message, answers
    reset), updates the scheduled event and arms the next reminders; a one-off event is
    marked ended (see `end_event`)."""
    event = await service.events.get(int(job.payload["event_id"]))
    if event is not None and not event.recurring and event.status == "ended":
        await service.refresh_message(event)  # a retried job: the edit is idempotent
        return
    event = await _current(service, job)
    if event is None:
        return
    on_end = on_end_of(job.payload)
    if not event.recurring:
        await end_event(service, event, on_end)
        return
    await service.tell_ended(event, on_end)  # before the answers reset for the next one
    now = service.bot.clock.now()
    start = next_after(event.start_at, event.duration, event.timezone, event.rrule, now)
    moved = await service.events.move_occurrence(event.id, start, start + event.duration)
    await service.arm(moved, on_end)
    await service.refresh_message(moved)
    guild = service.bot.get_guild(event.guild_id)
    if guild is not None:
        await service.sync_scheduled(guild, moved)
    log.info("event %s rolled over to %s", event.id, start)


async def end_event(service: EventService, event: Event, on_end: OnEnd | None = None) -> None:
    """A one-off event is over: its message says **Ended**, keeps who went and the
    counts, and its RSVP buttons are disabled. However late (the bot was down), it
    still acts. The Discord scheduled event is left alone: Discord completes it."""
    if event.end_at > service.bot.clock.now() + 1:
        log.info("end job for event %s is early (end moved later); its new job will run", event.id)
        return
    ended = await service.events.mark_ended(event.id)
    if ended is None or ended.status != "ended":
        return
    await service.tell_ended(ended, on_end)
    await service.refresh_message(ended)
    log.info("event %s ended", event.id)

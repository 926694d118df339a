"""Events' scheduled work: every job kind of the feature and its key, and the handlers of
reminders and of the end of an occurrence (a series rolls over to its next occurrence; a
one-off event is marked ended), registered with the scheduler by the cog.

The modules that schedule these jobs (arming, findtime, nudges, the service) import their
kinds from here; this module imports none of them (handlers get the service passed in)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from cogs.events import notify, render, scheduled, store_calendar
from cogs.events.logic import DMS_PER_JOB, MENTIONS_PER_JOB, batches, should_send_reminder
from cogs.events.models import Event
from cogs.events.series import by_slot, following_meeting
from core.fit import mention_batches
from core.once import mark_once
from core.scheduler import Job
from core.ui import when_text

if TYPE_CHECKING:
    from cogs.events.findtime import FindTimeFlow
    from cogs.events.service import EventService
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

FEATURE = "events"
REMIND = "event.remind"
REMIND_BATCH = "event.remind_batch"  # one slice of a reminder's mentions or DMs
PROMOTED = "event.promoted"  # telling waitlisted members they moved up (paced DMs)
ROLLOVER = "event.rollover"  # the end of an occurrence
CLOSE = "event.findtime_close"  # a find-a-time poll closes (handler: findtime.py)
NUDGE_BATCH_KIND = "event.nudge_batch"  # one slice of a nudge's DMs (handler: nudges.py)
CLEANUP = "event.cleanup_scheduled"  # once after the upgrade: see `cleanup_scheduled`
CLEANUP_FLAG = "events.cleanup_external_scheduled:v1"
# registered by register_jobs (NUDGE_BATCH_KIND by EventNudges with its own state)
JOB_KINDS = (REMIND, REMIND_BATCH, PROMOTED, ROLLOVER, CLOSE, CLEANUP)

OnEnd = tuple[str, dict[str, Any]]  # (event name another feature is told, its payload)


def job_key(event_id: int) -> str:
    return f"event:{event_id}"


def on_end_of(payload: dict[str, Any]) -> OnEnd | None:
    """The `on_end` request stored in a ROLLOVER job's payload, if any."""
    stored = payload.get("on_end")
    return (str(stored[0]), dict(stored[1])) if stored else None


def register_jobs(service: EventService, findtime: FindTimeFlow) -> None:
    """Hand the scheduler a handler per events job kind (the cog's `cog_load`)."""
    scheduler = service.bot.scheduler
    # Paused with events (the scheduler asks the switch); a reminder whose moment passed
    # meanwhile is dropped, the rest runs once when events are back on.
    scheduler.register(
        REMIND, lambda job: send_reminder(service, job), feature=FEATURE, moment_bound=True
    )
    scheduler.register(
        REMIND_BATCH,
        lambda job: send_reminder_batch(service, job),
        feature=FEATURE,
        moment_bound=True,
    )
    scheduler.register(PROMOTED, lambda job: tell_promoted(service, job), feature=FEATURE)
    scheduler.register(ROLLOVER, lambda job: roll_over(service, job), feature=FEATURE)
    scheduler.register(CLOSE, findtime.close_job, feature=FEATURE)
    scheduler.register(CLEANUP, lambda job: cleanup_scheduled(service, job))


async def schedule_cleanup_once(service: EventService) -> bool:
    """Schedule the one-off clean-up job unless it ever was (a once-flag, set in the same
    transaction as the job, never pruned). True when it was scheduled now."""
    bot = service.bot
    async with bot.store.transaction() as tx:
        if not await mark_once(tx, CLEANUP_FLAG, bot.clock.now()):
            return False
        await bot.scheduler.schedule(
            CLEANUP, bot.clock.now(), {}, None, key="events:cleanup-scheduled", tx=tx
        )
    return True


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
    """A reminder is due: it fans out into small jobs (one message of ≤100 mentions each,
    ≤25 DMs each) under their own key, so they run in order among themselves and a big
    event's reminder never holds up another job. The batch jobs are stored and this job
    removed in one transaction: a re-run after a cut adds no second set."""
    event = await _current(service, job)
    now = service.bot.clock.now()
    if event is None or not should_send_reminder(event.start_at, event.end_at, now):
        log.info("reminder job %s dropped (event gone, moved or over)", job.id)
        return
    wanted = (
        {"going", "maybe"}
        if await service.bot.config.get(event.guild_id, "reminders.maybe", False)
        else {"going"}
    )
    people = [r.user_id for r in await service.events.rsvps(event.id) if r.status in wanted]
    if not people:
        return
    base = {"event_id": event.id, "start_at": event.start_at}
    key = f"event-remind:{event.id}:{job.payload.get('offset', 0)}"
    parts: list[dict] = [
        {**base, "content": content, "user_ids": ids}
        for content, ids in mention_batches(
            people, render.reminder_text(event) + "\n", MENTIONS_PER_JOB
        )
    ]
    jobs = [(now, payload) for payload in parts]
    if await service.bot.config.get(event.guild_id, "reminders.dm", False):
        # Spread over time at the pace DMs go out anyway, so that even one job at a time
        # leaves room between slices for everybody else's jobs.
        spacing = DMS_PER_JOB / service.bot.dm_pacer.rate
        jobs += [
            (now + k * spacing, {**base, "dm": ids})
            for k, ids in enumerate(batches(people, DMS_PER_JOB))
        ]
    scheduler = service.bot.scheduler
    async with service.bot.store.transaction() as tx:
        for due, payload in jobs:
            await scheduler.schedule(REMIND_BATCH, due, payload, event.guild_id, key=key, tx=tx)
        await scheduler.cancel(job.id, tx=tx)  # done: this job
    log.info(
        "reminder for event %s: %s batch jobs for %s members", event.id, len(parts), len(people)
    )


async def send_reminder_batch(service: EventService, job: Job) -> None:
    """One slice of a reminder: a message mentioning ≤100 members, or ≤25 paced DMs. A DM
    that fails (DMs closed, member left) is skipped, not retried."""
    event = await _current(service, job)
    if event is None or not should_send_reminder(
        event.start_at, event.end_at, service.bot.clock.now()
    ):
        return
    if "dm" in job.payload:
        # where and a link too, as in the channel
        text = render.reminder_text(event).replace("⏰ ", "⏰ Reminder: ", 1)
        skipped = [u for u in job.payload["dm"] if not await notify.dm(service.bot, int(u), text)]
        if skipped:
            log.info("event %s reminder DMs skipped for %s members", event.id, len(skipped))
        return
    if event.channel_id is not None:
        ids = [int(u) for u in job.payload["user_ids"]]
        await notify.send_batch(service.bot, event.channel_id, str(job.payload["content"]), ids)


async def tell_promoted(service: EventService, job: Job) -> None:
    """Waitlisted members who moved up to Going: a paced DM each; those whose DMs are
    closed are named in one message in the event's channel instead."""
    event = await service.events.get(int(job.payload["event_id"]))
    if event is None or event.status != "scheduled":
        return
    text = (
        f"A seat freed up: you're now **Going** to **{event.title}** ({when_text(event.start_at)})."
    )
    closed = [u for u in job.payload["user_ids"] if not await notify.dm(service.bot, int(u), text)]
    if closed:
        await notify.mention(service.bot, event.channel_id, text, [int(u) for u in closed])


async def roll_over(service: EventService, job: Job) -> None:
    """The occurrence ended. A series moves to its next occurrence (same message, answers
    reset), updates the scheduled event and arms the next reminders; a one-off event is
    marked ended (see `end_event`)."""
    event = await service.events.get(int(job.payload["event_id"]))
    if event is not None and not event.recurring and event.status == "ended":
        await service.refresh_message(event)  # a retried job: the edit is idempotent
        return
    on_end = on_end_of(job.payload)
    if event is not None and event.recurring and event.status == "scheduled":
        if event.start_at > float(job.payload["start_at"]) + 1:
            await _rearm_if_cut(service, event, on_end)
            return
    event = await _current(service, job)
    if event is None:
        return
    if not event.recurring:
        await end_event(service, event, on_end)
        return
    await service.attendance.take(event)  # who came, before the answers reset
    await service.tell_ended(event, on_end)  # before the answers reset for the next one
    now = service.bot.clock.now()
    changes = await store_calendar.occurrence_changes(service.bot.store, [event.id])
    nxt = following_meeting(event, by_slot(changes[event.id]), now)  # skipped/moved honoured
    moved = await service.events.move_occurrence(event.id, nxt.start_at, nxt.end_at, nxt.slot_at)
    start = moved.start_at
    await service.arm(moved, on_end)
    await service.refresh_message(moved)
    guild = service.bot.get_guild(event.guild_id)
    if guild is not None:
        await service.sync_scheduled(guild, moved)
    log.info("event %s rolled over to %s", event.id, start)


async def _rearm_if_cut(service: EventService, event: Event, on_end: OnEnd | None) -> None:
    """A roll-over re-run after the series had moved on: when the run was cut between
    moving the occurrence and re-arming (no end job for the new occurrence), arm it now."""
    for pending in await service.bot.scheduler.pending(ROLLOVER, job_key(event.id)):
        if abs(float(pending.payload.get("start_at", 0)) - event.start_at) <= 1:
            return  # armed (by the roll-over itself or an edit)
    log.info("event %s: finishing a cut roll-over (re-arming %s)", event.id, event.start_at)
    await service.arm(event, on_end)
    await service.refresh_message(event)
    guild = service.bot.get_guild(event.guild_id)
    if guild is not None:
        await service.sync_scheduled(guild, event)


async def cleanup_scheduled(service: EventService, job: Job) -> None:
    """Once after the upgrade: group events' server-wide (external) scheduled events are
    deleted (a group is private: docs/rules.md); an upcoming one gets its scheduled event
    in the group's voice channel instead, if the group has one. Progress is each event's
    `scheduled_event_id` cleared as soon as its scheduled event is gone, so a run cut
    midway finishes on the next run (the job stays until it completes)."""
    bot = service.bot
    seen: dict[int, dict[int, discord.ScheduledEvent]] = {}
    removed = 0
    for event in await service.events.group_events_with_scheduled():
        guild = bot.get_guild(event.guild_id)
        if guild is None:
            continue  # the bot left that server: nothing of ours to remove there
        if guild.id not in seen:
            seen[guild.id] = await scheduled.fetch_all(guild)
        found = seen[guild.id].get(event.scheduled_event_id or 0)
        if found is not None and found.entity_type != discord.EntityType.external:
            continue  # a voice event in a channel: only those who see it see it
        if found is not None and not await scheduled.remove(guild, found.id):
            raise RuntimeError(f"no Manage Events in guild {guild.id} to remove {found.id}")
        updated = await service.events.update(event.id, scheduled_event_id=None)
        removed += 1
        if updated.status == "scheduled" and updated.start_at > bot.clock.now():
            await service.sync_scheduled(guild, updated, create=True)
    log.info("removed %s server-wide scheduled events of group events", removed)


async def end_event(service: EventService, event: Event, on_end: OnEnd | None = None) -> None:
    """A one-off event is over: its message says **Ended**, keeps who went and the
    counts, and its RSVP buttons are disabled. However late (the bot was down), it
    still acts. The Discord scheduled event is left alone: Discord completes it."""
    if event.end_at > service.bot.clock.now() + 1:
        log.info("end job for event %s is early (end moved later); its new job will run", event.id)
        return
    await service.attendance.take(event)  # who came (once: a retry keeps the first record)
    ended = await service.events.mark_ended(event.id)
    if ended is None or ended.status != "ended":
        return
    await service.tell_ended(ended, on_end)
    await service.refresh_message(ended)
    log.info("event %s ended", event.id)

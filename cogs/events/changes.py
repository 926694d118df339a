"""Editing and cancelling events (creator, group leaders, managers); attendees are told."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cogs.events import occurrences, render, scheduled, store_calendar
from cogs.events.logic import check_capacity
from cogs.events.models import Event
from cogs.events.recurrence import rule_for
from cogs.events.service import checked_length, read_as_text
from core.components import HuddleInteraction
from core.errors import UserError
from core.fit import clip
from core.timeparse import read_when, to_local
from core.ui import when_text

if TYPE_CHECKING:
    from cogs.events.service import EventService

SCOPES = ("this occurrence", "series")


async def edit_event(
    service: EventService,
    interaction: HuddleInteraction,
    event: Event,
    options: dict[str, Any],
    occurrence: str | None = None,
) -> tuple[Event, list[str]]:
    """Apply the given options (to one meeting of a series with `occurrence`); returns
    the updated event and notes for the editor."""
    await service.require_organiser(interaction, event)
    service.check_open(event)
    if occurrence:
        return await occurrences.move_meeting(service, interaction, event, occurrence, options)
    notes: list[str] = []
    fields = await _changed_fields(service, interaction, event, options, notes)
    if not fields:
        raise UserError("Nothing to change: give at least one option to edit.")
    updated = await service.events.update(event.id, **fields)
    if "series_start" in fields and await store_calendar.clear_occurrences(
        service.bot.store, event.id
    ):
        notes.append("The meetings skipped or moved one by one follow the new times again.")
    promoted = (
        await service.events.fill_free_seats(event.id, service.bot.clock.now())
        if "capacity" in fields
        else []
    )
    if promoted:
        await service.tell_promoted(updated, promoted)
    await service.arm(updated)
    await service.refresh_message(updated)
    notes += await service.sync_scheduled(interaction.guild, updated)  # type: ignore[arg-type]
    if fields.keys() & {"title", "start_at", "end_at", "location", "voice_channel_id"}:
        await service.tell_attendees(updated, _change_text(event, updated))
    return updated, notes


async def _changed_fields(
    service: EventService,
    interaction: HuddleInteraction,
    event: Event,
    options: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    """The columns to change; every option is checked before anything is written."""
    check_capacity(options.get("capacity"), zero_allowed=True)
    fields: dict[str, Any] = {}
    if options.get("title"):
        fields["title"] = clip(options["title"].strip(), 100)
    if options.get("description") is not None:
        fields["description"] = clip(options["description"].strip(), 1000)
    if options.get("where") is not None:
        place = service.place_for(interaction.guild, options["where"], None)  # type: ignore[arg-type]
        fields.update(location=place.location, voice_channel_id=place.voice_channel_id)
    start, length = event.start_at, event.duration
    if options.get("duration"):
        length = service.length(options["duration"])
    if options.get("when"):
        zone = await service.edit_zone(event, interaction.user.id)
        reading = read_when(options["when"], zone, service.bot.clock.now())
        start = reading.start
        if reading.duration and not options.get("duration"):  # a range sets the length
            length = checked_length(reading.duration)
        notes.append(read_as_text(options["when"], reading.label))
    if (start, length) != (event.start_at, event.duration):
        fields.update(start_at=start, end_at=start + length)
    if event.recurring and options.get("when"):  # the series' rule starts afresh from here
        fields.update(
            rrule=rule_for(event.repeat, to_local(start, event.timezone)),
            series_start=start,
            occurrence_at=None,
        )
    if options.get("capacity") is not None:
        fields["capacity"] = options["capacity"] or None
    if options.get("remind") is not None:
        fields["remind"] = await service.remind_offsets(event.guild_id, options["remind"])
    return fields


def _change_text(before: Event, after: Event) -> str:
    lines = [f"📝 **{after.title}** was changed."]
    if before.title != after.title:
        lines.append(f"Now called **{after.title}** (was {before.title}).")
    if before.start_at != after.start_at or before.end_at != after.end_at:
        lines.append(f"Now {when_text(after.start_at)}.")
    if render.place_text(before) != render.place_text(after):
        lines.append(f"Now at {render.place_text(after) or 'no set place'}.")
    return "\n".join(lines)


async def cancel_event(
    service: EventService,
    interaction: HuddleInteraction,
    event: Event,
    scope: str,
    occurrence: str | None = None,
) -> tuple[str, list[str]]:
    """The whole event, or one meeting of a series: `occurrence`, else with
    `scope: this occurrence` the current one."""
    await service.require_organiser(interaction, event)
    service.check_open(event)
    if occurrence or (scope == "this occurrence" and event.recurring):
        return await occurrences.skip_meeting(service, interaction, event, occurrence)
    return await cancel_whole(service, event, interaction.user.mention)


async def cancel_whole(service: EventService, event: Event, who: str) -> tuple[str, list[str]]:
    """Cancel an event (a whole series): attendees are told, its jobs dropped, its
    message and scheduled event updated, the audit log names `who`."""
    await service.tell_attendees(
        event, f"❌ **{event.title}** ({when_text(event.start_at)}) is **cancelled**."
    )
    cancelled = await service.events.update(event.id, status="cancelled")
    await service.arm(cancelled)  # drops its reminders and roll-over
    await service.refresh_message(cancelled)
    guild = service.bot.get_guild(event.guild_id)
    note = await scheduled.cancel(guild, cancelled) if guild else None
    await service.bot.audit(event.guild_id, f"Event cancelled: **{event.title}** by {who}")
    series = " (the whole series)" if event.recurring else ""
    return f"Cancelled **{event.title}**{series}.", [note] if note else []

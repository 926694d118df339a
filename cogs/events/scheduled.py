"""Keeps a Discord Scheduled Event in step with each Huddle event. Lacking Manage Events
never blocks the Huddle event itself: the caller is told it was skipped."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import discord

from cogs.events.models import Event
from core.ui import clip

log = logging.getLogger(__name__)

SKIPPED = (
    "The Discord scheduled event was skipped because I lack **Manage Events**. "
    "An admin can grant it to my role in Server Settings → Roles."
)


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def can_manage_events(guild: discord.Guild) -> bool:
    me = guild.me
    return me is None or me.guild_permissions.manage_events


@dataclass(frozen=True)
class _ChannelRef:
    """The channel as a snowflake string, as Discord's API schema writes it (a channel
    object would be sent as a bare integer inside the request's oneOf body)."""

    id: str


def _place(guild: discord.Guild, event: Event) -> dict:
    """Voice channel events happen in the channel; everything else is 'external'."""
    channel = guild.get_channel(event.voice_channel_id) if event.voice_channel_id else None
    if isinstance(channel, (discord.VoiceChannel, discord.StageChannel)):
        kind = (
            discord.EntityType.voice
            if isinstance(channel, discord.VoiceChannel)
            else discord.EntityType.stage_instance
        )
        return {"entity_type": kind, "channel": _ChannelRef(str(channel.id))}
    return {
        "entity_type": discord.EntityType.external,
        "location": clip(event.location or "Discord", 100),
    }


def _fields(guild: discord.Guild, event: Event) -> dict:
    return {
        "name": clip(event.title, 100),
        "description": clip(event.description, 1000),
        "start_time": _dt(event.start_at),
        "end_time": _dt(event.end_at),
        "privacy_level": discord.PrivacyLevel.guild_only,
        **_place(guild, event),
    }


async def create(guild: discord.Guild, event: Event) -> tuple[int | None, str | None]:
    """(scheduled event id, note for the member) — the note says why it was skipped."""
    if not can_manage_events(guild):
        return None, SKIPPED
    try:
        created = await guild.create_scheduled_event(**_fields(guild, event))
    except discord.Forbidden:
        return None, SKIPPED
    except discord.HTTPException as exc:
        log.warning("scheduled event for event %s failed: %s", event.id, exc)
        return None, "Discord refused the matching scheduled event; the Huddle event works anyway."
    return created.id, None


async def _fetch(guild: discord.Guild, scheduled_id: int) -> discord.ScheduledEvent | None:
    found = guild.get_scheduled_event(scheduled_id)
    if found is not None:
        return found
    try:
        return await guild.fetch_scheduled_event(scheduled_id)
    except discord.NotFound:
        return None


async def update(guild: discord.Guild, event: Event) -> tuple[int | None, str | None]:
    """Edit the scheduled event to match; make a new one when the old one is gone or
    already started/finished (a recurring event's next occurrence)."""
    if event.scheduled_event_id is None:
        return await create(guild, event)
    try:
        current = await _fetch(guild, event.scheduled_event_id)
        if current is not None and current.status == discord.EventStatus.scheduled:
            await current.edit(**_fields(guild, event))
            return current.id, None
        if current is not None:
            await _close(current)
    except discord.Forbidden:
        return event.scheduled_event_id, SKIPPED
    except discord.HTTPException as exc:
        log.warning("updating scheduled event %s failed: %s", event.scheduled_event_id, exc)
    return await create(guild, event)


async def _close(current: discord.ScheduledEvent) -> None:
    if current.status == discord.EventStatus.scheduled:
        await current.cancel()
    elif current.status == discord.EventStatus.active:
        await current.end()


async def cancel(guild: discord.Guild, event: Event) -> str | None:
    """Cancel the scheduled event (status cancelled); returns a note if it could not."""
    if event.scheduled_event_id is None:
        return None
    try:
        current = await _fetch(guild, event.scheduled_event_id)
        if current is not None:
            await _close(current)
    except discord.Forbidden:
        return SKIPPED.replace("was skipped", "could not be cancelled")
    except discord.HTTPException as exc:
        log.warning("cancelling scheduled event %s failed: %s", event.scheduled_event_id, exc)
    return None

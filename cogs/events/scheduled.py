"""Keeps a Discord Scheduled Event in step with each Huddle event. Lacking Manage Events
never blocks the Huddle event itself: the caller is told it was skipped.

A group's event is private (docs/rules.md, "A group is private"): it gets a scheduled event
only in the group's own voice channel (Discord shows it only to those who can see that
channel), never a server-wide external one; elsewhere its own message says where it is."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import discord

from cogs.events.models import Event
from core.fit import clip

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


def _place(guild: discord.Guild, event: Event, group_voice_id: int | None) -> dict | None:
    """Voice channel events happen in the channel; a server event elsewhere is 'external';
    a group event outside the group's own voice channel gets none (None)."""
    channel = guild.get_channel(event.voice_channel_id) if event.voice_channel_id else None
    if event.group_id is not None:
        if (
            isinstance(channel, discord.VoiceChannel)
            and group_voice_id is not None
            and channel.id == group_voice_id
        ):
            return {
                "entity_type": discord.EntityType.voice,
                "channel": _ChannelRef(str(channel.id)),
            }
        return None
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


def _fields(guild: discord.Guild, event: Event, group_voice_id: int | None) -> dict | None:
    place = _place(guild, event, group_voice_id)
    if place is None:
        return None
    return {
        "name": clip(event.title, 100),
        "description": clip(event.description, 1000),
        "start_time": _dt(event.start_at),
        "end_time": _dt(event.end_at),
        "privacy_level": discord.PrivacyLevel.guild_only,
        **place,
    }


async def create(
    guild: discord.Guild, event: Event, group_voice_id: int | None = None
) -> tuple[int | None, str | None]:
    """(scheduled event id, note for the member) — the note says why it was skipped.
    `group_voice_id`: the voice channel of the event's group (see the module doc)."""
    fields = _fields(guild, event, group_voice_id)
    if fields is None:
        return None, None
    if not can_manage_events(guild):
        return None, SKIPPED
    try:
        created = await guild.create_scheduled_event(**fields)
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


async def update(
    guild: discord.Guild, event: Event, group_voice_id: int | None = None
) -> tuple[int | None, str | None]:
    """Edit the scheduled event to match; make a new one when the old one is gone or
    already started/finished (a recurring event's next occurrence); remove it when the
    event should have none (a group event moved out of the group's voice channel)."""
    if event.scheduled_event_id is None:
        return await create(guild, event, group_voice_id)
    fields = _fields(guild, event, group_voice_id)
    if fields is None:
        if await remove(guild, event.scheduled_event_id):
            return None, None
        return event.scheduled_event_id, SKIPPED.replace("was skipped", "could not be removed")
    try:
        current = await _fetch(guild, event.scheduled_event_id)
        if current is not None and current.status == discord.EventStatus.scheduled:
            await current.edit(**fields)
            return current.id, None
        if current is not None:
            await _close(current)
    except discord.Forbidden:
        return event.scheduled_event_id, SKIPPED
    except discord.HTTPException as exc:
        log.warning("updating scheduled event %s failed: %s", event.scheduled_event_id, exc)
    return await create(guild, event, group_voice_id)


async def remove(guild: discord.Guild, scheduled_id: int) -> bool:
    """Delete a scheduled event; True when it is gone (also when it already was)."""
    try:
        # discord.py deletes through a ScheduledEvent object; we may only have the id.
        await guild._state.http.delete_scheduled_event(guild.id, scheduled_id)
    except discord.NotFound:
        return True
    except discord.Forbidden:
        return False
    return True


async def fetch_all(guild: discord.Guild) -> dict[int, discord.ScheduledEvent]:
    """Every scheduled event of the server, by id (one request)."""
    return {e.id: e for e in await guild.fetch_scheduled_events(with_counts=False)}


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

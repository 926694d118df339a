"""Reading the options of the event commands: the place (a voice channel, or text), the
length, the line saying how a time was read, and the draft of a new event built from
`/event create`'s options (`draft_event`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from cogs.events.logic import MAX_DURATION, REPEATS, check_capacity, event_length
from cogs.events.recurrence import rule_for
from cogs.events.store import EventDraft
from cogs.groups import api as groups
from core import fit
from core.checks import POSTING_PERMISSIONS, require_bot_permissions, require_member_can_post
from core.components import HuddleInteraction
from core.errors import UserError
from core.fit import clip
from core.timeparse import read_when, to_local

if TYPE_CHECKING:
    from cogs.events.service import EventService

_CHANNEL_REF = re.compile(r"^(?:<#(\d+)>|(\d{15,20}))$")


def checked_length(seconds: float) -> float:
    """An event's length in seconds, refused beyond a week."""
    if not 0 < seconds <= MAX_DURATION:
        raise UserError("An event lasts from `1m` to `7d`.")
    return seconds


@dataclass(frozen=True)
class Place:
    location: str
    voice_channel_id: int | None


def place_for(guild: discord.Guild, where: str | None, group: groups.GroupRef | None) -> Place:
    """A voice channel (mention or id) becomes a voice event; any other text is a place
    or link; nothing at all uses the group's voice channel if it has one."""
    text = (where or "").strip()
    match = _CHANNEL_REF.match(text)
    if match:
        channel = guild.get_channel(int(match.group(1) or match.group(2)))
        if isinstance(channel, (discord.VoiceChannel, discord.StageChannel)):
            return Place("", channel.id)
        if channel is not None:
            return Place(f"#{channel.name}", None)
    if not text and group is not None and group.voice_channel_id:
        return Place("", group.voice_channel_id)
    return Place(clip(text, 200), None)


def event_seconds(duration: str | None) -> float:
    """`duration` in seconds (1m–7d, refused with the range); 1h when not given."""
    if not duration:
        return 3600.0
    return float(event_length(duration))


def read_as_text(text: str, label: str) -> str:
    """The confirmation's line naming how a time was read, in which zone."""
    return f"Read {fit.code(text, 60)} as **{label}**."


async def draft_event(
    service: EventService,
    interaction: HuddleInteraction,
    guild: discord.Guild,
    *,
    title: str,
    when: str,
    duration: str | None,
    group_text: str | None,
    where: str | None,
    description: str | None,
    repeat: str,
    remind: str | None,
    capacity: int | None,
) -> tuple[EventDraft, str]:
    """The event to publish, and a line saying how `when` was read (in which zone)."""
    if not title.strip():
        raise UserError("Give the event a title.")
    if repeat not in REPEATS:
        raise UserError(f"`repeat` must be one of: {', '.join(REPEATS)}.")
    check_capacity(capacity)
    length = event_seconds(duration) if duration else None
    offsets = await service.remind_offsets(guild.id, remind)
    group = await service.group_for(interaction, group_text)
    channel_id = group.channel_id if group and group.channel_id else interaction.channel_id
    channel = service.bot.get_channel(channel_id or 0)
    # What the bot lacks is named first (as Discord names it), then the member's right.
    require_bot_permissions(channel, "post the event in that channel", POSTING_PERMISSIONS[:3])
    if isinstance(interaction.user, discord.Member):
        require_member_can_post(interaction.user, channel, "an event")
    zone = await service.zone_for(guild.id, interaction.user.id, group)
    reading = read_when(when, zone, service.bot.clock.now())
    start = reading.start
    if length is None:  # a range (`friday 7-9pm`) sets the length too
        length = checked_length(reading.duration) if reading.duration else 3600.0
    place = place_for(guild, where, group)
    draft = EventDraft(
        guild_id=guild.id,
        group_id=group.id if group else None,
        title=clip(title.strip(), 100),
        description=clip((description or "").strip(), 1000),
        location=place.location,
        voice_channel_id=place.voice_channel_id,
        start_at=start,
        end_at=start + length,
        timezone=zone,
        repeat=repeat,
        rrule=rule_for(repeat, to_local(start, zone)),
        remind=offsets,
        capacity=capacity,
        channel_id=channel_id,
        created_by=interaction.user.id,
    )
    return draft, read_as_text(when, reading.label)

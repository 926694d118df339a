"""Event workflows shared by commands, buttons and jobs: create, answer, edit, cancel,
and keeping the event message, the scheduled event and the reminder jobs in step."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from cogs.events import notify, render, scheduled
from cogs.events.logic import (
    DMS_PER_JOB,
    MAX_DURATION,
    REPEATS,
    STATUS_LABELS,
    RsvpOutcome,
    attendance,
    batches,
    check_capacity,
    event_length,
    reminder_offsets,
    reminder_times,
)
from cogs.events.models import Event
from cogs.events.recurrence import rule_for
from cogs.events.store import EventDraft, EventStore
from cogs.events.views import rsvp_view
from cogs.groups import api as groups
from core.checks import (
    POSTING_PERMISSIONS,
    guild_id_of,
    is_manager,
    require_bot_permissions,
    require_member_can_post,
)
from core.components import HuddleInteraction
from core.errors import BotMissingPermission, GuildOnly, NotAllowed, NotFound, UserError
from core.timeparse import get_zone, parse_offsets, read_when, to_local
from core.ui import clip

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

REMIND = "event.remind"
REMIND_BATCH = "event.remind_batch"  # one slice of a reminder's mentions or DMs
PROMOTED = "event.promoted"  # telling waitlisted members they moved up (paced DMs)
ROLLOVER = "event.rollover"
_CHANNEL_REF = re.compile(r"^(?:<#(\d+)>|(\d{15,20}))$")


OnEnd = tuple[str, dict[str, Any]]


def job_key(event_id: int) -> str:
    return f"event:{event_id}"


def on_end_of(payload: dict[str, Any]) -> OnEnd | None:
    """The `on_end` request stored in a ROLLOVER job's payload, if any."""
    stored = payload.get("on_end")
    return (str(stored[0]), dict(stored[1])) if stored else None


def checked_length(seconds: float) -> float:
    """An event's length in seconds, refused beyond a week."""
    if not 0 < seconds <= MAX_DURATION:
        raise UserError("An event lasts from `1m` to `7d`.")
    return seconds


NOT_FOUND = "There is no event called `{}`. `/event list` shows upcoming events."


@dataclass(frozen=True)
class Place:
    location: str
    voice_channel_id: int | None


class EventService:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.events = EventStore(bot.store)

    # -- reading the options --------------------------------------------------------------

    async def zone_for(self, guild_id: int, user_id: int, group: groups.GroupRef | None) -> str:
        """The creator's zone, else the group's, else the server's."""
        zone = await self.bot.prefs.get(user_id, "timezone")
        if not zone and group is not None:
            zone = group.timezone
        zone = zone or await self.bot.config.server_timezone(guild_id)
        return get_zone(zone).key

    async def edit_zone(self, event: Event, user_id: int) -> str:
        """For `/event edit when`: the editor's zone, else the group's, else the event's."""
        zone = await self.bot.prefs.get(user_id, "timezone")
        if not zone and event.group_id:
            group = await groups.get_group(self.bot.store, event.group_id)
            zone = group.timezone if group else None
        return get_zone(zone or event.timezone).key

    async def resolve_event(
        self, guild_id: int, text: str, viewer: groups.Viewer | None = None
    ) -> Event:
        """The event named (id or title) that `viewer` may see: an outsider naming a
        group's event gets the very reply a missing one gets."""
        event = await self.events.find(guild_id, text, self.bot.clock.now(), viewer)
        if event is None:
            raise NotFound(NOT_FOUND.format(clip(text, 100)))
        return event

    async def event_for(self, interaction: HuddleInteraction, text: str) -> Event:
        """`event:` option → the event, as the invoking member may see it."""
        return await self.resolve_event(
            guild_id_of(interaction), text, await groups.viewer_of(interaction)
        )

    async def require_may_see(self, interaction: HuddleInteraction, event: Event) -> None:
        """A button on an event's message: the press comes from the event's server and
        from someone who may see its group; otherwise it answers like a missing event."""
        if interaction.guild_id != event.guild_id:
            raise NotFound("This event no longer exists.")
        viewer = await groups.viewer_of(interaction)
        await groups.require_can_see(
            self.bot.store, viewer, event.group_id, "This event no longer exists."
        )

    async def group_for(
        self, interaction: HuddleInteraction, text: str | None
    ) -> groups.GroupRef | None:
        if not text:
            return None
        return await groups.resolve_group_to_use(
            self.bot.store,
            guild_id_of(interaction),
            text,
            interaction.user.id,
            manager=await is_manager(interaction),
            action="plan its events",
        )

    def place_for(
        self, guild: discord.Guild, where: str | None, group: groups.GroupRef | None
    ) -> Place:
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

    async def remind_offsets(self, guild_id: int, remind: str | None) -> str:
        """The stored form of `remind` (at most 5 offsets, each 1m–4w), else the server's
        default (validated by `/config reminders`)."""
        if remind is not None:
            return ",".join(str(o) for o in reminder_offsets(remind))
        default = str(await self.bot.config.get(guild_id, "reminders.defaults", "1h"))
        return ",".join(str(o) for o in parse_offsets(default))

    # -- create ---------------------------------------------------------------------------

    async def create(
        self, interaction: HuddleInteraction, **options: Any
    ) -> tuple[Event, list[str]]:
        """`/event create`: `options` are `_draft`'s keyword arguments."""
        guild = interaction.guild
        if guild is None:
            raise GuildOnly()
        draft, read_as = await self._draft(interaction, guild, **options)
        event, notes = await self.publish(guild, draft)
        return event, [read_as, *notes]

    async def publish(
        self, guild: discord.Guild, draft: EventDraft, on_end: OnEnd | None = None
    ) -> tuple[Event, list[str]]:
        """Store the event, post its message, mirror it as a scheduled event, arm its jobs
        (`on_end`: see `arm`)."""
        require_bot_permissions(  # View Channel, Send Messages, Embed Links, named as Discord does
            self.bot.get_channel(draft.channel_id or 0),
            "post the event in that channel",
            POSTING_PERMISSIONS[:3],
        )
        event = await self.events.create(draft, self.bot.clock.now())
        try:
            message = await self.bot.get_partial_messageable(draft.channel_id or 0).send(
                embed=render.event_embed(event, []), view=rsvp_view(event.id)
            )
        except discord.HTTPException as exc:
            await self.events.delete(event.id)  # leave nothing half-made
            if isinstance(exc, discord.Forbidden):
                raise BotMissingPermission(
                    "Send Messages", "post the event in that channel"
                ) from None
            raise
        event = await self.events.update(
            event.id, message_id=message.id, channel_id=message.channel.id
        )
        notes = await self.sync_scheduled(guild, event, create=True)
        await self.arm(event, on_end)
        return event, notes

    async def _draft(
        self,
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
        length = self.length(duration) if duration else None
        offsets = await self.remind_offsets(guild.id, remind)
        group = await self.group_for(interaction, group_text)
        channel_id = group.channel_id if group and group.channel_id else interaction.channel_id
        channel = self.bot.get_channel(channel_id or 0)
        # What the bot lacks is named first (as Discord names it), then the member's right.
        require_bot_permissions(channel, "post the event in that channel", POSTING_PERMISSIONS[:3])
        if isinstance(interaction.user, discord.Member):
            require_member_can_post(interaction.user, channel, "an event")
        zone = await self.zone_for(guild.id, interaction.user.id, group)
        reading = read_when(when, zone, self.bot.clock.now())
        start = reading.start
        if length is None:  # a range (`friday 7-9pm`) sets the length too
            length = checked_length(reading.duration) if reading.duration else 3600.0
        place = self.place_for(guild, where, group)
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

    @staticmethod
    def length(duration: str | None) -> float:
        """`duration` in seconds (1m–7d, refused with the range); 1h when not given."""
        if not duration:
            return 3600.0
        return float(event_length(duration))

    async def sync_scheduled(
        self, guild: discord.Guild, event: Event, *, create: bool = False
    ) -> list[str]:
        group_voice = await self.group_voice_id(event)
        if create:
            scheduled_id, note = await scheduled.create(guild, event, group_voice)
        else:
            scheduled_id, note = await scheduled.update(guild, event, group_voice)
        if scheduled_id != event.scheduled_event_id:
            await self.events.update(event.id, scheduled_event_id=scheduled_id)
        return [note] if note else []

    async def group_voice_id(self, event: Event) -> int | None:
        if event.group_id is None:
            return None
        group = await groups.get_group(self.bot.store, event.group_id)
        return group.voice_channel_id if group else None

    # -- jobs -----------------------------------------------------------------------------

    async def arm(self, event: Event, on_end: OnEnd | None = None) -> None:
        """(Re)schedule the reminders and the end-of-occurrence job (ROLLOVER, due at the
        end: a series rolls over to its next occurrence, a one-off event is marked ended).

        `on_end` (a job kind and payload another feature asked for, see `api.create_event`)
        rides in the ROLLOVER job's payload: without one given, the pending job's is kept,
        so an edit or a roll-over never loses it. A cancelled event drops it: it never ends."""
        key = job_key(event.id)
        on_end = on_end or await self._pending_on_end(key)
        await self.bot.scheduler.cancel_key(key)
        if event.status != "scheduled":
            return
        payload = {"event_id": event.id, "start_at": event.start_at}
        jobs: list[tuple[str, float, dict, int | None, str | None]] = [
            (REMIND, due, {**payload, "offset": offset}, event.guild_id, key)
            for offset, due in reminder_times(event.start_at, event.offsets, self.bot.clock.now())
        ]
        end_payload = {**payload, "on_end": list(on_end)} if on_end else payload
        jobs.append((ROLLOVER, event.end_at, end_payload, event.guild_id, key))
        await self.bot.scheduler.schedule_many(jobs)

    async def _pending_on_end(self, key: str) -> OnEnd | None:
        for job in await self.bot.scheduler.pending(ROLLOVER, key):
            if job.payload.get("on_end"):
                return on_end_of(job.payload)
        return None

    async def tell_ended(self, event: Event, on_end: OnEnd | None) -> None:
        """The occurrence ended: schedule the `on_end` job another feature asked for, with
        its payload plus `event_id`, `start_at` and the attendance counts."""
        if on_end is None:
            return
        kind, extra = on_end
        counts = attendance(await self.events.rsvps(event.id))
        payload = {**extra, "event_id": event.id, "start_at": event.start_at, **counts}
        # Once per occurrence, even when a cut roll-over or end job runs again.
        told = f"events.ended:{event.id}:{int(event.start_at)}"
        async with self.bot.store.transaction() as tx:
            first = await tx.fetchone("SELECT 1 FROM meta WHERE key = ?", (told,)) is None
            if first:
                await tx.execute("INSERT INTO meta (key, value) VALUES (?, '1')", (told,))
                await self.bot.scheduler.schedule(
                    kind, self.bot.clock.now(), payload, event.guild_id,
                    key=f"event-ended:{event.id}", tx=tx,
                )  # fmt: skip

    # -- RSVP -----------------------------------------------------------------------------

    async def answer(
        self, interaction: HuddleInteraction, event: Event, status: str
    ) -> RsvpOutcome:
        self.check_open(event)
        await self.check_member(interaction, event)
        name = getattr(interaction.user, "display_name", interaction.user.name)
        outcome = await self.events.answer(
            event.id, interaction.user.id, status, name, self.bot.clock.now()
        )
        if outcome.promoted:
            await self.tell_promoted(event, outcome.promoted)
        return outcome

    async def check_member(self, interaction: HuddleInteraction, event: Event) -> None:
        """A group's event takes answers from its members (and managers) only."""
        if event.group_id is None:
            return
        if await groups.is_member(self.bot.store, event.group_id, interaction.user.id):
            return
        if await is_manager(interaction):
            return
        group = await groups.get_group(self.bot.store, event.group_id)
        name = group.name if group else "its group"
        raise NotAllowed(
            f"**{event.title}** is for members of **{name}**. Join it with `/group join` to answer."
        )

    def check_open(self, event: Event) -> None:
        if event.status == "cancelled":
            raise UserError(f"**{event.title}** was cancelled.")
        if event.status != "scheduled" or event.end_at <= self.bot.clock.now():
            raise UserError(f"**{event.title}** has already ended.")

    @staticmethod
    def answer_text(event: Event, outcome: RsvpOutcome) -> str:
        if outcome.final_status == "waitlist":
            return (
                f"**{event.title}** is full, so you're on the **waitlist**. "
                "You'll move up to Going when a seat frees, and I'll tell you."
            )
        return f"You answered **{STATUS_LABELS[outcome.final_status]}** for **{event.title}**."

    async def rsvp_button(self, interaction: HuddleInteraction, event_id: int, status: str) -> None:
        event = await self.events.get(event_id)
        if event is None:
            raise NotFound("This event no longer exists.")
        await self.require_may_see(interaction, event)
        outcome = await self.answer(interaction, event, status)
        await interaction.response.edit_message(
            content=render.message_content(event),
            embed=render.event_embed(event, await self.events.rsvps(event.id)),
            view=rsvp_view(event.id),
        )
        await interaction.followup.send(self.answer_text(event, outcome), ephemeral=True)

    async def tell_promoted(self, event: Event, user_ids: list[int]) -> None:
        """Waitlisted members moved up: told by small paced jobs (≤25 DMs each, in order
        under the event's promotion key), not inside the button press."""
        jobs: list[tuple[str, float, dict, int | None, str | None]] = [
            (
                PROMOTED,
                self.bot.clock.now(),
                {"event_id": event.id, "start_at": event.start_at, "user_ids": chunk},
                event.guild_id,
                f"event-promoted:{event.id}",
            )
            for chunk in batches(user_ids, DMS_PER_JOB)
        ]
        if jobs:
            await self.bot.scheduler.schedule_many(jobs)

    # -- the event message ----------------------------------------------------------------

    async def refresh_message(self, event: Event) -> None:
        if event.channel_id is None or event.message_id is None:
            return
        message = self.bot.get_partial_messageable(event.channel_id).get_partial_message(
            event.message_id
        )
        try:
            await message.edit(
                content=render.message_content(event),
                embed=render.event_embed(event, await self.events.rsvps(event.id)),
                view=rsvp_view(event.id, disabled=event.status != "scheduled"),
            )
        except discord.HTTPException as exc:
            log.warning("event %s message edit failed: %s", event.id, exc)

    async def tell_attendees(self, event: Event, text: str) -> None:
        """A message in the event's channel mentioning those who answered Going/Maybe
        (split in messages of ≤100 mentions)."""
        people = [
            r.user_id for r in await self.events.rsvps(event.id) if r.status in ("going", "maybe")
        ]
        await notify.mention(self.bot, event.channel_id, text, people)

    # -- permissions ----------------------------------------------------------------------

    async def may_organise(
        self, interaction: HuddleInteraction, created_by: int, group_id: int | None
    ) -> bool:
        """The creator, the group's leaders, or managers."""
        user_id = interaction.user.id
        if user_id == created_by:
            return True
        if group_id and await groups.is_leader(self.bot.store, group_id, user_id):
            return True
        return await is_manager(interaction)

    async def require_organiser(self, interaction: HuddleInteraction, event: Event) -> None:
        if not await self.may_organise(interaction, event.created_by, event.group_id):
            raise NotAllowed(
                "Only the event's creator, its group's leaders and community managers can do that."
            )


def read_as_text(text: str, label: str) -> str:
    """The confirmation's line naming how a time was read, in which zone."""
    return f"Read `{clip(text, 60)}` as **{label}**."

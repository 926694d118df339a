"""Event workflows shared by commands, buttons and jobs: create, answer, edit, cancel,
and keeping the event message, the scheduled event and the reminder jobs in step.

The event's jobs are armed by `arming.EventArming`; reading the commands' options (the
place, the length, the draft of a new event) is in options.py. Both modules' names that
other modules import from here are re-exported."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from cogs.events import notify, render, scheduled
from cogs.events.arming import EventArming
from cogs.events.attendance import Attendance
from cogs.events.jobs import OnEnd
from cogs.events.logic import STATUS_LABELS, RsvpOutcome, reminder_offsets
from cogs.events.models import Event
from cogs.events.options import (
    Place,
    checked_length,
    draft_event,
    event_seconds,
    place_for,
    read_as_text,
)
from cogs.events.store import EventDraft, EventStore
from cogs.events.views import rsvp_view
from cogs.groups import api as groups
from core import fit
from core.checks import POSTING_PERMISSIONS, guild_id_of, is_manager, require_bot_permissions
from core.components import HuddleInteraction
from core.errors import BotMissingPermission, GuildOnly, NotAllowed, NotFound, UserError
from core.timeparse import get_zone, parse_offsets
from core.ui import nonce_for

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

__all__ = [
    "EventService",
    "OnEnd",
    "Place",
    "checked_length",
    "read_as_text",
]

NOT_FOUND = "There is no event called {}. `/event list` shows upcoming events."


class EventService:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.events = EventStore(bot.store, bot.clock.now)
        self.arming = EventArming(bot, self.events)
        self.attendance = Attendance(self)

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
            raise NotFound(NOT_FOUND.format(fit.code(text)))
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
        return await groups.group_for(interaction, text, "member", "plan its events")

    def place_for(
        self, guild: discord.Guild, where: str | None, group: groups.GroupRef | None
    ) -> Place:
        """A voice channel (mention or id) becomes a voice event; any other text is a place
        or link; nothing at all uses the group's voice channel if it has one."""
        return place_for(guild, where, group)

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
        """`/event create`: `options` are `options.draft_event`'s keyword arguments."""
        guild = interaction.guild
        if guild is None:
            raise GuildOnly()
        draft, read_as = await draft_event(self, interaction, guild, **options)
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
                embed=render.event_embed(event, []), view=self.view(event)
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
        await self.arm(event, on_end)  # before the scheduled event: its failure loses no job
        return event, await self._mirror(guild, event)

    async def publish_once(
        self, guild: discord.Guild, draft: EventDraft, on_end: OnEnd | None, request_id: str
    ) -> tuple[Event, list[str]]:
        """Make the event of `request_id` once. The request is stored with the event before
        its message is posted (with a nonce Discord dedupes); a rerun after a crash or a
        failure finds it and does only what is missing: the message, the reminders and
        end job, the Discord scheduled event. A failure raises and leaves what was made."""
        event = await self.events.create_keyed(draft, self.bot.clock.now(), request_id)
        if event.message_id is None:
            channel = self.bot.get_partial_messageable(draft.channel_id or 0)
            try:
                message = await channel.send(
                    embed=render.event_embed(event, []), view=rsvp_view(event.id),
                    nonce=nonce_for(request_id),
                )  # fmt: skip
            except discord.Forbidden as exc:
                raise BotMissingPermission("Send Messages", "post the event") from exc
            event = await self.events.update(
                event.id, message_id=message.id, channel_id=message.channel.id
            )
        if not await self.events.is_armed(event.id):
            await self.arm(event, on_end)
            await self.events.mark_armed(event.id)
        notes = await self._mirror(guild, event) if event.scheduled_event_id is None else []
        return await self.events.get(event.id) or event, notes

    async def _mirror(self, guild: discord.Guild, event: Event) -> list[str]:
        """The Discord scheduled event, best effort: any failure (a refusal, a server
        error, a broken connection) is a note, never an event half-made."""
        try:
            return await self.sync_scheduled(guild, event, create=True)
        except Exception as exc:
            log.warning("event %s: scheduled event not made: %r", event.id, exc)
            return ["The Discord scheduled event could not be made this time."]

    @staticmethod
    def length(duration: str | None) -> float:
        """`duration` in seconds (1m–7d, refused with the range); 1h when not given."""
        return event_seconds(duration)

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

    # -- jobs (EventArming) -----------------------------------------------------------------

    async def arm(self, event: Event, on_end: OnEnd | None = None) -> None:
        """(Re)schedule the event's reminders and end-of-occurrence job (see `arming`)."""
        await self.arming.arm(event, on_end)

    async def tell_ended(self, event: Event, on_end: OnEnd | None) -> None:
        await self.arming.tell_ended(event, on_end)

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
            content=render.message_content(event), embed=await self.embed(event),
            view=self.view(event),
        )  # fmt: skip
        await interaction.followup.send(self.answer_text(event, outcome), ephemeral=True)

    async def tell_promoted(self, event: Event, user_ids: list[int]) -> None:
        await self.arming.tell_promoted(event, user_ids)

    # -- the event message ----------------------------------------------------------------

    async def embed(self, event: Event) -> discord.Embed:
        """The event's embed: its answers and, once an occurrence ended, who came beside
        who said Going."""
        return render.event_embed(
            event, await self.events.rsvps(event.id), await self.attendance.last_ended(event)
        )

    @staticmethod
    def view(event: Event) -> discord.ui.View:
        """RSVP buttons (disabled once it is over); a group event's **I'm here** too."""
        return rsvp_view(
            event.id, disabled=event.status != "scheduled", here=event.group_id is not None
        )

    async def refresh_message(self, event: Event) -> None:
        if event.channel_id is None or event.message_id is None:
            return
        message = self.bot.get_partial_messageable(event.channel_id).get_partial_message(
            event.message_id
        )
        try:
            await message.edit(
                content=render.message_content(event), embed=await self.embed(event),
                view=self.view(event),
            )  # fmt: skip
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

"""`/event findtime`: a reaction poll over candidate times; at close the best slot is
named and a button turns it into an event. Reactions are read from the message at close,
so answers given while the bot was down count."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from typing import TYPE_CHECKING

import discord

from cogs.events import notify, render
from cogs.events.jobs import CLOSE
from cogs.events.logic import MAX_SLOTS, best_slot, format_offset, split_options
from cogs.events.models import Event, FindTime
from cogs.events.recurrence import rule_for
from cogs.events.store import EventDraft
from cogs.events.views import findtime_view
from cogs.groups import api as groups
from core.checks import guild_id_of, require_bot_permissions, require_member_can_post
from core.components import HuddleInteraction
from core.errors import BotMissingPermission, NotAllowed, NotFound, UserError
from core.fit import clip
from core.letters import letter, letter_index
from core.scheduler import Job
from core.timeparse import parse_when, to_local
from core.ui import plural, ts

if TYPE_CHECKING:
    from cogs.events.service import EventService

log = logging.getLogger(__name__)

DEFAULT_CLOSES = 86400.0


def closes_advice(now: float, earliest: float) -> str:
    """A `closes` that works for these slots: the time to the earliest option less an hour
    (half of it when that is under two hours), in whole minutes, as a duration."""
    span = earliest - now
    fits = int(span - min(3600.0, span / 2)) // 60 * 60
    if fits < 60:
        return "The earliest option is too soon for a vote; give later options."
    return f"Give a shorter `closes`, like `{format_offset(fits)}` (or leave it out)."


class FindTimeFlow:
    def __init__(self, service: EventService) -> None:
        self.service = service
        self.bot = service.bot
        self.events = service.events

    async def start(
        self,
        interaction: HuddleInteraction,
        title: str,
        options: str,
        group_text: str | None,
        closes: str | None,
    ) -> FindTime:
        guild_id = guild_id_of(interaction)
        group = await self.service.group_for(interaction, group_text)
        zone = await self.service.zone_for(guild_id, interaction.user.id, group)
        now = self.bot.clock.now()
        slots = self.read_slots(options, zone, now)
        closes_at = self.closing_time(closes, zone, now, slots[0])
        channel_id = group.channel_id if group and group.channel_id else interaction.channel_id or 0
        action = "post the find-a-time poll there"
        require_bot_permissions(self.bot.get_channel(channel_id), action)  # the bot's first
        if isinstance(interaction.user, discord.Member):
            require_member_can_post(
                interaction.user, self.bot.get_channel(channel_id), "a find-a-time poll"
            )
        poll = await self.events.create_findtime(
            guild_id, group.id if group else None, clip(title.strip(), 100), slots, zone, channel_id,
            closes_at, interaction.user.id, now,
        )  # fmt: skip
        message: discord.Message | None = None
        try:
            message = await self.bot.get_partial_messageable(channel_id).send(
                embed=render.findtime_embed(poll)
            )
            for index in range(len(slots)):
                await message.add_reaction(letter(index))
        except discord.Forbidden:
            await self.events.delete_findtime(poll.id)
            if message is not None:  # leave no half-made poll behind
                with contextlib.suppress(discord.HTTPException):
                    await message.delete()
            missing = "Add Reactions" if message is not None else "Send Messages"
            raise BotMissingPermission(missing, action) from None
        await self.events.set_findtime_message(poll.id, message.id)
        await self.bot.scheduler.schedule(
            CLOSE, closes_at, {"poll_id": poll.id}, guild_id, key=f"findtime:{poll.id}"
        )
        return dataclasses.replace(poll, message_id=message.id)  # its link needs the message

    @staticmethod
    def read_slots(options: str, zone: str, now: float) -> list[float]:
        texts = split_options(options)
        if len(texts) < 2:
            raise UserError(
                "Give at least two times separated by `;`, like `friday 7pm; saturday 10:00`."
            )
        if len(texts) > MAX_SLOTS:
            raise UserError(f"At most {MAX_SLOTS} options (one reaction each).")
        slots = [parse_when(text, zone, now) for text in texts]
        if len(set(slots)) != len(slots):
            raise UserError("Two options are the same time; give each slot once.")
        return sorted(slots)

    @staticmethod
    def closing_time(closes: str | None, zone: str, now: float, earliest: float) -> float:
        """`closes` is a duration (`12h`) or a time written like `when`. Without it the poll
        closes after a day, or earlier when the first slot is sooner (an hour before it, or
        halfway there when that is under two hours away)."""
        if not closes:
            return min(now + DEFAULT_CLOSES, earliest - min(3600.0, (earliest - now) / 2))
        closes_at = parse_when(closes, zone, now)
        if closes_at >= earliest:
            raise UserError(
                f"The poll must close before the earliest option ({ts(earliest, 'F')}). "
                + closes_advice(now, earliest)
            )
        return closes_at

    # -- closing --------------------------------------------------------------------------

    async def close_job(self, job: Job) -> None:
        """Close the poll: name the best slot on its message and post the result with the
        **Create event** button. Idempotent: a re-run after a failed post (or a cut)
        posts the result then, and once only."""
        poll = await self.events.get_findtime(int(job.payload["poll_id"]))
        if poll is None or poll.message_id is None:
            return
        message_id = poll.message_id
        if poll.status != "open" and await self.events.findtime_announced(poll.id):
            return
        voters = await self.read_voters(poll)
        if poll.status == "open":
            index = best_slot(poll.slots, voters)
            best = poll.slots[index] if index is not None else None
            votes = len(voters[index]) if index is not None else 0
            await self.events.close_findtime(poll.id, best, votes)
            poll = await self.events.get_findtime(poll.id) or poll
        index = poll.slots.index(poll.best_slot) if poll.best_slot in poll.slots else None
        counts = [len(v) for v in voters]
        text = render.findtime_result(poll, index, counts)
        message = self.bot.get_partial_messageable(poll.channel_id).get_partial_message(message_id)
        try:
            await message.edit(embed=render.findtime_embed(poll, closed_text="**Closed.** " + text))
        except discord.HTTPException as exc:
            log.warning("find-time %s message edit failed: %s", poll.id, exc)
        view = findtime_view(poll.id, disabled=poll.status == "used") if index is not None else None
        suffix = (
            "\nThe creator, group leaders or a manager can turn it into an event:" if view else ""
        )
        # A failure raises: the job is retried and posts it then.
        await self.bot.get_partial_messageable(poll.channel_id).send(text + suffix, view=view)  # type: ignore[arg-type]
        await self.events.mark_findtime_announced(poll.id)

    async def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        """In a group's find-a-time poll, a reaction by someone outside the group is removed
        (and never counted: `read_voters` reads members only)."""
        if payload.guild_id is None or payload.user_id == getattr(self.bot.user, "id", None):
            return
        if not await self.events.is_open_findtime_message(payload.message_id):
            return  # the common case (any other message): no query
        poll = await self.events.findtime_by_message(payload.guild_id, payload.message_id)
        if poll is None or poll.group_id is None:
            return
        if await groups.is_member(self.bot.store, poll.group_id, payload.user_id):
            return
        message = self.bot.get_partial_messageable(payload.channel_id).get_partial_message(
            payload.message_id
        )
        try:
            await message.remove_reaction(payload.emoji, discord.Object(payload.user_id))
        except discord.HTTPException as exc:
            log.info("find-time %s: could not remove an outsider's reaction: %s", poll.id, exc)

    async def read_voters(self, poll: FindTime) -> list[set[int]]:
        """Who reacted with each slot's emoji, read from Discord (bots and, in a group poll,
        non-members don't count)."""
        channel = self.bot.get_partial_messageable(poll.channel_id)
        message = await channel.fetch_message(poll.message_id or 0)
        members = (
            set(await groups.member_ids(self.bot.store, poll.group_id)) if poll.group_id else None
        )
        voters: list[set[int]] = [set() for _ in poll.slots]
        for reaction in message.reactions:
            index = letter_index(str(reaction.emoji), len(poll.slots))
            if index is None:
                continue
            async for user in reaction.users(limit=None):
                if not user.bot and (members is None or user.id in members):
                    voters[index].add(user.id)
        return voters

    # -- turning the winner into an event -------------------------------------------------

    async def create_from_button(self, interaction: HuddleInteraction, poll_id: int) -> None:
        """The **Create event** button (the router has checked that events are on)."""
        poll = await self.events.get_findtime(poll_id)
        gone = "This find-a-time poll is gone."
        if poll is None or poll.best_slot is None or interaction.guild_id != poll.guild_id:
            raise NotFound(gone)
        viewer = await groups.viewer_of(interaction)
        await groups.require_can_see(self.bot.store, viewer, poll.group_id, gone)
        await self._require_organiser(interaction, poll)
        if poll.best_slot <= self.bot.clock.now():
            raise UserError("That time has already passed; use `/event create` with a new time.")
        if not await self.events.claim_findtime(poll.id):
            raise UserError("An event was already created from this poll.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            event = await self._create_event(interaction, poll)
        except Exception:
            await self.events.finish_findtime(poll.id, None)  # let someone try again
            raise
        await self.events.finish_findtime(poll.id, event.id)
        if interaction.message is not None:
            try:
                await interaction.message.edit(view=findtime_view(poll.id, disabled=True))
            except discord.HTTPException as exc:
                log.warning("find-time %s button disable failed: %s", poll.id, exc)

    async def _require_organiser(self, interaction: HuddleInteraction, poll: FindTime) -> None:
        if not await self.service.may_organise(interaction, poll.created_by, poll.group_id):
            raise NotAllowed(
                "Only the poll's creator, its group's leaders or a manager can create the event."
            )

    async def _create_event(self, interaction: HuddleInteraction, poll: FindTime) -> Event:
        start = float(poll.best_slot or 0)
        group = await groups.get_group(self.bot.store, poll.group_id) if poll.group_id else None
        guild = interaction.guild
        place = self.service.place_for(guild, None, group) if guild else None
        draft = EventDraft(
            guild_id=poll.guild_id, group_id=poll.group_id, title=poll.title, description="",
            location=place.location if place else "", voice_channel_id=place.voice_channel_id if place else None,
            start_at=start, end_at=start + 3600, timezone=poll.timezone, repeat="none",
            rrule=rule_for("none", to_local(start, poll.timezone)),
            remind=await self.service.remind_offsets(poll.guild_id, None), capacity=None,
            channel_id=poll.channel_id, created_by=poll.created_by,
        )  # fmt: skip
        event, notes = await self.service.publish(guild, draft)  # type: ignore[arg-type]
        suited = await self._tell_who_picked_it(poll, event)
        text = f"Created **{event.title}** from the poll: {event.link()}"
        were = "was" if suited == 1 else "were"
        told = (
            f"\n{plural(suited, 'member')} who picked this time {were} asked to answer."
            if suited
            else ""
        )
        await interaction.followup.send("\n".join([text + told, *notes]), ephemeral=True)
        return event

    async def _tell_who_picked_it(self, poll: FindTime, event: Event) -> int:
        """The members who said the winning slot suits them are asked, by DM (paced like
        every bulk DM), to answer on the event (their reaction is not an RSVP); those whose
        DMs are closed are named in the event's channel without a ping (reminders are
        the bot's only pings). Returns how many; 0 when the poll's message can't be read."""
        try:
            voters = await self.read_voters(poll)
        except discord.HTTPException as exc:
            log.info("find-time %s: could not read who picked the slot: %s", poll.id, exc)
            return 0
        index = poll.slots.index(poll.best_slot) if poll.best_slot in poll.slots else None
        picked = sorted(voters[index]) if index is not None else []
        title = discord.utils.escape_markdown(clip(event.title, 100))
        text = (
            f"📅 **{title}** is now an event at the time you picked ({ts(event.start_at, 'F')})."
            f" Press **Going**, **Maybe** or **Can't** on it: {event.link()}\n"
        )
        closed = [user for user in picked if not await notify.dm(self.bot, user, text)]
        if closed:
            named = ", ".join(f"<@{user}>" for user in closed[:90])
            more = f" +{len(closed) - 90} more" if len(closed) > 90 else ""
            await notify.post(self.bot, event.channel_id, f"{text}{named}{more}")
        return len(picked)

"""Who came (docs/rules.md): voice presence and the **I'm here** button, taken at the end of
each occurrence of a group event.

- Voice: every member's stay in a voice channel is a row (`voice_sessions`), written from
  VOICE_STATE_UPDATE (the non-privileged `voice_states` intent). At start (and on every
  GUILD_CREATE) the open stays are reconciled with the voice states Discord sent: a stay
  that began before a restart and still goes on keeps its start, so it still counts.
- At the end of an occurrence of a group event in a voice channel, members whose stays
  there add up to 10 minutes during it are marked as having come.
- **I'm here** (from 30 minutes before the start to the end) marks anyone else.
- The occurrence's record (who had said Going, how many came) is kept per occurrence, so
  a series, whose answers start afresh for the next meeting, still shows the last one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from cogs.events import logic
from cogs.events.models import EndedOccurrence, Event, Person
from cogs.events.store_attendance import AttendanceStore
from core.components import HuddleInteraction
from core.errors import NotFound, UserError

if TYPE_CHECKING:
    from cogs.events.service import EventService

log = logging.getLogger(__name__)

KEEP_STAYS = 8 * 86400  # stays that ended longer ago can't matter (events last ≤ 7 days)


class Attendance:
    def __init__(self, service: EventService) -> None:
        self.service = service
        self.bot = service.bot
        self.store = AttendanceStore(service.bot.store)
        # Voice updates and the start-up reconcile touch the same rows: one at a time.
        self._lock = asyncio.Lock()

    # -- voice presence -------------------------------------------------------------------

    async def voice_changed(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.bot:
            return
        was = before.channel.id if before.channel else None
        now_in = after.channel.id if after.channel else None
        if was == now_in:
            return  # muted, deafened, streaming: the same stay
        async with self._lock:
            await self.store.moved(member.guild.id, member.id, now_in, self.bot.clock.now())

    async def reconcile(self, guild: discord.Guild) -> None:
        """Open stays ← the voice states discord.py holds from GUILD_CREATE."""
        me = self.bot.user.id if self.bot.user else 0
        present = {
            user_id: channel.id
            for channel in (*guild.voice_channels, *guild.stage_channels)
            for user_id in channel.voice_states
            if user_id != me and not _is_bot(guild, user_id)
        }
        now = self.bot.clock.now()
        async with self._lock:
            changed = await self.store.reconcile(guild.id, present, now)
            await self.store.prune(now - KEEP_STAYS)
        if changed:
            log.info("guild %s: %s voice stays reconciled with Discord's", guild.id, changed)

    # -- the I'm here button --------------------------------------------------------------

    async def press_here(self, interaction: HuddleInteraction, event_id: int) -> None:
        service = self.service
        event = await service.events.get(event_id)
        if event is None:
            raise NotFound("This event no longer exists.")
        await service.require_may_see(interaction, event)
        await service.check_member(interaction, event)
        if event.status == "cancelled":
            raise UserError(f"**{event.title}** was cancelled.")
        problem = logic.here_window_problem(event.start_at, event.end_at, self.bot.clock.now())
        if problem or event.status != "scheduled":
            raise UserError(problem or "This event is over; **I'm here** works until its end.")
        name = getattr(interaction.user, "display_name", interaction.user.name)
        added = await self.store.mark(
            event.id, event.start_at, [(interaction.user.id, name)], "button",
            self.bot.clock.now(),
        )  # fmt: skip
        title = discord.utils.escape_markdown(event.title)
        text = (
            f"Marked: you came to **{title}**."
            if added
            else f"You're already marked as having come to **{title}**."
        )
        await interaction.response.send_message(text, ephemeral=True)

    # -- the end of an occurrence ---------------------------------------------------------

    async def take(self, event: Event) -> None:
        """The occurrence of a group event ended: who came by voice is marked, and the
        occurrence's record written (once: a retried end job changes nothing)."""
        if event.group_id is None:
            return
        now = self.bot.clock.now()
        rsvps = await self.service.events.rsvps(event.id)
        names = {r.user_id: r.display_name for r in rsvps}
        voice = event.voice_channel_id
        if voice:
            stays = await self.store.stays(voice, event.start_at, event.end_at)
            came = logic.came_by_voice(stays, event.start_at, event.end_at, now)
            people = [(u, names.get(u) or self._name(event.guild_id, u)) for u in came]
            await self.store.mark(event.id, event.start_at, people, "voice", now)
        came_list = await self.store.came(event.id, event.start_at)
        known = bool(voice) or bool(came_list)
        going: list[Person] = [(r.user_id, r.display_name) for r in rsvps if r.status == "going"]
        await self.store.record_end(
            event.id, event.start_at, event.title, going, len(rsvps),
            len(came_list) if known else None, now,
        )  # fmt: skip

    async def last_ended(self, event: Event) -> EndedOccurrence | None:
        if event.group_id is None:
            return None
        return await self.store.last_ended(event.id)

    def _name(self, guild_id: int, user_id: int) -> str:
        guild = self.bot.get_guild(guild_id)
        member = guild.get_member(user_id) if guild else None
        return member.display_name if member else ""


def _is_bot(guild: discord.Guild, user_id: int) -> bool:
    member = guild.get_member(user_id)
    return bool(member and member.bot)

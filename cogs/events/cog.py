"""The Discord adapter for events: registers the `/event …` commands (commands.py, their
autocomplete in choices.py), jobs, buttons, settings and calendar feeds, and listens to
reactions (find-a-time) and voice (attendance)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from cogs.events.commands import EventCommands
from cogs.events.feed_web import OWNER, CalendarFeed
from cogs.events.findtime import FindTimeFlow
from cogs.events.jobs import register_jobs, schedule_cleanup_once, unregister_jobs
from cogs.events.nudges import EventNudges
from cogs.events.service import EventService
from cogs.events.views import FEATURE, EventButtons
from core.config import SettingSpec, yes_no

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

SETTINGS = (
    SettingSpec("events", "reminders.defaults", "Default event reminders", "1h"),
    SettingSpec("events", "reminders.dm", "Also DM event reminders", False, yes_no),
    SettingSpec("events", "reminders.maybe", "Remind members who answered Maybe", False, yes_no),
)


class EventsCog(commands.Cog, name="Events"):
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.service = EventService(bot)
        # Not `self.findtime`: that name is the `/event findtime` command method.
        self.findtime_flow = FindTimeFlow(self.service)
        self.feed = CalendarFeed(bot)
        self.nudges = EventNudges(self.service)
        self.event_commands = EventCommands(
            bot, self.service, self.findtime_flow, self.feed, self.nudges
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.event_commands)
        for spec in SETTINGS:
            self.bot.config.register(spec)
        register_jobs(self.service, self.findtime_flow)
        EventButtons(self.service, self.findtime_flow).register(self.bot.components)
        self.service.events.on_findtime_change = self._hear_reactions
        # Know the open ones before the first reaction: a burst would otherwise start a
        # listener task for each of its reactions until the first read is back.
        await self.service.events.is_open_findtime_message(0)
        if not self.service.events.knows_no_open_findtime():
            self._hear_reactions()
        await schedule_cleanup_once(self.service)
        self.bot.web.add_routes(OWNER, self.feed.routes())  # the calendar feeds
        self.nudges.register()
        if self.bot.is_ready():  # a reload: GUILD_CREATE came before this cog was here
            for guild in self.bot.guilds:
                await self.service.attendance.reconcile(guild)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.event_commands.name)
        self.bot.web.remove_routes(OWNER)
        self.bot.config.unregister(*SETTINGS)
        unregister_jobs(self.bot)
        self.nudges.unregister()
        self.bot.components.remove_feature(FEATURE)
        self.service.events.on_findtime_change = None
        self.bot.remove_listener(self.on_raw_reaction_add, "on_raw_reaction_add")
        self._hearing = False

    # -- reactions: only while a find-a-time poll may be open ------------------------------
    # discord.py starts a task per listener per event: a server's every reaction (each
    # poll vote) would pay one here for nothing. So the listener is on while a find-a-time
    # poll may be open (from start-up if one is, and again at any change to them) and
    # takes itself off when it knows, at that moment, that none is.

    _hearing = False

    def _hear_reactions(self) -> None:
        if not self._hearing:
            self._hearing = True
            self.bot.add_listener(self.on_raw_reaction_add, "on_raw_reaction_add")

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.findtime_flow.on_reaction(payload)
        if self._hearing and self.service.events.knows_no_open_findtime():
            self._hearing = False
            self.bot.remove_listener(self.on_raw_reaction_add, "on_raw_reaction_add")

    # -- voice presence: who came (attendance.py) -----------------------------------------

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        await self.service.attendance.voice_changed(member, before, after)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.service.attendance.reconcile(guild)

"""The Discord adapter for polls: the `/poll` commands, the reaction listeners, the
close job (jobs.py) and start-up reconcile.

Reactions on a closed poll are left alone (they stay as a record) and are not counted.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands
from discord.message import convert_emoji_reaction

from cogs.polls.commands import PollCommands
from cogs.polls.jobs import PollJobs
from cogs.polls.nudges import PollNudges
from cogs.polls.runtime import ReactionEvent
from cogs.polls.service import PollService

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


class PollsCog(commands.Cog, name="Polls"):
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.service = PollService(bot)
        self.nudges = PollNudges(self.service)
        self.poll_commands = PollCommands(bot, self.service, self.nudges)
        self.jobs = PollJobs(self.service)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.poll_commands)
        self.jobs.register()
        self.nudges.register()
        self.bot.config.feature_listeners.append(self.service.feature_switched)
        await self.service.load()
        self.service.spawn(self.service.startup(), name="huddle-poll-startup")

    async def cog_unload(self) -> None:
        """Undo cog_load: the commands, the job handlers, the background work."""
        self.bot.tree.remove_command(self.poll_commands.name)
        self.jobs.unregister()
        self.nudges.unregister()
        self.bot.config.feature_listeners.remove(self.service.feature_switched)
        await self.service.stop()

    # -- reactions ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self._submit(payload, added=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self._submit(payload, added=False)

    def _submit(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        """The hot path: a dict lookup for a message that is no open poll, else one tuple
        queued (the engine applies and commits queued events in batches)."""
        engine = self.service.engine
        if engine.for_message(payload.message_id) is None:
            return
        emoji = payload.emoji
        engine.submit(
            ReactionEvent(
                payload.message_id,
                payload.user_id,
                emoji.name if emoji.id is None else convert_emoji_reaction(emoji),
                added,
            )
        )

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self._message_gone(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        for message_id in payload.message_ids:
            self._message_gone(message_id)

    def _message_gone(self, message_id: int) -> None:
        runtime = self.service.engine.for_message(message_id)
        if runtime is not None:
            self.service.spawn(
                self.service.close(runtime.poll.id, message_gone=True),
                name=f"huddle-poll-deleted-{runtime.poll.id}",
            )

"""HuddleBot: opens the store, runs migrations, loads the features, starts the scheduler,
syncs application commands only when they changed, and answers errors centrally."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from core import fit, lengths
from core.clock import Clock
from core.components import ComponentRouter, RoutedButton
from core.config import GuildConfig, UserPrefs
from core.errors import FeatureUnavailable, UserError
from core.health import ops_routes
from core.memory import freeze_startup_objects
from core.metrics import Metrics, install_rest_metrics
from core.pacing import GLOBAL_BURST, GLOBAL_RATE_PER_SECOND, Pacer, install_global_limit
from core.scheduler import Job, Scheduler
from core.settings import Settings
from core.store import Store
from core.ui import NO_PINGS, reply
from core.watchdog import LoopWatchdog
from core.web import WebServer

log = logging.getLogger(__name__)

COGS_DIR = Path(__file__).resolve().parent.parent / "cogs"


def feature_extensions() -> list[str]:
    """Every package under cogs/ is an extension (admin first, then alphabetical)."""
    names = sorted(m.name for m in pkgutil.iter_modules([str(COGS_DIR)]) if m.ispkg)
    names.sort(key=lambda n: n != "admin")
    return [f"cogs.{n}" for n in names]


def point_at_api(api_base: str | None, gateway_url: str | None) -> None:
    """Talk to a Discord-compatible server (the emulator) instead of Discord."""
    if not api_base or not gateway_url:
        return
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class HuddleTree(app_commands.CommandTree):
    def add_command(self, command: Any, /, **options: Any) -> None:
        # every string option gets its max_length here, also when a feature is reloaded
        lengths.declare([command])
        super().add_command(command, **options)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse an option longer than its limit before any parser reads it; an
        autocomplete gets no suggestions (there is no message to show it)."""
        # When the command began, for the latency histogram (huddle_command_seconds).
        interaction.extras["huddle_started"] = time.perf_counter()
        overlong = lengths.too_long(interaction.data or {}, lambda: interaction.command)
        if overlong is None:
            return True
        log.info(
            "refused overlong option %s (%d > %d) from user %s",
            overlong.option,
            overlong.length,
            overlong.limit,
            interaction.user.id,
        )
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            else:
                await reply(interaction, overlong.refusal, ephemeral=True)
                interaction.client.count_command(interaction, "refused")  # type: ignore[attr-defined]
        except discord.HTTPException:
            log.warning("could not refuse overlong option in interaction %s", interaction.id)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await self.client.handle_interaction_error(interaction, error)  # type: ignore[attr-defined]


class HuddleBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        extensions: list[str] | None = None,
        **options: Any,
    ) -> None:
        intents = discord.Intents.default()  # no privileged intents: no members, no content
        # Who came to a voice meeting (cogs/events/attendance.py): VOICE_STATE_UPDATE and
        # the voice states in GUILD_CREATE. Not privileged (it is in the default set; said
        # here so it stays on whatever the default becomes).
        intents.voice_states = True
        # Huddle never joins voice: don't warn self-hosters about voice libraries at each start.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # Every REST call (but interaction answers) waits for a token of the global limit
        # before it leaves, through discord.py's public `http_trace` option (core.pacing).
        # Tests that burst many calls against the unlimited emulator swap it like dm_pacer.
        self.global_pacer = Pacer(GLOBAL_RATE_PER_SECOND, GLOBAL_BURST)
        self.metrics = Metrics()  # this bot's Prometheus series (core/metrics.py)
        options["http_trace"] = install_global_limit(
            options.get("http_trace") or aiohttp.TraceConfig(),
            lambda: self.global_pacer,
            lambda: discord.http.Route.BASE,
        )
        install_rest_metrics(options["http_trace"], self.metrics, lambda: discord.http.Route.BASE)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=NO_PINGS,
            # Huddle reads every message it needs from the payloads (raw reaction events,
            # interactions) or fetches it: a message cache would only make discord.py update
            # a cached poll's reactions and dispatch a second event on every vote.
            max_messages=None,
            tree_cls=HuddleTree,
            help_command=None,
            **options,
        )
        point_at_api(settings.api_base, settings.gateway_url)
        self.settings = settings
        self.clock = clock or Clock()
        self.store = Store(settings.database_path)
        self.config = GuildConfig(self.store)
        self.prefs = UserPrefs(self.store)
        self.scheduler = Scheduler(self.store, self.clock)
        self.scheduler.on_dead = self._job_gave_up
        # One rule for every feature's jobs: paused while its switch is off.
        self.scheduler.feature_switch = self.config.feature_enabled
        self.config.feature_listeners.append(self.scheduler.feature_switched)
        self.scheduler.on_ran = lambda job, outcome: self.metrics.count_job(job.kind, outcome)
        self.components = ComponentRouter(self)
        # Features add routes in cog_load (see core/web.py); started in setup_hook.
        self.web = WebServer(settings.http_host, settings.http_port, settings.public_url)
        self.dm_pacer = Pacer()  # every bulk DM and mention fan-out goes through it
        self.extensions_to_load = extensions if extensions is not None else feature_extensions()
        self.synced_commands = False
        # gc.freeze() at the first ready (core/memory.py): bot.py asks for it; tests, which
        # start hundreds of bots in one process, don't (frozen cycles would never be freed).
        self.freeze_gc_when_ready = False
        self._frozen = False
        self.watchdog: LoopWatchdog | None = None

    # -- start-up ---------------------------------------------------------------------

    async def on_ready(self) -> None:
        if self.freeze_gc_when_ready and not self._frozen:
            self._frozen = True
            await self.store.execute("PRAGMA shrink_memory")
            freeze_startup_objects()

    async def setup_hook(self) -> None:
        await self.store.open()
        # One DynamicItem and one modal listener route every persistent component.
        self.add_dynamic_items(RoutedButton)
        self.add_listener(self.components.on_interaction, "on_interaction")
        for name in self.extensions_to_load:
            await self.load_extension(name)
        # A step holding the loop over 100 ms is logged with what ran (core.watchdog); from
        # here, not earlier: importing the extensions holds it ~0.5 s before Discord is even
        # connected, which nobody waits on and which would be logged at every start.
        self.watchdog = LoopWatchdog(asyncio.get_running_loop())
        self.watchdog.start()
        await self.sync_commands_if_changed()
        self.scheduler.start(gate=self.wait_until_ready)
        self.web.add_routes("core", ops_routes(self))
        self.metrics.start_lag_probe()
        await self.web.start()
        log.info("Huddle ready to connect: %d extensions", len(self.extensions_to_load))

    def command_tree_hash(self) -> str:
        payload = sorted(
            (c.to_dict(self.tree) for c in self.tree.get_commands()),
            key=lambda c: (c.get("type", 1), c["name"]),
        )
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_commands_if_changed(self) -> bool:
        """Sync only when the tree differs from the last synced one; saves rate limits."""
        guild_id = self.settings.dev_guild_id
        meta_key = f"command_hash:{guild_id or 'global'}"
        current = self.command_tree_hash()
        stored = await self.store.fetchval("SELECT value FROM meta WHERE key = ?", (meta_key,))
        if stored == current:
            log.info("application commands unchanged; not syncing")
            return False
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()
        await self.store.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (meta_key, current),
        )
        self.synced_commands = True
        log.info("application commands synced (%s)", f"guild {guild_id}" if guild_id else "global")
        return True

    async def close(self) -> None:
        await self.web.stop()
        await self.metrics.stop_lag_probe()
        if self.watchdog is not None:
            self.watchdog.stop()
        await self.scheduler.stop()
        await super().close()
        await self.store.close()

    # -- commands answered (metrics) ---------------------------------------------------

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command | Any
    ) -> None:
        self.count_command(interaction, "ok")

    def count_command(self, interaction: discord.Interaction, outcome: str) -> None:
        command = interaction.command
        if command is None:
            return  # a button or a modal: not a command
        started = interaction.extras.get("huddle_started")
        seconds = None if started is None else time.perf_counter() - started
        self.metrics.count_command(command.qualified_name, outcome, seconds)

    # -- errors -----------------------------------------------------------------------

    async def handle_interaction_error(
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        """Known errors become a plain ephemeral reply; anything else is logged with a
        reference the admin can find, and the user gets a short apology."""
        original = getattr(error, "original", error)
        known = (UserError, app_commands.TransformerError, app_commands.CheckFailure)
        self.count_command(interaction, "refused" if isinstance(original, known) else "error")
        if isinstance(original, UserError):
            message = original.message
        elif isinstance(original, app_commands.TransformerError):
            shown = fit.code(str(original.value))
            message = f"I couldn't use {shown} there. Pick it from the list Discord offers."
        elif isinstance(original, app_commands.CheckFailure):
            message = str(original) or "You can't use this command here."
        elif isinstance(original, discord.Forbidden) and original.code == 50013:
            message = (
                "Discord refused: I'm missing a permission for that in this channel or server. "
                "Ask an admin to check my role's permissions."
            )
        else:
            ref = uuid.uuid4().hex[:8]
            command = interaction.command.qualified_name if interaction.command else "component"
            log.error(
                "unexpected error ref=%s command=%s guild=%s user=%s",
                ref,
                command,
                interaction.guild_id,
                interaction.user.id,
                exc_info=original,
            )
            message = f"Sorry, something went wrong on my side (reference `{ref}`)."
        try:
            # the messages quote user text clipped (core.fit.code); this is the backstop
            await reply(interaction, fit.clip(message, fit.CONTENT), ephemeral=True)
        except discord.HTTPException:
            log.warning("could not deliver an error reply to interaction %s", interaction.id)

    # -- helpers for features -----------------------------------------------------------

    def feature_cog(self, feature: str) -> commands.Cog:
        """The loaded cog of a feature. Every feature cog is named after its feature
        (`name="Groups"`, `"Checkins"`, `"Polls"`, `"Events"`, …): the one lookup scheme."""
        cog = self.get_cog(feature.capitalize())
        if cog is None:
            raise FeatureUnavailable(feature)
        return cog

    async def _job_gave_up(self, job: Job, error: str) -> None:
        """Scheduled work that failed for good surfaces in the audit channel."""
        if job.guild_id is None:
            return
        await self.audit(
            job.guild_id,
            f"Scheduled work failed for good: `{job.kind}` (job {job.id}) gave up after"
            f" {job.attempts} attempts. Last error: {error[:300]}",
        )

    async def audit(self, guild_id: int, text: str) -> None:
        """One line in the server's audit-log channel, if one is set. Never raises."""
        channel_id = await self.config.get(guild_id, "log_channel")
        if not channel_id:
            return
        try:
            await self.get_partial_messageable(int(channel_id)).send(
                text, allowed_mentions=NO_PINGS
            )
        except discord.HTTPException as exc:
            log.warning("audit line to %s failed: %s", channel_id, exc)

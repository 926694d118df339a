"""`/insights group|server|export` and the Monday digest's job.

Thin: who may ask (leaders of the group, community managers, admins; an outsider gets
the very reply a missing group gets), then figures through `gather`, rules and texts in
`logic`, pictures drawn off the loop by `charts.render`. Every answer is ephemeral:
a group's figures are private to those who may see them.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.groups import api as groups
from cogs.insights import charts, logic
from cogs.insights.gather import guild_figures, server_zone
from cogs.insights.jobs import CHANNEL_KEY, DigestJobs
from core.checks import FeatureGroup, guild_id_of, require_manager
from core.config import SettingSpec, channel_mention
from core.errors import UserError
from core.ui import EMBED_COLOUR, plural, reply

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

MIN_WEEKS, MAX_WEEKS = 1, 52
SETTINGS = (SettingSpec("insights", CHANNEL_KEY, "Monday digest channel", None, channel_mention),)


def checked_weeks(weeks: int | None) -> int:
    if weeks is None:
        return logic.DEFAULT_WEEKS
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise UserError(f"`weeks` must be between {MIN_WEEKS} and {MAX_WEEKS} (you gave {weeks}).")
    return weeks


def summary_embed(summary: logic.Summary, image: str | None) -> discord.Embed:
    """The text figures beside a picture (logic fitted every part to Discord's limits)."""
    embed = discord.Embed(title=summary.title, description=summary.description, colour=EMBED_COLOUR)
    for name, value in summary.fields:
        embed.add_field(name=name, value=value, inline=False)
    if image:
        embed.set_image(url=f"attachment://{image}")
    return embed


class InsightsCommands(FeatureGroup, name="insights", description="Groups' health as pictures"):
    feature_name = "insights"

    def __init__(self, bot: HuddleBot) -> None:
        super().__init__(guild_only=True)
        self.bot = bot

    @app_commands.command(name="group", description="A group over the last weeks, as a picture")
    @app_commands.describe(group="The group", weeks="How many weeks back (1–52, default 12)")
    @app_commands.autocomplete(group=groups.group_autocomplete("leader"))
    async def group(
        self, interaction: discord.Interaction, group: str, weeks: int | None = None
    ) -> None:
        guild_id = guild_id_of(interaction)
        weeks = checked_weeks(weeks)
        found = await groups.group_for(interaction, group, "lead", "see its insights")
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = int(self.bot.clock.now())
        tz = await server_zone(self.bot, guild_id)
        (fig,) = await guild_figures(self.bot, guild_id, now, weeks, only=found)
        picture = logic.group_picture(fig, now, weeks, tz)
        png = await charts.render(charts.draw_group, picture)
        embed = summary_embed(logic.group_summary(fig, now, weeks, tz), "insights-group.png")
        alt = logic.group_alt(picture)
        await reply(
            interaction,
            embed=embed,
            file=discord.File(io.BytesIO(png), filename="insights-group.png", description=alt),
        )

    @app_commands.command(name="server", description="Every group side by side (managers)")
    @app_commands.describe(weeks="How many weeks back (1–52, default 12)")
    async def server(self, interaction: discord.Interaction, weeks: int | None = None) -> None:
        guild_id = guild_id_of(interaction)
        await require_manager(interaction)
        weeks = checked_weeks(weeks)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = int(self.bot.clock.now())
        rows = logic.server_rows(await guild_figures(self.bot, guild_id, now, weeks), now, weeks)
        png = await charts.render(charts.draw_server, rows, now, weeks)
        embed = summary_embed(logic.server_summary(rows, now, weeks), "insights-server.png")
        alt = logic.server_alt(rows, now, weeks)
        await reply(
            interaction,
            embed=embed,
            file=discord.File(io.BytesIO(png), filename="insights-server.png", description=alt),
        )

    @app_commands.command(name="export", description="The figures as a CSV file (managers)")
    @app_commands.describe(group="Only this group (default: every group)")
    @app_commands.autocomplete(group=groups.group_autocomplete("member"))
    async def export(self, interaction: discord.Interaction, group: str | None = None) -> None:
        guild_id = guild_id_of(interaction)
        await require_manager(interaction)
        found = await groups.resolve_group(self.bot.store, guild_id, group) if group else None
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = int(self.bot.clock.now())
        tz = await server_zone(self.bot, guild_id)
        weeks = logic.DEFAULT_WEEKS
        figures = await guild_figures(self.bot, guild_id, now, weeks, only=found)
        text = logic.export_csv(figures, now, weeks, tz)
        what = f"**{found.name}**" if found else plural(len(figures), "group")
        await reply(
            interaction,
            f"Insights of {what} over the last {plural(weeks, 'week')}, as CSV.",
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename="insights.csv"),
        )


class InsightsCog(commands.Cog, name="Insights"):
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.commands_group = InsightsCommands(bot)
        self.digest = DigestJobs(bot)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.commands_group)
        for spec in SETTINGS:
            self.bot.config.register(spec)
        self.digest.register()
        for guild in self.bot.guilds:  # a reload while connected
            await self.digest.ensure(guild.id)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.commands_group.name)
        self.bot.config.unregister(*SETTINGS)
        self.digest.unregister()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.digest.ensure(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.digest.ensure(guild.id)

    @commands.Cog.listener()
    async def on_insights_digest_changed(self, guild_id: int) -> None:
        """`/config insights` changed the channel (admin cog): make sure a job exists."""
        await self.digest.ensure(guild_id)

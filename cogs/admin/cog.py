"""`/config …` (admins only, checked in the bot too) and `/help` (everyone)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.admin import logic
from cogs.admin.help import help_embed
from cogs.groups import api as groups
from core.checks import guild_id_of, is_admin
from core.config import FEATURES
from core.errors import NotAllowed, UserError
from core.timeparse import get_zone, suggest_zones
from core.ui import EMBED_COLOUR, reply

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


class CategoryOption(app_commands.Transformer):
    """A category picked in the client, taken by id: the bot may not have it cached yet
    (the built-in CategoryChannel conversion fails then)."""

    kinds: tuple[discord.ChannelType, ...] = (discord.ChannelType.category,)

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return list(self.kinds)

    async def transform(self, interaction: discord.Interaction, value: object) -> object:
        return value


class TextChannelOption(CategoryOption):
    """A text channel picked in the client, taken by id (cached or not)."""

    kinds = (discord.ChannelType.text, discord.ChannelType.news)


FEATURE_CHOICES = [app_commands.Choice(name=logic.FEATURE_LABELS[f], value=f) for f in FEATURES]
CREATION_CHOICES = [app_commands.Choice(name=p, value=p) for p in logic.CREATION_POLICIES]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ConfigCommands(app_commands.Group, name="config", description="Configure Huddle (admins)"):
    def __init__(self, bot: HuddleBot) -> None:
        super().__init__()
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        guild_id_of(interaction)  # refuses DMs
        if not is_admin(interaction.user):
            raise NotAllowed("Only admins (Manage Server) can change Huddle's configuration.")
        return True

    @app_commands.command(name="show", description="Show every Huddle setting for this server")
    async def show(self, interaction: discord.Interaction) -> None:
        await reply(interaction, embed=await self._settings_embed(guild_id_of(interaction)))

    async def _settings_embed(self, guild_id: int) -> discord.Embed:
        values = await self.bot.config.all(guild_id)
        enabled = {f: bool(values.get(f"feature.{f}", True)) for f in FEATURES}
        embed = discord.Embed(title="Huddle settings", colour=EMBED_COLOUR)
        embed.add_field(name="Features", value=logic.feature_lines(enabled), inline=False)
        sections = logic.settings_lines(self.bot.config.specs.values(), values)
        for feature in ("core", *FEATURES):
            lines = sections.get(feature)
            if lines:
                title = "Server" if feature == "core" else logic.FEATURE_LABELS[feature]
                embed.add_field(name=title, value="\n".join(lines), inline=False)
        return embed

    @app_commands.command(name="feature", description="Turn a feature on or off for this server")
    @app_commands.describe(feature="groups, checkins, polls or events", enabled="on or off")
    @app_commands.choices(feature=FEATURE_CHOICES)
    async def feature(
        self, interaction: discord.Interaction, feature: app_commands.Choice[str], enabled: bool
    ) -> None:
        await self.bot.config.set_feature(guild_id_of(interaction), feature.value, enabled)
        state = "on" if enabled else "**off**"
        await reply(interaction, f"{logic.FEATURE_LABELS[feature.value]} are now {state} here.")

    @app_commands.command(name="manager-role", description="Set the community-manager role")
    @app_commands.describe(role="Members with this role guide and manage every group")
    async def manager_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        group_name = await groups.group_name_of_role(
            self.bot.store, guild_id_of(interaction), role.id
        )
        problem = logic.manager_role_problem(
            role.name,
            everyone=role.is_default(),
            managed=role.managed or role.is_bot_managed() or role.is_integration(),
            group_name=group_name,
        )
        if problem:
            raise UserError(problem)
        await self.bot.config.set(guild_id_of(interaction), "manager_role", role.id)
        await reply(interaction, f"Community managers are now members with {role.mention}.")

    @app_commands.command(name="groups", description="Group settings: who creates, sizes, category")
    @app_commands.describe(
        category="Category new group channels go under",
        creation="Who may create groups",
        creator_role="The role allowed to create groups when creation is 'role'",
        approval="Whether new groups need a community manager's approval",
        max_size="Default and maximum number of members per group",
        max_per_member="How many groups one member may join",
    )
    @app_commands.choices(creation=CREATION_CHOICES)
    async def groups(
        self,
        interaction: discord.Interaction,
        category: app_commands.Transform[discord.abc.Snowflake, CategoryOption] | None = None,
        creation: app_commands.Choice[str] | None = None,
        creator_role: discord.Role | None = None,
        approval: bool | None = None,
        max_size: app_commands.Range[int, 2, 1000] | None = None,
        max_per_member: app_commands.Range[int, 1, 100] | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        creation_value = creation.value if creation else None
        current_role = await self.bot.config.get(guild_id, "groups.creator_role")
        logic.validate_creation(
            creation_value, creator_role.id if creator_role else None, current_role
        )
        logic.validate_group_limits(max_size, max_per_member)
        changes = {
            "groups.category": category.id if category else None,
            "groups.creation": creation_value,
            "groups.creator_role": creator_role.id if creator_role else None,
            "groups.approval": approval,
            "groups.max_size": max_size,
            "groups.max_per_member": max_per_member,
        }
        await self._apply(interaction, changes)

    @app_commands.command(name="timezone", description="Set the server's default time zone")
    @app_commands.describe(zone="An IANA time zone such as Europe/Berlin")
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        tz = get_zone(zone)
        await self.bot.config.set(guild_id_of(interaction), "timezone", tz.key)
        await reply(interaction, f"The server's time zone is now **{tz.key}**.")

    @timezone.autocomplete("zone")
    async def _zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_zones(current)]

    @app_commands.command(name="log-channel", description="Where Huddle posts its audit lines")
    @app_commands.describe(channel="Text channel for group, poll and event audit lines")
    async def log_channel(
        self,
        interaction: discord.Interaction,
        channel: app_commands.Transform[discord.abc.Snowflake, TextChannelOption],
    ) -> None:
        await self._require_staff_only(interaction, channel.id, "The audit log")
        await self.bot.config.set(guild_id_of(interaction), "log_channel", channel.id)
        await reply(interaction, f"Audit lines now go to <#{channel.id}>.")

    @app_commands.command(name="reminders", description="Default event reminders")
    @app_commands.describe(
        defaults="Offsets before an event, like 1d,1h",
        dm="Also send reminders by DM",
        include_maybe="Remind members who answered Maybe too",
    )
    async def reminders(
        self,
        interaction: discord.Interaction,
        defaults: str | None = None,
        dm: bool | None = None,
        include_maybe: bool | None = None,
    ) -> None:
        normalised = logic.validate_reminder_offsets(defaults) if defaults is not None else None
        changes = {
            "reminders.defaults": normalised,
            "reminders.dm": dm,
            "reminders.maybe": include_maybe,
        }
        await self._apply(interaction, changes)

    @app_commands.command(name="insights", description="Insights: the Monday digest channel")
    @app_commands.describe(
        digest_channel="Where the server picture and groups needing attention go every Monday",
        digest="Turn the Monday digest off (false) or keep it (true)",
    )
    async def insights(
        self,
        interaction: discord.Interaction,
        digest_channel: app_commands.Transform[discord.abc.Snowflake, TextChannelOption]
        | None = None,
        digest: bool | None = None,
    ) -> None:
        channel_id = 0 if digest is False else (digest_channel.id if digest_channel else None)
        if channel_id:
            await self._require_staff_only(interaction, channel_id, "The Monday digest")
        await self._apply(interaction, {"insights.digest_channel": channel_id})
        self.bot.dispatch("insights_digest_changed", guild_id_of(interaction))

    async def _require_staff_only(
        self, interaction: discord.Interaction, channel_id: int, purpose: str
    ) -> None:
        """Refuse a channel members other than managers and admins can read: the log and
        the digest name groups' polls, events and figures."""
        guild = interaction.guild
        assert guild is not None
        channel: discord.abc.GuildChannel | discord.Thread | None = guild.get_channel(channel_id)
        if channel is None:
            try:
                channel = await guild.fetch_channel(channel_id)
            except discord.HTTPException:
                raise UserError("I can't see that channel; pick one I can read.") from None
        manager = await self.bot.config.get(guild.id, "manager_role")
        readers = [
            "@everyone" if role.is_default() else role.name
            for role in guild.roles
            if role.id != manager
            and not (role.managed or role.permissions.administrator)
            and not role.permissions.manage_guild
            and channel.permissions_for(role).view_channel
        ]
        # A thread has no overwrites of its own: who reads it is its parent's business.
        overwrites = {} if isinstance(channel, discord.Thread) else channel.overwrites
        by_hand = len(  # members given access by hand, but managers and admins
            [
                target
                for target, overwrite in overwrites.items()
                if not isinstance(target, discord.Role)
                and overwrite.view_channel
                and target.id != guild.me.id
                and not (
                    isinstance(target, discord.Member)
                    and (is_admin(target) or any(r.id == manager for r in target.roles))
                )
            ]
        )
        problem = logic.readers_problem(purpose, readers, by_hand)
        if problem:
            raise UserError(problem)

    async def _apply(self, interaction: discord.Interaction, changes: Mapping[str, object]) -> None:
        """Store the options that were given; with none, show the current values."""
        guild_id = guild_id_of(interaction)
        given = {k: v for k, v in changes.items() if v is not None}
        for key, value in given.items():
            await self.bot.config.set(guild_id, key, value)
        values = await self.bot.config.all(guild_id)
        lines = [self._setting_line(key, values.get(key)) for key in changes]
        head = "Saved." if given else "Nothing changed; current values:"
        await reply(interaction, head + "\n" + "\n".join(lines))

    def _setting_line(self, key: str, value: object) -> str:
        """Rendered by the owning feature's SettingSpec (features register their own)."""
        spec = self.bot.config.specs.get(key)
        if spec is None:  # the feature's extension is not loaded
            return f"**{key}:** {'—' if value is None else value}"
        return f"**{spec.label}:** {spec.show(value)}"


class AdminCog(commands.Cog, name="Admin"):
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.config_commands = ConfigCommands(bot)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.config_commands)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.config_commands.name)

    @app_commands.command(name="help", description="What Huddle does and how to use it")
    async def help(self, interaction: discord.Interaction) -> None:
        await reply(interaction, embed=help_embed())

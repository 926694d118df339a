"""`/group …`: the Discord adapter. Commands parse options, check who may act, and hand
the work to lifecycle.py (a group's objects) and membership.py (its people)."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.groups import render
from cogs.groups.access import guild_of, require_leader, require_target
from cogs.groups.api import (
    can_see_group,
    group_autocomplete,
    not_found,
    resolve_group,
    viewer_of,
)
from cogs.groups.buttons import FEATURE, GroupButtons
from cogs.groups.jobs import JOB_KINDS, REFRESH_KIND, REQUEST_DM_KIND
from cogs.groups.lifecycle import Lifecycle, NewGroup
from cogs.groups.membership import Membership
from cogs.groups.notices import tell_leaders
from cogs.groups.panel import post_panel, refresh_panels
from cogs.groups.resources import Resources
from cogs.groups.settings import SETTINGS, limits
from cogs.groups.store import GroupRef, GroupStore
from cogs.groups.upkeep import Upkeep
from cogs.groups.views import DeleteConfirm
from core.checks import (
    FeatureGroup,
    any_member,
    guild_id_of,
    is_manager,
    require_member_can_post,
)
from core.components import HuddleInteraction
from core.errors import NotAllowed, UserError
from core.timeparse import suggest_zones
from core.ui import plural, reply, send_pages

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

Visibility = Literal["open", "request", "invite"]


joinable_groups = group_autocomplete("joinable")
my_groups = group_autocomplete("member")
led_groups = group_autocomplete("leader")
any_group = group_autocomplete("all")


async def zones(interaction: HuddleInteraction, current: str):
    return [app_commands.Choice(name=z, value=z) for z in suggest_zones(current)[:25]]


@app_commands.guild_only()
class GroupCommands(FeatureGroup, name="group", description="Micro-community groups"):
    feature_name = "groups"


class GroupsCog(commands.Cog, name="Groups"):
    group = GroupCommands()

    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.store = GroupStore(bot.store)
        self.resources = Resources(bot)
        self.life = Lifecycle(bot, self.store, self.resources)
        self.members = Membership(bot, self.store, self.resources)
        self.upkeep = Upkeep(bot, self.store, self.resources)
        self.buttons = GroupButtons(bot, self.store, self.life, self.members, self.resources)

    async def cog_load(self) -> None:
        for spec in SETTINGS:
            self.bot.config.register(spec)
        self.buttons.register(self.bot.components)
        self.bot.scheduler.register(REFRESH_KIND, partial(refresh_panels, self.bot, self.store))
        self.bot.scheduler.register(REQUEST_DM_KIND, partial(tell_leaders, self.bot, self.store))

    async def cog_unload(self) -> None:
        self.bot.components.remove_feature(FEATURE)
        self.bot.scheduler.unregister(*JOB_KINDS)
        self.bot.config.unregister(*SETTINGS)

    async def resolve(self, interaction: HuddleInteraction, text: str) -> GroupRef:
        return await resolve_group(self.bot.store, guild_id_of(interaction), text)

    # -- listeners: a role or channel deleted by hand breaks its group ---------------

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self.upkeep.object_deleted(role.guild.id, role.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.upkeep.object_deleted(channel.guild.id, channel.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.upkeep.check_guild(guild)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: HuddleInteraction, command: app_commands.Command
    ) -> None:
        if command.qualified_name == "config manager-role" and interaction.guild is not None:
            await self.upkeep.manager_role_changed(interaction.guild)

    # -- everyone --------------------------------------------------------------------

    @group.command(name="create", description="Create a group: a role and a private channel")
    @app_commands.describe(
        name="The group's name (its role gets this name; the channel its slug)",
        description="What the group is about",
        visibility="open: anyone joins; request: leaders approve; invite: leaders invite",
        max_members="Most members, you included (default: the server's maximum)",
        voice="Also make a private voice channel",
        timezone="The group's time zone for check-ins and events (default: the server's)",
    )
    @app_commands.autocomplete(timezone=zones)
    async def create(
        self,
        interaction: HuddleInteraction,
        name: str,
        description: str,
        visibility: Visibility = "open",
        max_members: int | None = None,
        voice: bool = False,
        timezone: str | None = None,
    ) -> None:
        guild, member = guild_of(interaction), any_member(interaction)
        manager = await is_manager(interaction)
        spec = NewGroup(name, description, visibility, max_members, voice, timezone)
        spec = await self.life.validate(guild.id, spec)
        await self.life.may_create(member, manager)
        if not manager and await self.bot.config.get(guild.id, "groups.approval", False):
            text = await self.life.propose(guild, spec, member.id, interaction.channel_id)
            await reply(interaction, text)
            return
        await self.resources.require(guild, "create the group", roles=True, channels=True)
        await interaction.response.defer(ephemeral=True, thinking=True)
        group = await self.life.create(guild, spec, member.id)
        await reply(
            interaction,
            f"Created **{group.name}**: <#{group.channel_id}>. You lead it; bring people in "
            "with `/group invite`, or they can `/group join`.",
        )

    @group.command(name="join", description="Join a group (or ask its leaders)")
    @app_commands.describe(group="The group to join")
    @app_commands.autocomplete(group=joinable_groups)
    async def join(self, interaction: HuddleInteraction, group: str) -> None:
        target = await self.resolve(interaction, group)
        outcome = await self.members.join(guild_of(interaction), interaction.user, target)
        await reply(interaction, outcome.text, view=outcome.view)

    @group.command(name="leave", description="Leave a group")
    @app_commands.describe(group="The group to leave")
    @app_commands.autocomplete(group=my_groups)
    async def leave(self, interaction: HuddleInteraction, group: str) -> None:
        target = await self.resolve(interaction, group)
        await interaction.response.defer(ephemeral=True)  # role, then the waitlist moving up
        text = await self.members.leave(guild_of(interaction), target, interaction.user.id)
        await reply(interaction, text)

    @group.command(name="list", description="Browse the server's groups")
    async def list_(self, interaction: HuddleInteraction) -> None:
        guild_id = guild_id_of(interaction)
        lim = await limits(self.bot, guild_id)
        pages = render.list_pages(await self.store.summaries(guild_id), lim.max_size)
        await send_pages(interaction, pages)

    @group.command(name="info", description="A group's details, leaders and members")
    @app_commands.describe(group="The group")
    @app_commands.autocomplete(group=any_group)
    async def info(self, interaction: HuddleInteraction, group: str) -> None:
        target = await self.upkeep.check_group(
            guild_of(interaction), await self.resolve(interaction, group)
        )
        summary = await self.store.summary(target.id)
        if summary is None:  # deleted while we looked
            raise not_found(group)
        lim = await limits(self.bot, target.guild_id)
        zone = await self.bot.config.server_timezone(target.guild_id)
        # A group is private: outsiders see its name, description, size and
        # leaders; who its members are is for those who see the group.
        viewer = await viewer_of(interaction)
        insider = await can_see_group(self.bot.store, viewer, target.id)
        members = await self.store.members(target.id) if insider else []
        pages = render.info_pages(summary, members, lim.max_size, zone)
        await send_pages(interaction, pages)

    # -- leaders (and community managers) --------------------------------------------

    @group.command(name="invite", description="Add a member to a group you lead")
    @app_commands.describe(group="Your group", member="Who to add")
    @app_commands.autocomplete(group=led_groups)
    async def invite(
        self, interaction: HuddleInteraction, group: str, member: discord.Member
    ) -> None:
        target = await self.resolve(interaction, group)
        await require_leader(interaction, target, "invite members")
        require_target(member)
        await interaction.response.defer(ephemeral=True)
        text = await self.members.invite(guild_of(interaction), target, member, interaction.user.id)
        await reply(interaction, text)

    @group.command(name="kick", description="Remove a member from a group you lead")
    @app_commands.describe(group="Your group", member="Who to remove (also someone who left)")
    @app_commands.autocomplete(group=led_groups)
    async def kick(self, interaction: HuddleInteraction, group: str, member: discord.User) -> None:
        # A User option: it also names someone who left the server but still holds a seat.
        target = await self.resolve(interaction, group)
        manager = await require_leader(interaction, target, "kick members")
        if member.bot:
            raise NotAllowed("Bots can't be group members.")
        guild = guild_of(interaction)
        await interaction.response.defer(ephemeral=True)  # role, then the waitlist moving up
        text = await self.members.kick(guild, target, member, interaction.user.id, manager)
        await reply(interaction, text)

    @group.command(name="promote", description="Make a member a co-leader")
    @app_commands.describe(group="Your group", member="The member to promote")
    @app_commands.autocomplete(group=led_groups)
    async def promote(
        self, interaction: HuddleInteraction, group: str, member: discord.Member
    ) -> None:
        target = await self.resolve(interaction, group)
        await require_leader(interaction, target, "promote members")
        await reply(interaction, await self.members.promote(target, require_target(member)))

    @group.command(name="demote", description="Remove a co-leader (they stay a member)")
    @app_commands.describe(group="Your group", member="The leader to demote")
    @app_commands.autocomplete(group=led_groups)
    async def demote(
        self, interaction: HuddleInteraction, group: str, member: discord.Member
    ) -> None:
        target = await self.resolve(interaction, group)
        manager = await require_leader(interaction, target, "demote leaders")
        text = await self.members.demote(
            target, require_target(member), interaction.user.id, manager
        )
        await reply(interaction, text)

    @group.command(name="edit", description="Change a group's name, description or settings")
    @app_commands.describe(
        group="Your group",
        name="New name (renames the role and channels)",
        description="New description",
        visibility="open, request or invite",
        max_members="Most members, everyone included",
        timezone="The group's time zone",
    )
    @app_commands.autocomplete(group=led_groups, timezone=zones)
    async def edit(
        self,
        interaction: HuddleInteraction,
        group: str,
        name: str | None = None,
        description: str | None = None,
        visibility: Visibility | None = None,
        max_members: int | None = None,
        timezone: str | None = None,
    ) -> None:
        target = await self.resolve(interaction, group)
        await require_leader(interaction, target, "edit the group")
        changes = dict(
            name=name,
            description=description,
            visibility=visibility,
            max_members=max_members,
            timezone=timezone,
        )
        if all(v is None for v in changes.values()):
            raise UserError("Nothing to change: give at least one option.")
        if name is not None or max_members is not None:
            # Renames and a larger group (the waitlist moves up: roles and DMs) take
            # several REST calls: answer Discord first.
            await interaction.response.defer(ephemeral=True)
        done = await self.life.edit(guild_of(interaction), target, changes)
        fresh = await self.store.get(target.id)
        if fresh and max_members is not None:
            await self.members.fill_from_waitlist(guild_of(interaction), fresh)
        await reply(
            interaction, f"Updated **{fresh.name if fresh else target.name}**: {'; '.join(done)}."
        )

    @group.command(name="archive", description="Make a group's channel read-only and archive it")
    @app_commands.describe(group="Your group")
    @app_commands.autocomplete(group=led_groups)
    async def archive(self, interaction: HuddleInteraction, group: str) -> None:
        await self._set_archived(interaction, group, True)

    @group.command(name="restore", description="Bring an archived group back")
    @app_commands.describe(group="Your archived group")
    @app_commands.autocomplete(group=led_groups)
    async def restore(self, interaction: HuddleInteraction, group: str) -> None:
        await self._set_archived(interaction, group, False)

    async def _set_archived(self, interaction: HuddleInteraction, text: str, on: bool) -> None:
        target = await self.resolve(interaction, text)
        await require_leader(interaction, target, "archive or restore it")
        await interaction.response.defer(ephemeral=True)
        await reply(interaction, await self.life.set_archived(guild_of(interaction), target, on))

    @group.command(name="delete", description="Delete a group, its role and its channels")
    @app_commands.describe(group="Your group")
    @app_commands.autocomplete(group=led_groups)
    async def delete(self, interaction: HuddleInteraction, group: str) -> None:
        target = await self.resolve(interaction, group)
        await require_leader(interaction, target, "delete it")
        need = dict(roles=True, channels=True)
        await self.resources.require(guild_of(interaction), "delete the group", **need)

        async def confirmed(click: HuddleInteraction) -> None:
            await self.resources.require(guild_of(click), "delete the group", **need)
            await click.response.edit_message(content=f"Deleting **{target.name}**…", view=None)
            fresh = await self.store.get(target.id)
            if fresh is None:
                await click.edit_original_response(content="That group is already gone.")
                return
            text = await self.life.delete(guild_of(click), fresh, click.user.id)
            await click.edit_original_response(content=text)

        await reply(
            interaction,
            f"Delete **{target.name}** with its role and channels? This can't be undone.",
            view=DeleteConfirm(interaction.user.id, confirmed),
        )

    @group.command(name="repair", description="Recreate a group's missing role or channels")
    @app_commands.describe(group="The broken group")
    @app_commands.autocomplete(group=led_groups)
    async def repair(self, interaction: HuddleInteraction, group: str) -> None:
        target = await self.resolve(interaction, group)
        await require_leader(interaction, target, "repair it")
        await self.resources.require(
            guild_of(interaction), "repair the group", roles=True, channels=True
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await reply(interaction, await self.upkeep.repair(guild_of(interaction), target))

    @group.command(
        name="panel", description="Post Join buttons for the open groups (leaders, managers)"
    )
    @app_commands.describe(channel="Where to post it (default: here)")
    async def panel(
        self, interaction: HuddleInteraction, channel: discord.TextChannel | None = None
    ) -> None:
        if not await is_manager(interaction) and not await self.store.leads_any(
            guild_id_of(interaction), interaction.user.id
        ):
            raise NotAllowed("Only group leaders and community managers can post a panel.")
        where = channel.id if channel else interaction.channel_id
        target = channel or interaction.channel
        require_member_can_post(any_member(interaction), target, "the panel")
        await interaction.response.defer(ephemeral=True)
        count = await post_panel(self.bot, self.store, guild_of(interaction), int(where or 0))
        await reply(
            interaction,
            f"Posted a panel of {plural(count, 'group')} to join (or ask to join) in <#{where}>.",
        )

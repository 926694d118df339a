"""What the persistent buttons do (join panel, waitlist, join requests, group approval),
and the join path they share with `/group join`. Mixed into the cog."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.groups import render
from cogs.groups.api import GroupRef
from cogs.groups.common import group_limit, guild_of, limits, tell
from cogs.groups.views import manager_only, panel_view, settle_message
from core.checks import ensure_feature, is_manager
from core.errors import BotMissingPermission, NotAllowed, NotFound, UserError
from core.ui import reply

if TYPE_CHECKING:
    from cogs.groups.lifecycle import Lifecycle
    from cogs.groups.membership import Membership
    from cogs.groups.resources import Resources
    from cogs.groups.store import GroupStore
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


class ButtonHandlers:
    bot: HuddleBot
    store: GroupStore
    life: Lifecycle
    members: Membership
    resources: Resources

    async def join_group(self, interaction: discord.Interaction, group: GroupRef) -> None:
        """No defer: one REST call (the role) then the answer, well inside 3 seconds."""
        user = interaction.user
        name = discord.utils.escape_markdown(user.display_name)
        if user.name != user.display_name:
            name = f"{name}, `@{user.name}`"
        outcome = await self.members.join(guild_of(interaction), user.id, group, name)
        await reply(interaction, outcome.text, view=outcome.view)

    async def _button_group(self, interaction: discord.Interaction, group_id: int) -> GroupRef:
        await ensure_feature(interaction, "groups")
        group = await self.store.get(group_id)
        if group is None or group.status == "pending" or group.guild_id != interaction.guild_id:
            raise NotFound("That group no longer exists. `/group list` shows the current ones.")
        return group

    async def join_by_id(self, interaction: discord.Interaction, group_id: int) -> None:
        await self.join_group(interaction, await self._button_group(interaction, group_id))

    async def wait_by_id(self, interaction: discord.Interaction, group_id: int) -> None:
        group = await self._button_group(interaction, group_id)
        await reply(interaction, await self.members.wait(group, interaction.user.id))

    async def decide_join(
        self, interaction: discord.Interaction, request_id: int, approve: bool
    ) -> None:
        req = await self.store.get_request(request_id)
        group = await self.store.get(req.group_id) if req else None
        if req is None or group is None:
            raise NotFound("That request is gone (the group may have been deleted).")
        _, leader = await self.store.role_of(group.id, interaction.user.id)
        if not leader and not await is_manager(interaction):
            raise NotAllowed(f"Only leaders of **{group.name}** can answer join requests.")
        # No defer: a refusal must be the clicker's own ephemeral answer. One REST call
        # (the role) before answering; the requester's DM follows.
        decided = await self.members.decide(
            guild_of(interaction), request_id, approve, interaction.user.id
        )
        await settle_message(interaction, decided.text)
        await tell(self.bot, decided.user_id, decided.dm)

    async def decide_group(
        self, interaction: discord.Interaction, request_id: int, approve: bool
    ) -> None:
        await manager_only(interaction)
        req = await self.store.get_request(request_id)
        if req is None or req.status != "pending":
            raise NotFound("That group request was already settled.")
        if approve:  # refuse before deferring, so the refusal is the manager's own
            guild = guild_of(interaction)
            await self.resources.require(guild, "create the group", roles=True, channels=True)
        await interaction.response.defer()
        text = await self.life.decide(
            guild_of(interaction), request_id, approve, interaction.user.id
        )
        await settle_message(interaction, text)

    async def post_panel(self, guild: discord.Guild, channel_id: int) -> int:
        """One message per 25 open groups, each with an embed and Join buttons."""
        groups = await self.store.open_groups(guild.id)
        if not groups:
            raise UserError("There are no open groups to show yet.")
        lim = await limits(self.bot, guild.id)
        sizes = {s.group.id: s.size for s in await self.store.summaries(guild.id)}
        target = self.bot.get_partial_messageable(channel_id)
        for start in range(0, len(groups), 25):
            part = groups[start : start + 25]
            rows = [
                (g.name, g.description, f"{sizes.get(g.id, 0)}/{group_limit(g, lim)} members")
                for g in part
            ]
            try:
                await target.send(
                    embed=render.panel_embed(rows), view=panel_view([(g.id, g.name) for g in part])
                )
            except discord.Forbidden as exc:
                raise BotMissingPermission("Send Messages", "post the panel there") from exc
        return len(groups)

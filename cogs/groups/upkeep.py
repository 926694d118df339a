"""A group's upkeep: its role or channels deleted by hand (now, or while the bot was
away) mark it broken until `/group repair` recreates them; a new community-manager role
is let into every group channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.groups.resources import TEXT, VOICE, Resources
from cogs.groups.store import GroupRef, GroupStore

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


class Upkeep:
    """Keeps a group's row in step with its Discord objects."""

    def __init__(self, bot: HuddleBot, store: GroupStore, resources: Resources) -> None:
        self.bot = bot
        self.store = store
        self.resources = resources

    async def object_deleted(self, guild_id: int, object_id: int) -> None:
        for group in await self.store.mark_broken(guild_id, object_id):
            log.warning(
                "group %s (%s) lost object %s: marked broken", group.id, group.name, object_id
            )

    async def manager_role_changed(self, guild: discord.Guild) -> None:
        """`/config manager-role`: every existing group channel follows the new role."""
        manager = await self.bot.config.get(guild.id, "manager_role")
        for group in await self.store.all_groups(guild.id):
            for channel_id in (group.channel_id, group.voice_channel_id):
                if not channel_id:
                    continue
                try:
                    await self.resources.manager_overwrite(
                        guild, channel_id, group.role_id, int(manager) if manager else None
                    )
                except discord.HTTPException as exc:
                    log.warning("manager overwrite on %s failed: %s", channel_id, exc)

    async def check_guild(self, guild: discord.Guild) -> None:
        """Objects deleted while the bot was away: the cache, complete after GUILD_CREATE,
        lacks them."""
        for group in await self.store.all_groups(guild.id):
            await self.check_group(guild, group)

    async def check_group(self, guild: discord.Guild, group: GroupRef) -> GroupRef:
        """Mark the group broken when its role or a channel is gone; returns it fresh."""
        gone = []
        for object_id, role in (
            (group.role_id, True),
            (group.channel_id, False),
            (group.voice_channel_id, False),
        ):
            if object_id and await self._gone(guild, object_id, role=role):
                gone.append(object_id)
        for object_id in gone:
            await self.object_deleted(guild.id, object_id)
        return (await self.store.get(group.id) or group) if gone else group

    async def _gone(self, guild: discord.Guild, object_id: int, *, role: bool) -> bool:
        """Missing from the cache and confirmed missing by Discord (the cache may lag)."""
        if (guild.get_role if role else guild.get_channel)(object_id) is not None:
            return False
        try:
            if role:
                return all(
                    int(r["id"]) != object_id for r in await self.bot.http.get_roles(guild.id)
                )
            await self.bot.http.get_channel(object_id)
        except discord.NotFound:
            return True
        except discord.HTTPException as exc:
            log.info("could not check object %s: %s", object_id, exc)
        return False

    async def repair(self, guild: discord.Guild, group: GroupRef) -> str:
        await self.resources.require(guild, "repair the group", roles=True, channels=True)
        archived = group.status == "archived"
        fixed: list[str] = []
        role_id = group.role_id if group.role_id and guild.get_role(group.role_id) else None
        if role_id is None:
            role_id = await self.resources.recreate_role(guild, group.name)
            fixed.append("role")
        channel_id = self._existing(guild, group.channel_id)
        if channel_id is None:
            channel_id = await self.resources.recreate_channel(
                guild, group.name, role_id, voice=False, archived=archived
            )
            fixed.append("text channel")
        voice_id = self._existing(guild, group.voice_channel_id)
        if voice_id is None and await self.store.wants_voice(group.id):
            voice_id = await self.resources.recreate_channel(
                guild, group.name, role_id, voice=True, archived=archived
            )
            fixed.append("voice channel")
        await self.store.set_objects(group.id, role_id, channel_id, voice_id)
        if "role" in fixed:
            await self._refresh_overwrites(guild, role_id, channel_id, voice_id, fixed, archived)
            await self._readd_roles(guild, group, role_id)
        return self._repair_text(group, fixed)

    def _existing(self, guild: discord.Guild, channel_id: int | None) -> int | None:
        return channel_id if channel_id and guild.get_channel(channel_id) else None

    async def _refresh_overwrites(
        self,
        guild: discord.Guild,
        role_id: int,
        channel_id: int,
        voice_id: int | None,
        fixed: list[str],
        archived: bool,
    ) -> None:
        for cid, kind, label in (
            (channel_id, TEXT, "text channel"),
            (voice_id, VOICE, "voice channel"),
        ):
            if cid and label not in fixed:
                overwrites = await self.resources.overwrites(
                    guild, role_id, voice=kind == VOICE, archived=archived
                )
                await self.bot.http.edit_channel(cid, permission_overwrites=overwrites)

    async def _readd_roles(self, guild: discord.Guild, group: GroupRef, role_id: int) -> None:
        for user_id, _ in await self.store.members(group.id):
            try:
                await self.resources.add_role(guild.id, user_id, role_id, "group repair")
            except discord.NotFound:
                log.info("member %s of group %s left the server", user_id, group.id)

    def _repair_text(self, group: GroupRef, fixed: list[str]) -> str:
        if not fixed:
            return f"**{group.name}** has its role and channels; nothing needed repairing."
        return f"Repaired **{group.name}**: recreated its {', '.join(fixed)}" + (
            " and gave its members the role again." if "role" in fixed else "."
        )

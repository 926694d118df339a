"""A group's Discord objects: its role, private text channel and optional voice channel,
the categories they live in, and the overwrites that keep them private.

Calls go through `bot.http` with ids, so nothing depends on the member cache (no
Members intent). Every multi-step change undoes its earlier steps when a later one fails."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import discord

from cogs.groups import logic
from cogs.groups.store import GroupRef
from core.errors import BotMissingPermission, UserError

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

# Discord's channel type numbers, typed as the literals discord.py's HTTP client takes.
TEXT: Literal[0] = 0
VOICE: Literal[2] = 2
CATEGORY: Literal[4] = 4
ROLE_TARGET, MEMBER_TARGET = 0, 1

P = discord.Permissions
MEMBER_ALLOW = P(view_channel=True, send_messages=True, read_message_history=True)
VOICE_EXTRA = P(connect=True, speak=True)
ARCHIVED_ALLOW = P(view_channel=True, read_message_history=True)
ARCHIVED_DENY = P(send_messages=True, connect=True, speak=True, add_reactions=True)
BOT_ALLOW = P(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    manage_channels=True,
    embed_links=True,
)
BOT_OPTIONAL = P(manage_messages=True, connect=True)
MANAGER_ALLOW = P(view_channel=True, read_message_history=True)


@dataclass(frozen=True)
class Objects:
    role_id: int
    channel_id: int
    voice_channel_id: int | None

    @property
    def channel_ids(self) -> list[int]:
        return [c for c in (self.channel_id, self.voice_channel_id) if c]


def _overwrite(target: int, kind: int, allow: P, deny: P | None = None) -> dict[str, Any]:
    return {
        "id": target,
        "type": kind,
        "allow": allow.value,
        "deny": (deny or P.none()).value,
    }


class Resources:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot

    # -- checks -----------------------------------------------------------------------

    async def me(self, guild: discord.Guild) -> discord.Member:
        me = guild.me
        if me is None:  # no member cache entry: one fetch, then cached by discord.py
            me = await guild.fetch_member(self.bot.user.id)
        return me

    async def require(
        self, guild: discord.Guild, action: str, *, roles: bool, channels: bool
    ) -> None:
        """Refuse before touching anything when the bot lacks a permission it will need."""
        me = await self.me(guild)
        perms = me.guild_permissions
        if roles and not perms.manage_roles:
            raise BotMissingPermission("Manage Roles", action)
        if channels and not perms.manage_channels:
            raise BotMissingPermission("Manage Channels", action)
        if roles and me.top_role.position <= 0 and not perms.administrator:
            raise UserError(
                f"I can't {action}: I need a role of my own above the group roles. "
                "An admin can give me one in Server Settings → Roles."
            )

    async def require_below_me(self, guild: discord.Guild, role_id: int | None) -> None:
        role = guild.get_role(role_id) if role_id else None
        me = await self.me(guild)
        if role is not None and role.position >= me.top_role.position and guild.owner_id != me.id:
            raise UserError(
                f"I can't hand out the **{role.name}** role: it sits above my highest role. "
                "An admin can drag my role above it in Server Settings → Roles."
            )

    def require_room(self, guild: discord.Guild, channels: int, roles: int = 1) -> None:
        if roles and len(guild.roles) + roles > logic.ROLE_LIMIT:
            raise UserError("This server has reached Discord's limit of 250 roles.")
        if len(guild.channels) + channels > logic.CHANNEL_LIMIT:
            raise UserError("This server has reached Discord's limit of 500 channels.")

    # -- overwrites -------------------------------------------------------------------

    async def overwrites(
        self, guild: discord.Guild, role_id: int, *, voice: bool, archived: bool
    ) -> list[dict[str, Any]]:
        me = await self.me(guild)
        extra = P(BOT_OPTIONAL.value & me.guild_permissions.value)
        if me.guild_permissions.administrator:
            extra = BOT_OPTIONAL
        if archived:
            group = _overwrite(role_id, ROLE_TARGET, ARCHIVED_ALLOW, ARCHIVED_DENY)
        else:
            allow = P(MEMBER_ALLOW.value | (VOICE_EXTRA.value if voice else 0))
            group = _overwrite(role_id, ROLE_TARGET, allow)
        result = [
            _overwrite(guild.id, ROLE_TARGET, P.none(), P(view_channel=True)),
            group,
            _overwrite(me.id, MEMBER_TARGET, P(BOT_ALLOW.value | extra.value)),
        ]
        manager = await self.bot.config.get(guild.id, "manager_role")
        if manager and int(manager) != role_id:
            result.append(_overwrite(int(manager), ROLE_TARGET, MANAGER_ALLOW))
        return result

    # -- categories -------------------------------------------------------------------

    async def category(self, guild: discord.Guild, *, archive: bool, needed: int) -> int:
        """The groups (or archive) category with room for `needed` channels, making the
        base category or a numbered overflow category ('Groups 2', …) when required."""
        key = "groups.archive_category" if archive else "groups.category"
        default = "Groups Archive" if archive else "Groups"
        base = await self._configured(guild, await self.bot.config.get(guild.id, key))
        if base is None:
            base = self._by_name(guild, default)
            if base is not None:
                await self.bot.config.set(guild.id, key, base.id)
        base_name = base.name if base else default
        found: dict[int, discord.CategoryChannel] = {}
        if base is not None:
            found[1] = base
        for cat in guild.categories:
            index = logic.overflow_index(base_name, cat.name)
            if index and index > 1:
                found.setdefault(index, cat)
        counts = [(i, len(found[i].channels)) for i in sorted(found)]
        index = logic.pick_category(counts, needed)
        if index is not None:
            return found[index].id
        index = 1 if base is None else logic.next_overflow_index(list(found))
        created = await self._create_category(guild, logic.category_name(base_name, index))
        if index == 1:
            await self.bot.config.set(guild.id, key, created)
        return created

    async def _configured(
        self, guild: discord.Guild, configured: object
    ) -> discord.CategoryChannel | None:
        """The category `/config groups` chose; asked of Discord when the cache lacks it."""
        if not configured:
            return None
        found: discord.abc.GuildChannel | discord.Thread | None
        found = guild.get_channel(int(configured))  # type: ignore[call-overload]
        if found is None:
            try:
                found = await guild.fetch_channel(int(configured))  # type: ignore[call-overload]
            except (discord.NotFound, discord.Forbidden, discord.InvalidData):
                return None
        return found if isinstance(found, discord.CategoryChannel) else None

    def _by_name(self, guild: discord.Guild, name: str) -> discord.CategoryChannel | None:
        """An existing category with the default name is adopted rather than duplicated."""
        return next((c for c in guild.categories if c.name.casefold() == name.casefold()), None)

    async def _create_category(self, guild: discord.Guild, name: str) -> int:
        try:
            data = await self.bot.http.create_channel(
                guild.id, CATEGORY, name=name, reason="Huddle groups category"
            )
        except discord.Forbidden as exc:
            raise BotMissingPermission("Manage Channels", "make the groups category") from exc
        return int(data["id"])

    # -- create / delete --------------------------------------------------------------

    async def create(self, guild: discord.Guild, name: str, *, voice: bool) -> Objects:
        """Role, text channel, optional voice channel. All or nothing."""
        action = "create the group"
        await self.require(guild, action, roles=True, channels=True)
        self.require_room(guild, channels=2 if voice else 1)
        parent = await self.category(guild, archive=False, needed=2 if voice else 1)
        role_id = await self._new_role(guild, name, f"Huddle group {name}", action)
        made: list[int] = []
        try:
            for kind in (TEXT, VOICE) if voice else (TEXT,):
                made.append(await self._channel(guild, name, kind, role_id, parent, False))
        except BaseException:
            await self.remove(guild, role_id, made)
            raise
        return Objects(role_id, made[0], made[1] if voice else None)

    async def _channel(
        self,
        guild: discord.Guild,
        name: str,
        kind: Literal[0, 2],
        role_id: int,
        parent: int,
        archived: bool,
    ) -> int:
        overwrites = await self.overwrites(guild, role_id, voice=kind == VOICE, archived=archived)
        channel_name = logic.slugify(name) if kind == TEXT else logic.clean_name(name)
        try:
            data = await self.bot.http.create_channel(
                guild.id,
                kind,
                name=channel_name,
                parent_id=parent,
                permission_overwrites=overwrites,
                reason=f"Huddle group {name}",
            )
        except discord.Forbidden as exc:
            raise BotMissingPermission("Manage Channels", "create the group's channel") from exc
        return int(data["id"])

    async def remove(self, guild: discord.Guild, role_id: int | None, channels: list[int]) -> None:
        """Delete what exists; something already gone (404) is fine. Never raises."""
        for channel_id in channels:
            await self._quietly(self.bot.http.delete_channel(channel_id, reason="Huddle group"))
        if role_id:
            await self._quietly(self.bot.http.delete_role(guild.id, role_id, reason="Huddle group"))

    async def remove_each(
        self, guild: discord.Guild, objects: list[tuple[str, int | None, bool]]
    ) -> list[tuple[str, int]]:
        """Delete each (label, id, is_role); one already gone (404) counts as removed.
        Returns the (label, id) of those Discord refused to delete: they are left."""
        left: list[tuple[str, int]] = []
        for label, object_id, is_role in objects:
            if not object_id:
                continue
            try:
                if is_role:
                    await self.bot.http.delete_role(guild.id, object_id, reason="Huddle group")
                else:
                    await self.bot.http.delete_channel(object_id, reason="Huddle group")
            except discord.NotFound:
                continue
            except discord.HTTPException as exc:
                log.warning("could not delete %s %s: %s", label, object_id, exc)
                left.append((label, object_id))
        return left

    async def _quietly(self, call: Any) -> None:
        try:
            await call
        except discord.NotFound:
            pass
        except discord.HTTPException as exc:
            log.warning("cleanup call failed: %s", exc)

    # -- changes ----------------------------------------------------------------------

    async def rename(self, group: GroupRef, name: str) -> None:
        """Role, text channel (slug) and voice channel; on a failure, what was already
        renamed gets its old name back."""
        steps = [
            (True, group.role_id, name, group.name),
            (False, group.channel_id, logic.slugify(name), logic.slugify(group.name)),
            (False, group.voice_channel_id, logic.clean_name(name), logic.clean_name(group.name)),
        ]
        done: list[tuple[bool, int, str]] = []
        try:
            for is_role, object_id, new, old in steps:
                if object_id:
                    await self._set_name(group.guild_id, is_role, object_id, new)
                    done.append((is_role, object_id, old))
        except discord.HTTPException as exc:
            for is_role, object_id, old in done:
                await self._quietly(self._set_name(group.guild_id, is_role, object_id, old))
            if isinstance(exc, discord.Forbidden):
                raise BotMissingPermission("Manage Channels", "rename the group") from exc
            raise

    async def _set_name(self, guild_id: int, is_role: bool, object_id: int, name: str) -> None:
        if is_role:
            await self.bot.http.edit_role(guild_id, object_id, name=name, reason="Huddle rename")
        else:
            await self.bot.http.edit_channel(object_id, name=name, reason="Huddle rename")

    async def place(
        self,
        guild: discord.Guild,
        role_id: int,
        channel_ids: Sequence[tuple[int, int]],
        *,
        archived: bool,
    ) -> None:
        """Move channels (id, kind) to the groups or archive category with the matching
        overwrites: one PATCH per channel."""
        await self.require(guild, "change the group's channel", roles=True, channels=True)
        parent = await self.category(guild, archive=archived, needed=len(channel_ids))
        for channel_id, kind in channel_ids:
            overwrites = await self.overwrites(
                guild, role_id, voice=kind == VOICE, archived=archived
            )
            await self.bot.http.edit_channel(
                channel_id, parent_id=parent, permission_overwrites=overwrites
            )

    async def manager_overwrite(
        self, guild: discord.Guild, channel_id: int, group_role: int | None, manager: int | None
    ) -> None:
        """Let the current community-manager role see a group channel, and take the view
        away from a former manager role (an overwrite exactly like ours)."""
        channel = guild.get_channel(channel_id)
        if channel is None:
            return
        for target, pair in channel.overwrites.items():
            stale = isinstance(target, discord.Role) and target.id not in (
                guild.id,
                group_role,
                manager,
            )
            if stale and pair.pair() == (MANAGER_ALLOW, P.none()):
                await self.bot.http.delete_channel_permissions(
                    channel_id, target.id, reason="Huddle: manager role changed"
                )
        if manager and not channel.overwrites_for(discord.Object(id=manager)).view_channel:
            await self.bot.http.edit_channel_permissions(
                channel_id,
                manager,
                str(MANAGER_ALLOW.value),
                "0",
                ROLE_TARGET,  # type: ignore[arg-type]
                reason="Huddle: community managers see every group channel",
            )

    async def add_role(self, guild_id: int, user_id: int, role_id: int | None, why: str) -> None:
        if role_id:
            await self.bot.http.add_role(guild_id, user_id, role_id, reason=why)

    async def remove_role(self, guild_id: int, user_id: int, role_id: int | None, why: str) -> None:
        if not role_id:
            return
        try:
            await self.bot.http.remove_role(guild_id, user_id, role_id, reason=why)
        except discord.NotFound:
            pass  # the member left the server or the role is gone: nothing to take away

    async def recreate_role(self, guild: discord.Guild, name: str) -> int:
        return await self._new_role(guild, name, "Huddle repair", "repair the group")

    async def _new_role(self, guild: discord.Guild, name: str, reason: str, action: str) -> int:
        """A plain group role: no permissions, not hoisted, not mentionable."""
        try:
            role = await self.bot.http.create_role(
                guild.id, reason=reason, name=name, permissions=0, hoist=False, mentionable=False
            )
        except discord.Forbidden as exc:
            raise BotMissingPermission("Manage Roles", action) from exc
        return int(role["id"])

    async def recreate_channel(
        self, guild: discord.Guild, name: str, role_id: int, *, voice: bool, archived: bool
    ) -> int:
        parent = await self.category(guild, archive=archived, needed=1)
        return await self._channel(guild, name, VOICE if voice else TEXT, role_id, parent, archived)

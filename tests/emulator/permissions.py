"""Discord's permission algorithm: base permissions from roles, then channel overwrites."""

from __future__ import annotations

from typing import Any

import discord

FLAGS: dict[str, int] = dict(discord.Permissions.VALID_FLAGS)
ALL = discord.Permissions.all().value
ADMINISTRATOR = FLAGS["administrator"]
VIEW_CHANNEL = FLAGS["view_channel"]
SEND_MESSAGES = FLAGS["send_messages"]


def bit(name: str) -> int:
    """`"MANAGE_ROLES"` or `"manage_roles"` → its bit; unknown names raise."""
    key = name.lower()
    if key == "manage_permissions":
        key = "manage_roles"
    return FLAGS[key]


def bits(*names: str) -> int:
    value = 0
    for name in names:
        value |= bit(name)
    return value


def names(value: int) -> list[str]:
    return [n.upper() for n, v in FLAGS.items() if value & v == v and v]


def base_permissions(guild: Any, user_id: int) -> int:
    """Guild-level permissions: owner → all; @everyone | member roles; Administrator → all."""
    if user_id == guild.owner_id:
        return ALL
    member = guild.members.get(user_id)
    if member is None:
        return 0
    perms = int(guild.roles[guild.id]["permissions"])
    for role_id in member["roles"]:
        role = guild.roles.get(int(role_id))
        if role is not None:
            perms |= int(role["permissions"])
    if perms & ADMINISTRATOR:
        return ALL
    return perms


def overwrite_permissions(base: int, guild: Any, user_id: int, overwrites: list[dict]) -> int:
    """Apply channel overwrites in Discord's order: @everyone, roles (combined), member."""
    if base & ADMINISTRATOR:
        return ALL
    by_id = {int(o["id"]): o for o in overwrites}
    perms = base
    everyone = by_id.get(guild.id)
    if everyone:
        perms &= ~int(everyone["deny"])
        perms |= int(everyone["allow"])
    member = guild.members.get(user_id)
    role_ids = [int(r) for r in member["roles"]] if member else []
    allow = deny = 0
    for role_id in role_ids:
        ow = by_id.get(role_id)
        if ow and int(ow.get("type", 0)) == 0:
            allow |= int(ow["allow"])
            deny |= int(ow["deny"])
    perms &= ~deny
    perms |= allow
    ow = by_id.get(user_id)
    if ow and int(ow.get("type", 1)) == 1:
        perms &= ~int(ow["deny"])
        perms |= int(ow["allow"])
    return perms


def channel_permissions(guild: Any, user_id: int, channel: dict) -> int:
    base = base_permissions(guild, user_id)
    if base & ADMINISTRATOR:
        return ALL
    perms = overwrite_permissions(base, guild, user_id, channel.get("permission_overwrites", []))
    if not perms & VIEW_CHANNEL:
        return 0
    return perms


def top_role_position(guild: Any, user_id: int) -> int:
    member = guild.members.get(user_id)
    if member is None:
        return -1
    positions = [guild.roles[int(r)]["position"] for r in member["roles"] if int(r) in guild.roles]
    return max(positions, default=0)

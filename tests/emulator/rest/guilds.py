"""Guilds, roles and members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.emulator import permissions as perms
from tests.emulator.errors import ApiError, form_error, missing_permissions, unknown
from tests.emulator.rest.common import (
    bot_id,
    check_grantable,
    check_hierarchy,
    get_guild,
    guild_perms,
    need,
)
from tests.emulator.router import Req, route
from tests.emulator.state import MAX_ROLES, Guild

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


@route("GET", "/guilds/{guild_id}")
async def get(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    data = guild.base()
    if req.query.get("with_counts") in ("true", "True", "1"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = 0
    return data


# -- roles ------------------------------------------------------------------------------------


def get_role(guild: Guild, role_id: int) -> dict:
    role = guild.roles.get(role_id)
    if role is None:
        raise unknown("role")
    return role


ROLE_FIELDS = ("name", "color", "hoist", "mentionable", "icon", "unicode_emoji", "colors")


def apply_role_fields(role: dict, body: dict) -> None:
    for key in ROLE_FIELDS:
        if key in body and body[key] is not None:
            role[key] = body[key]
    if "color" in body and body["color"] is not None:
        role["colors"] = {**role["colors"], "primary_color": body["color"]}
    if body.get("colors"):
        role["color"] = body["colors"].get("primary_color", role["color"])


async def role_update(emu: Emulator, guild: Guild, role: dict) -> None:
    await emu.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role})


@route("GET", "/guilds/{guild_id}/roles")
async def list_roles(emu: Emulator, req: Req) -> list:
    return get_guild(emu, req.int("guild_id")).sorted_roles()


@route("GET", "/guilds/{guild_id}/roles/{role_id}")
async def get_one_role(emu: Emulator, req: Req) -> dict:
    return get_role(get_guild(emu, req.int("guild_id")), req.int("role_id"))


@route("POST", "/guilds/{guild_id}/roles")
async def create_role(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    have = guild_perms(emu, guild)
    need(have, "MANAGE_ROLES")
    body = req.json or {}
    value = (
        int(body["permissions"])
        if body.get("permissions") is not None
        else int(guild.roles[guild.id]["permissions"])
    )
    check_grantable(emu, have, value)
    if len(guild.roles) >= MAX_ROLES:
        raise ApiError(400, 30005, f"Maximum number of guild roles reached ({MAX_ROLES})")
    before = {rid: r["position"] for rid, r in guild.roles.items()}
    role = emu.new_role(guild, body.get("name") or "new role", value)
    apply_role_fields(role, body)
    await emu.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role})
    for rid, pos in before.items():
        if guild.roles[rid]["position"] != pos:
            await role_update(emu, guild, guild.roles[rid])
    return role


@route("PATCH", "/guilds/{guild_id}/roles/{role_id}")
async def edit_role(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    role = get_role(guild, req.int("role_id"))
    have = guild_perms(emu, guild)
    need(have, "MANAGE_ROLES")
    check_hierarchy(emu, guild, role)
    body = req.json or {}
    if body.get("permissions") is not None:
        value = int(body["permissions"])
        # only *added* permissions must be held by the bot
        check_grantable(emu, have, value & ~int(role["permissions"]))
        role["permissions"] = str(value)
    apply_role_fields(role, body)
    await role_update(emu, guild, role)
    return role


@route("PATCH", "/guilds/{guild_id}/roles")
async def role_positions(emu: Emulator, req: Req) -> list:
    guild = get_guild(emu, req.int("guild_id"))
    need(guild_perms(emu, guild), "MANAGE_ROLES")
    top = perms.top_role_position(guild, bot_id(emu))
    changes = []
    for item in req.json or []:
        role = get_role(guild, int(item["id"]))
        if item.get("position") is None:
            continue
        position = int(item["position"])
        if guild.owner_id != bot_id(emu) and (role["position"] >= top or position >= top):
            raise missing_permissions()
        changes.append((role, position))
    for role, position in changes:
        if role["position"] != position:
            role["position"] = position
            await role_update(emu, guild, role)
    return guild.sorted_roles()


@route("DELETE", "/guilds/{guild_id}/roles/{role_id}")
async def delete_role(emu: Emulator, req: Req) -> None:
    guild = get_guild(emu, req.int("guild_id"))
    role = get_role(guild, req.int("role_id"))
    need(guild_perms(emu, guild), "MANAGE_ROLES")
    check_hierarchy(emu, guild, role)
    if role["managed"] or int(role["id"]) == guild.id:
        raise ApiError(400, 50028, "Invalid Role")
    del guild.roles[int(role["id"])]
    for member in guild.members.values():
        if role["id"] in member["roles"]:
            member["roles"].remove(role["id"])
    for channel in guild.channels.values():
        channel["permission_overwrites"] = [
            o for o in channel["permission_overwrites"] if o["id"] != role["id"]
        ]
    await emu.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": role["id"]})


# -- members ----------------------------------------------------------------------------------


def get_member(guild: Guild, user_id: int) -> dict:
    member = guild.members.get(user_id)
    if member is None:
        raise unknown("member")
    return member


async def member_update(emu: Emulator, guild: Guild, member: dict) -> None:
    # Without the GUILD_MEMBERS intent only updates to the bot's own member arrive.
    if member["user"]["id"] != emu.bot_user["id"]:
        return
    await emu.dispatch("GUILD_MEMBER_UPDATE", {"guild_id": str(guild.id), **member})


@route("GET", "/guilds/{guild_id}/members/{user_id}")
async def fetch_member(emu: Emulator, req: Req) -> dict:
    return get_member(get_guild(emu, req.int("guild_id")), req.int("user_id"))


@route("GET", "/guilds/{guild_id}/members")
async def list_members(emu: Emulator, req: Req) -> list:
    guild = get_guild(emu, req.int("guild_id"))
    after = int(req.query.get("after", 0))
    limit = int(req.query.get("limit", 1))
    ids = sorted(u for u in guild.members if u > after)[:limit]
    return [guild.members[u] for u in ids]


def check_assignable(emu: Emulator, guild: Guild, role: dict) -> None:
    need(guild_perms(emu, guild), "MANAGE_ROLES")
    check_hierarchy(emu, guild, role)
    if role["managed"] or int(role["id"]) == guild.id:
        raise missing_permissions()


@route("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def add_member_role(emu: Emulator, req: Req) -> None:
    guild = get_guild(emu, req.int("guild_id"))
    member = get_member(guild, req.int("user_id"))
    role = get_role(guild, req.int("role_id"))
    check_assignable(emu, guild, role)
    if role["id"] not in member["roles"]:
        member["roles"].append(role["id"])
        await member_update(emu, guild, member)


@route("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def remove_member_role(emu: Emulator, req: Req) -> None:
    guild = get_guild(emu, req.int("guild_id"))
    member = get_member(guild, req.int("user_id"))
    role = get_role(guild, req.int("role_id"))
    check_assignable(emu, guild, role)
    if role["id"] in member["roles"]:
        member["roles"].remove(role["id"])
        await member_update(emu, guild, member)


@route("PATCH", "/guilds/{guild_id}/members/{user_id}")
async def edit_member(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    member = get_member(guild, req.int("user_id"))
    body: dict[str, Any] = req.json or {}
    if "roles" in body and body["roles"] is not None:
        new = {str(r) for r in body["roles"]}
        old = set(member["roles"])
        for role_id in new ^ old:
            check_assignable(emu, guild, get_role(guild, int(role_id)))
        member["roles"] = [str(r) for r in body["roles"]]
    if "nick" in body:
        need(guild_perms(emu, guild), "MANAGE_NICKNAMES")
        member["nick"] = body["nick"]
    unknown_keys = set(body) - {"roles", "nick"}
    if unknown_keys:
        raise form_error(sorted(unknown_keys)[0], "EMULATOR", "not supported by the emulator")
    await member_update(emu, guild, member)
    return member

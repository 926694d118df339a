"""Guild channels, permission overwrites and DM channels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.emulator import permissions as perms
from tests.emulator.errors import ApiError, form_error, missing_permissions, unknown
from tests.emulator.rest.common import (
    channel_perms,
    get_channel,
    get_guild,
    guild_perms,
    need,
)
from tests.emulator.router import Req, route
from tests.emulator.state import MAX_CHANNELS, MAX_PER_CATEGORY, Guild

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

MANAGE_ROLES = perms.bit("MANAGE_ROLES")


def normalise_name(name: str, type_: int) -> str:
    if type_ in (0, 5, 15):
        return "-".join(name.lower().split())
    return name


def check_overwrites(have: int, overwrites: list[dict]) -> None:
    """Overwrites may only allow/deny what the bot has; Manage Permissions needs Administrator."""
    if have & perms.ADMINISTRATOR:
        return
    for ow in overwrites:
        value = int(ow.get("allow") or 0) | int(ow.get("deny") or 0)
        if value & ~have or value & MANAGE_ROLES:
            raise missing_permissions()


def clean_overwrites(overwrites: list[dict]) -> list[dict]:
    return [
        {
            "id": str(o["id"]),
            "type": int(o.get("type", 0)),
            "allow": str(o.get("allow") or "0"),
            "deny": str(o.get("deny") or "0"),
        }
        for o in overwrites
    ]


def check_parent(guild: Guild, parent_id: Any, moving: dict | None = None) -> int | None:
    if parent_id is None:
        return None
    parent = guild.channels.get(int(parent_id))
    if parent is None or parent["type"] != 4:
        raise form_error("parent_id", "CHANNEL_PARENT_INVALID", "Category does not exist.")
    children = [
        c
        for c in guild.channels.values()
        if c.get("parent_id") == str(parent_id) and c is not moving
    ]
    if len(children) >= MAX_PER_CATEGORY:
        raise form_error(
            "parent_id",
            "CHANNEL_PARENT_MAX_CHANNELS",
            f"Maximum number of channels in category reached ({MAX_PER_CATEGORY})",
        )
    return int(parent_id)


@route("GET", "/guilds/{guild_id}/channels")
async def list_channels(emu: Emulator, req: Req) -> list:
    return get_guild(emu, req.int("guild_id")).sorted_channels()


@route("POST", "/guilds/{guild_id}/channels")
async def create_channel(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    body = req.json or {}
    have = guild_perms(emu, guild)
    parent_id = body.get("parent_id")
    if parent_id is not None and int(parent_id) in guild.channels:
        have = channel_perms(emu, guild, guild.channels[int(parent_id)]) or have
    need(have, "MANAGE_CHANNELS")
    overwrites = body.get("permission_overwrites") or []
    if overwrites:
        check_overwrites(have, overwrites)
    if len(guild.channels) >= MAX_CHANNELS:
        raise ApiError(400, 30013, f"Maximum number of guild channels reached ({MAX_CHANNELS})")
    type_ = int(body.get("type") or 0)
    if type_ == 4 and parent_id is not None:
        raise form_error("parent_id", "CHANNEL_PARENT_INVALID", "Categories cannot be nested.")
    parent = check_parent(guild, parent_id)
    extra = {
        k: body.get(k)
        for k in ("topic", "nsfw", "rate_limit_per_user", "bitrate", "user_limit", "rtc_region")
    }
    channel = emu.new_channel(
        guild,
        normalise_name(body["name"], type_),
        type_,
        parent_id=parent,
        overwrites=clean_overwrites(overwrites),
        **extra,
    )
    if body.get("position") is not None:
        channel["position"] = int(body["position"])
    await emu.dispatch("CHANNEL_CREATE", channel)
    return channel


@route("PATCH", "/guilds/{guild_id}/channels")
async def channel_positions(emu: Emulator, req: Req) -> None:
    guild = get_guild(emu, req.int("guild_id"))
    need(guild_perms(emu, guild), "MANAGE_CHANNELS")
    for item in req.json or []:
        channel = guild.channels.get(int(item["id"]))
        if channel is None:
            raise unknown("channel")
        if item.get("position") is not None:
            channel["position"] = int(item["position"])
        if "parent_id" in item:
            channel["parent_id"] = (
                str(check_parent(guild, item["parent_id"], channel)) if item["parent_id"] else None
            )
        if item.get("lock_permissions") and channel["parent_id"]:
            parent = guild.channels[int(channel["parent_id"])]
            channel["permission_overwrites"] = [dict(o) for o in parent["permission_overwrites"]]
        await emu.dispatch("CHANNEL_UPDATE", channel)


@route("GET", "/channels/{channel_id}")
async def get(emu: Emulator, req: Req) -> dict:
    return get_channel(emu, req.int("channel_id"))[1]


@route("PATCH", "/channels/{channel_id}")
async def edit(emu: Emulator, req: Req) -> dict:
    guild, channel = get_channel(emu, req.int("channel_id"))
    if guild is None:
        raise ApiError(403, 50003, "Cannot execute action on a DM channel")
    have = channel_perms(emu, guild, channel)
    need(have, "MANAGE_CHANNELS")
    body = req.json or {}
    if body.get("permission_overwrites") is not None:
        need(have, "MANAGE_ROLES")
        check_overwrites(have, body["permission_overwrites"])
        channel["permission_overwrites"] = clean_overwrites(body["permission_overwrites"])
    if "parent_id" in body:
        parent = check_parent(guild, body["parent_id"], channel)
        channel["parent_id"] = str(parent) if parent else None
    if body.get("lock_permissions") and channel["parent_id"]:
        parent_ch = guild.channels[int(channel["parent_id"])]
        channel["permission_overwrites"] = [dict(o) for o in parent_ch["permission_overwrites"]]
    if body.get("name"):
        channel["name"] = normalise_name(body["name"], channel["type"])
    for key in (
        "topic",
        "nsfw",
        "rate_limit_per_user",
        "position",
        "bitrate",
        "user_limit",
        "rtc_region",
        "flags",
    ):
        if key in body:
            channel[key] = body[key]
    await emu.dispatch("CHANNEL_UPDATE", channel)
    return channel


@route("DELETE", "/channels/{channel_id}")
async def delete(emu: Emulator, req: Req) -> dict:
    guild, channel = get_channel(emu, req.int("channel_id"))
    if guild is None:
        return channel  # closing a DM
    need(channel_perms(emu, guild, channel), "MANAGE_CHANNELS")
    del guild.channels[int(channel["id"])]
    await emu.dispatch("CHANNEL_DELETE", channel)
    if channel["type"] == 4:
        for child in guild.channels.values():
            if child.get("parent_id") == channel["id"]:
                child["parent_id"] = None
                await emu.dispatch("CHANNEL_UPDATE", child)
    return channel


@route("PUT", "/channels/{channel_id}/permissions/{overwrite_id}")
async def put_overwrite(emu: Emulator, req: Req) -> None:
    guild, channel = get_channel(emu, req.int("channel_id"))
    if guild is None:
        raise ApiError(403, 50003, "Cannot execute action on a DM channel")
    have = channel_perms(emu, guild, channel)
    need(have, "MANAGE_ROLES")
    body: dict[str, Any] = req.json or {}
    target = req.int("overwrite_id")
    type_ = int(body.get("type", 0))
    if (type_ == 0 and target not in guild.roles) or (type_ == 1 and target not in guild.members):
        raise unknown("role" if type_ == 0 else "member")
    new = {"id": str(target), "type": type_, **body}
    check_overwrites(have, [new])
    rest_ = [o for o in channel["permission_overwrites"] if o["id"] != str(target)]
    channel["permission_overwrites"] = [*rest_, *clean_overwrites([new])]
    await emu.dispatch("CHANNEL_UPDATE", channel)


@route("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}")
async def delete_overwrite(emu: Emulator, req: Req) -> None:
    guild, channel = get_channel(emu, req.int("channel_id"))
    if guild is None:
        raise ApiError(403, 50003, "Cannot execute action on a DM channel")
    need(channel_perms(emu, guild, channel), "MANAGE_ROLES")
    target = req.params["overwrite_id"]
    channel["permission_overwrites"] = [
        o for o in channel["permission_overwrites"] if o["id"] != target
    ]
    await emu.dispatch("CHANNEL_UPDATE", channel)


@route("POST", "/users/@me/channels")
async def open_dm(emu: Emulator, req: Req) -> dict:
    user_id = int((req.json or {}).get("recipient_id", 0))
    user = emu.world.users.get(user_id)
    if user is None:
        raise unknown("user")
    channel = emu.world.dm_channels.get(user_id)
    if channel is None:
        channel = {
            "id": str(emu.world.ids.next()),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user],
            "recipient_id": str(user_id),
        }
        emu.world.dm_channels[user_id] = channel
        emu.world.channel_messages[int(channel["id"])] = []

    return channel

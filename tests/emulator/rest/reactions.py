"""Reactions: per emoji, the users who reacted, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.emulator.builders import emoji_dict, emoji_key
from tests.emulator.errors import ApiError, unknown
from tests.emulator.rest.common import bot_id, get_channel, get_message, need_in_channel
from tests.emulator.router import Req, route

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

MAX_REACTIONS = 20


def _target(emu: Emulator, req: Req):
    channel_id = req.int("channel_id")
    guild, channel = get_channel(emu, channel_id)
    message = get_message(emu, channel_id, req.int("message_id"))
    return guild, channel, message


def _key(emu: Emulator, guild, raw: str) -> str:
    key = emoji_key(raw)
    if ":" in key:
        _, _, emoji_id = key.partition(":")
        known = {str(e["id"]) for e in (guild.emojis if guild and hasattr(guild, "emojis") else [])}
        if emoji_id not in known:
            raise ApiError(400, 10014, "Unknown Emoji")
    return key


def reaction_event(emu: Emulator, guild, message: dict, user_id: int, key: str, add: bool) -> dict:
    data = {
        "user_id": str(user_id),
        "channel_id": message["channel_id"],
        "message_id": message["id"],
        "emoji": emoji_dict(key),
        "burst": False,
        "type": 0,
    }
    if guild is not None:
        data["guild_id"] = str(guild.id)
        if add and user_id in guild.members:
            data["member"] = guild.members[user_id]
    if add:
        data["message_author_id"] = message["author"]["id"]
        data["burst_colors"] = []
    return data


async def add_reaction(emu: Emulator, guild, message: dict, user_id: int, key: str) -> bool:
    table = emu.world.reactions.setdefault(int(message["id"]), {})  # type: ignore[arg-type]
    users = table.setdefault(key, [])
    if user_id in users:
        return False
    users.append(user_id)
    await emu.dispatch(
        "MESSAGE_REACTION_ADD", reaction_event(emu, guild, message, user_id, key, True)
    )
    return True


async def remove_reaction(emu: Emulator, guild, message: dict, user_id: int, key: str) -> bool:
    table = emu.world.reactions.get(int(message["id"]), {})
    users = table.get(key, [])
    if user_id not in users:
        return False
    users.remove(user_id)
    if not users:
        del table[key]
    await emu.dispatch(
        "MESSAGE_REACTION_REMOVE", reaction_event(emu, guild, message, user_id, key, False)
    )
    return True


@route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me")
async def react(emu: Emulator, req: Req) -> None:
    guild, channel, message = _target(emu, req)
    need_in_channel(emu, guild, channel, "READ_MESSAGE_HISTORY")
    key = _key(emu, guild, req.params["emoji_name"])
    table = emu.world.reactions.setdefault(int(message["id"]), {})  # type: ignore[arg-type]
    if not table.get(key):
        need_in_channel(emu, guild, channel, "ADD_REACTIONS")
        if len([k for k, v in table.items() if v]) >= MAX_REACTIONS:
            raise ApiError(403, 30010, "Maximum number of reactions reached (20)")
    await add_reaction(emu, guild, message, bot_id(emu), key)


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me")
async def unreact(emu: Emulator, req: Req) -> None:
    guild, _, message = _target(emu, req)
    await remove_reaction(emu, guild, message, bot_id(emu), emoji_key(req.params["emoji_name"]))


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/{user_id}")
async def remove_user(emu: Emulator, req: Req) -> None:
    guild, channel, message = _target(emu, req)
    user_id = req.int("user_id")
    if user_id != bot_id(emu):
        need_in_channel(emu, guild, channel, "MANAGE_MESSAGES")
    await remove_reaction(emu, guild, message, user_id, emoji_key(req.params["emoji_name"]))


@route("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}")
async def users(emu: Emulator, req: Req) -> list:
    guild, channel, message = _target(emu, req)
    need_in_channel(emu, guild, channel, "READ_MESSAGE_HISTORY")
    key = emoji_key(req.params["emoji_name"])
    table = emu.world.reactions.get(int(message["id"]), {})
    if key not in table and ":" in key:
        raise unknown("emoji")
    after = int(req.query.get("after", 0))
    limit = min(int(req.query.get("limit", 25)), 100)
    ids = sorted(u for u in table.get(key, []) if u > after)[:limit]
    return [emu.world.users[u] for u in ids]


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions")
async def clear(emu: Emulator, req: Req) -> None:
    guild, channel, message = _target(emu, req)
    need_in_channel(emu, guild, channel, "MANAGE_MESSAGES")
    emu.world.reactions[int(message["id"])] = {}  # type: ignore[assignment]
    data = {"channel_id": message["channel_id"], "message_id": message["id"]}
    if guild is not None:
        data["guild_id"] = str(guild.id)
    await emu.dispatch("MESSAGE_REACTION_REMOVE_ALL", data)


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}")
async def clear_emoji(emu: Emulator, req: Req) -> None:
    guild, channel, message = _target(emu, req)
    need_in_channel(emu, guild, channel, "MANAGE_MESSAGES")
    key = emoji_key(req.params["emoji_name"])
    emu.world.reactions.get(int(message["id"]), {}).pop(key, None)
    data = {
        "channel_id": message["channel_id"],
        "message_id": message["id"],
        "emoji": emoji_dict(key),
    }
    if guild is not None:
        data["guild_id"] = str(guild.id)
    await emu.dispatch("MESSAGE_REACTION_REMOVE_EMOJI", data)

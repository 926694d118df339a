"""Channel messages (guild channels and DMs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.emulator.errors import ApiError, missing_access
from tests.emulator.rest.common import (
    bot_id,
    channel_perms,
    get_channel,
    get_message,
    need,
    need_in_channel,
)
from tests.emulator.router import Req, route

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


def dm_recipient(channel: dict) -> int | None:
    if channel["type"] == 1:
        return int(channel["recipient_id"])
    return None


def is_empty(body: dict, files: list) -> bool:
    return not (
        body.get("content")
        or body.get("embeds")
        or files
        or body.get("sticker_ids")
        or body.get("components")
        or body.get("poll")
    )


def check_files(body: dict, files: list) -> list[dict]:
    """Match uploaded files[n] with payload_json attachments (id n) like Discord does."""
    described = {str(a.get("id")): a for a in body.get("attachments") or []}
    out = []
    for f in files:
        meta = described.get(str(f["index"]), {})
        out.append(
            {
                **f,
                "filename": meta.get("filename") or f["filename"],
                "description": meta.get("description"),
            }
        )
    return out


async def create_in_channel(
    emu: Emulator, channel_id: int, body: dict, files: list, **extra: Any
) -> dict:
    guild, channel = get_channel(emu, channel_id)
    need_in_channel(emu, guild, channel, "SEND_MESSAGES")
    if files:
        need_in_channel(emu, guild, channel, "ATTACH_FILES")
    recipient = dm_recipient(channel)
    if recipient is not None and recipient in emu.world.dms_closed:
        raise ApiError(403, 50007, "Cannot send messages to this user")
    if is_empty(body, files):
        raise ApiError(400, 50006, "Cannot send an empty message")
    message = emu.new_message(channel_id, emu.bot_user, body, check_files(body, files), **extra)
    await emu.dispatch("MESSAGE_CREATE", emu.message_event(message))
    return message


@route("POST", "/channels/{channel_id}/messages")
async def create(emu: Emulator, req: Req) -> dict:
    body = req.json or {}
    nonce = body.get("nonce")
    if nonce is None:
        return await create_in_channel(emu, req.int("channel_id"), body, req.files)
    if body.get("enforce_nonce"):  # Discord: the same author + nonce returns the earlier message
        for message_id in reversed(emu.world.channel_messages.get(req.int("channel_id"), [])):
            earlier = emu.world.messages.get(message_id)
            if earlier and earlier.get("nonce") == str(nonce):
                return earlier
    return await create_in_channel(emu, req.int("channel_id"), body, req.files, nonce=str(nonce))


@route("GET", "/channels/{channel_id}/messages")
async def history(emu: Emulator, req: Req) -> list:
    channel_id = req.int("channel_id")
    guild, channel = get_channel(emu, channel_id)
    if guild is not None and not channel_perms(emu, guild, channel) & (1 << 16):
        return []
    ids = list(emu.world.channel_messages.get(channel_id, []))
    limit = min(int(req.query.get("limit", 50)), 100)
    if "before" in req.query:
        ids = [i for i in ids if i < int(req.query["before"])]
    if "after" in req.query:
        ids = [i for i in ids if i > int(req.query["after"])][:limit]
    if "around" in req.query:
        around = int(req.query["around"])
        older = [i for i in ids if i <= around][-(limit // 2 + limit % 2) :]
        newer = [i for i in ids if i > around][: limit // 2]
        ids = older + newer
    ids = ids[-limit:]
    return [view(emu, emu.world.messages[i]) for i in reversed(ids)]


def view(emu: Emulator, message: dict) -> dict:
    return {**message, "reactions": emu.reactions_of(int(message["id"]), bot_id(emu))}


@route("GET", "/channels/{channel_id}/messages/{message_id}")
async def get(emu: Emulator, req: Req) -> dict:
    guild, channel = get_channel(emu, req.int("channel_id"))
    if guild is not None and not channel_perms(emu, guild, channel) & (1 << 16):
        raise missing_access()
    return view(emu, get_message(emu, req.int("channel_id"), req.int("message_id")))


async def apply_edit(emu: Emulator, message: dict, body: dict, files: list) -> dict:
    """Edit content/embeds/components/attachments; MESSAGE_UPDATE unless ephemeral."""
    if "content" in body:
        message["content"] = body["content"] or ""
    if "embeds" in body:
        message["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
    if "components" in body:
        message["components"] = emu.with_component_ids(body["components"] or [])
    if "flags" in body and body["flags"] is not None:
        message["flags"] = (message["flags"] & (64 | 128)) | int(body["flags"])
    if "attachments" in body and body["attachments"] is not None:
        keep = {str(a.get("id")) for a in body["attachments"]}
        message["attachments"] = [a for a in message["attachments"] if a["id"] in keep]
    if files:
        extra = emu.new_message(
            int(message["channel_id"]),
            message["author"],
            {},
            check_files(body, files),
            ephemeral=True,
        )
        message["attachments"] += extra["attachments"]
        del emu.world.messages[int(extra["id"])]
    message["flags"] &= ~128  # no longer "thinking"
    message["edited_timestamp"] = emu.world.ids.iso_now()
    if not message["flags"] & 64:
        await emu.dispatch("MESSAGE_UPDATE", emu.message_event(message))
    return message


@route("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit(emu: Emulator, req: Req) -> dict:
    get_channel(emu, req.int("channel_id"))
    message = get_message(emu, req.int("channel_id"), req.int("message_id"))
    body = req.json or {}
    if int(message["author"]["id"]) != bot_id(emu) and set(body) - {"flags"}:
        raise ApiError(403, 50005, "Cannot edit a message authored by another user")
    return await apply_edit(emu, message, body, req.files)


async def remove_message(emu: Emulator, message: dict) -> None:
    message_id = int(message["id"])
    channel_id = int(message["channel_id"])
    emu.world.messages.pop(message_id, None)
    ids = emu.world.channel_messages.get(channel_id, [])
    if message_id in ids:
        ids.remove(message_id)
    emu.world.reactions.pop(message_id, None)
    if not message["flags"] & 64:
        data = {"id": str(message_id), "channel_id": str(channel_id)}
        guild, _ = emu.world.find_channel(channel_id)
        if guild is not None:
            data["guild_id"] = str(guild.id)
        await emu.dispatch("MESSAGE_DELETE", data)


@route("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete(emu: Emulator, req: Req) -> None:
    guild, channel = get_channel(emu, req.int("channel_id"))
    message = get_message(emu, req.int("channel_id"), req.int("message_id"))
    if int(message["author"]["id"]) != bot_id(emu) and guild is not None:
        need(channel_perms(emu, guild, channel), "MANAGE_MESSAGES")
    await remove_message(emu, message)

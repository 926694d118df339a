"""Application commands, interaction callbacks and interaction webhooks (followups)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.emulator.errors import ApiError, unknown
from tests.emulator.rest.common import get_guild
from tests.emulator.rest.messages import apply_edit, check_files, remove_message
from tests.emulator.router import Req, route
from tests.emulator.state import Interaction

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

EPHEMERAL, LOADING = 64, 128


# -- application commands ---------------------------------------------------------------------


def _check_app(emu: Emulator, req: Req) -> None:
    if req.int("application_id") != emu.application_id:
        raise ApiError(
            403, 20012, "You are not authorized to perform this action on this application"
        )


def _store(emu: Emulator, table: dict[int, dict], body: dict, guild_id: int | None) -> dict:
    type_ = int(body.get("type") or 1)
    existing = next(
        (c for c in table.values() if c["name"] == body["name"] and c["type"] == type_), None
    )
    command_id = int(existing["id"]) if existing else emu.world.ids.next()
    command = {
        "id": str(command_id),
        "application_id": str(emu.application_id),
        "version": str(emu.world.ids.next()),
        "type": type_,
        "name": body["name"],
        "name_localizations": body.get("name_localizations"),
        "description": body.get("description", ""),
        "description_localizations": body.get("description_localizations"),
        "options": body.get("options") or [],
        "default_member_permissions": body.get("default_member_permissions"),
        "dm_permission": body.get("dm_permission", True),
        "contexts": body.get("contexts"),
        "integration_types": body.get("integration_types") or [0],
        "nsfw": bool(body.get("nsfw")),
    }
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
    table[command_id] = command
    return command


def _table(emu: Emulator, req: Req) -> tuple[dict[int, dict], int | None]:
    _check_app(emu, req)
    if "guild_id" in req.params:
        guild = get_guild(emu, req.int("guild_id"))
        return guild.commands, guild.id
    return emu.world.global_commands, None


@route("PUT", "/applications/{application_id}/commands")
@route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
async def bulk_overwrite(emu: Emulator, req: Req) -> list:
    table, guild_id = _table(emu, req)
    old = dict(table)
    table.clear()
    out = []
    for body in req.json or []:
        # keep ids of commands that already existed (Discord does)
        match = next(
            (
                c
                for c in old.values()
                if c["name"] == body["name"] and c["type"] == int(body.get("type") or 1)
            ),
            None,
        )
        if match:
            table[int(match["id"])] = match
        out.append(_store(emu, table, body, guild_id))
    return out


@route("GET", "/applications/{application_id}/commands")
@route("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
async def list_commands(emu: Emulator, req: Req) -> list:
    table, _ = _table(emu, req)
    return list(table.values())


@route("POST", "/applications/{application_id}/commands")
@route("POST", "/applications/{application_id}/guilds/{guild_id}/commands")
async def upsert(emu: Emulator, req: Req) -> dict:
    table, guild_id = _table(emu, req)
    return _store(emu, table, req.json or {}, guild_id)


@route("DELETE", "/applications/{application_id}/commands/{command_id}")
@route("DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}")
async def delete_command(emu: Emulator, req: Req) -> None:
    table, _ = _table(emu, req)
    if table.pop(req.int("command_id"), None) is None:
        raise unknown("command")


# -- callbacks ----------------------------------------------------------------------------------


def _interaction(emu: Emulator, interaction_id: int, token: str) -> Interaction:
    inter = emu.world.interactions.get(interaction_id)
    if inter is None or inter.token != token:
        raise unknown("interaction")
    return inter


def _bot_message_extra(emu: Emulator, inter: Interaction) -> dict:
    user = emu.world.users[inter.user_id]
    return {
        "webhook_id": str(emu.application_id),
        "application_id": str(emu.application_id),
        "type": 20 if inter.type == 2 else 0,
        "interaction_metadata": {
            "id": str(inter.id),
            "type": inter.type,
            "user": user,
            "authorizing_integration_owners": {"0": str(inter.guild_id or 0)},
        },
    }


async def _new_response_message(
    emu: Emulator,
    inter: Interaction,
    data: dict,
    files: list,
    ephemeral: bool,
    loading: bool = False,
) -> dict:
    body = dict(data)
    if loading:
        body["flags"] = int(body.get("flags") or 0) | LOADING
    message = emu.new_message(
        inter.channel_id,
        emu.bot_user,
        body,
        check_files(data, files),
        ephemeral=ephemeral,
        **_bot_message_extra(emu, inter),
    )
    if not ephemeral:
        await emu.dispatch("MESSAGE_CREATE", emu.message_event(message))
    return message


@route("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
async def callback(emu: Emulator, req: Req) -> Any:
    inter = _interaction(emu, req.int("interaction_id"), req.params["interaction_token"])
    if inter.response_type is not None:
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    body = req.json or {}
    type_ = int(body["type"])
    data = body.get("data") or {}
    allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[inter.type]
    if type_ not in allowed:
        raise ApiError(400, 40043, f"Interaction callback type {type_} invalid here")
    inter.response_type = type_
    inter.response_data = data
    ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
    message: dict | None = None
    if type_ == 4:
        message = await _new_response_message(emu, inter, data, req.files, ephemeral)
        inter.original_id = int(message["id"])
    elif type_ == 5:
        message = await _new_response_message(
            emu, inter, {"flags": data.get("flags")}, [], ephemeral, loading=True
        )
        inter.original_id = int(message["id"])
    elif type_ in (6, 7):
        inter.original_id = inter.message_id
        if type_ == 7 and inter.message_id is not None:
            target = emu.world.messages[inter.message_id]
            message = await apply_edit(emu, target, data, req.files)
    elif type_ == 8:
        inter.choices = data.get("choices") or []
    elif type_ == 9:
        inter.modal = data
    inter.responded.set()
    if type_ != 5:
        inter.done.set()
    response: dict[str, Any] = {
        "interaction": {
            "id": str(inter.id),
            "type": inter.type,
            "response_message_loading": type_ == 5,
            "response_message_ephemeral": ephemeral,
        },
        "resource": {"type": type_},
    }
    if message is not None:
        response["interaction"]["response_message_id"] = message["id"]
        response["resource"]["message"] = message
    if req.query.get("with_response") in ("true", "True", "1"):
        return response
    return None


# -- followups and @original ---------------------------------------------------------------------


def _by_token(emu: Emulator, req: Req) -> Interaction:
    if req.int("webhook_id") != emu.application_id:
        raise unknown("webhook")
    token = req.params["webhook_token"]
    inter_id = emu.world.tokens.get(token)
    if inter_id is None:
        raise unknown("webhook")
    inter = emu.world.interactions[inter_id]
    if inter.response_type is None:
        raise unknown("webhook")
    return inter


def _message_of(emu: Emulator, inter: Interaction, raw_id: str) -> dict:
    if raw_id == "@original":
        if inter.original_id is None or inter.original_id not in emu.world.messages:
            raise unknown("message")
        return emu.world.messages[inter.original_id]
    message_id = int(raw_id)
    if message_id not in inter.followups and message_id != inter.original_id:
        raise unknown("message")
    if message_id not in emu.world.messages:
        raise unknown("message")
    return emu.world.messages[message_id]


@route("POST", "/webhooks/{webhook_id}/{webhook_token}")
async def followup(emu: Emulator, req: Req) -> Any:
    inter = _by_token(emu, req)
    body = req.json or {}
    original = emu.world.messages.get(inter.original_id or 0)
    if inter.response_type == 5 and not inter.completed and original is not None:
        # the first followup after a deferral replaces the "thinking" message
        message = await apply_edit(emu, original, body, req.files)
    else:
        ephemeral = bool(int(body.get("flags") or 0) & EPHEMERAL)
        message = await _new_response_message(emu, inter, body, req.files, ephemeral)
    inter.followups.append(int(message["id"]))
    inter.completed = True
    inter.done.set()
    if req.query.get("wait") in ("true", "True", "1"):
        return message
    return None


@route("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def get_message(emu: Emulator, req: Req) -> dict:
    inter = _by_token(emu, req)
    return _message_of(emu, inter, req.params["message_id"])


@route("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def edit_message(emu: Emulator, req: Req) -> dict:
    inter = _by_token(emu, req)
    message = _message_of(emu, inter, req.params["message_id"])
    await apply_edit(emu, message, req.json or {}, req.files)
    if req.params["message_id"] == "@original":
        inter.completed = True
        inter.done.set()
    return message


@route("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def delete_message(emu: Emulator, req: Req) -> None:
    inter = _by_token(emu, req)
    message = _message_of(emu, inter, req.params["message_id"])
    await remove_message(emu, message)
    if req.params["message_id"] == "@original":
        inter.completed = True
        inter.done.set()

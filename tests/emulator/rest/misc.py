"""Login and gateway discovery."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.emulator.errors import unknown
from tests.emulator.router import Req, route

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


@route("GET", "/gateway/bot")
async def gateway_bot(emu: Emulator, req: Req) -> dict:
    return {
        "url": emu.gateway_url,
        "shards": 1,
        "session_start_limit": {
            "total": 1000,
            "remaining": 999,
            "reset_after": 14_400_000,
            "max_concurrency": 1,
        },
    }


@route("GET", "/gateway")
async def gateway(emu: Emulator, req: Req) -> dict:
    return {"url": emu.gateway_url}


@route("GET", "/users/@me")
async def me(emu: Emulator, req: Req) -> dict:
    return {
        **emu.bot_user,
        "verified": True,
        "mfa_enabled": False,
        "locale": "en-US",
        "email": None,
    }


@route("GET", "/users/{user_id}")
async def get_user(emu: Emulator, req: Req) -> dict:
    user = emu.world.users.get(req.int("user_id"))
    if user is None:
        raise unknown("user")
    return user


def application(emu: Emulator) -> dict:
    owner = next(iter(emu.world.users.values()))
    return {
        "id": str(emu.application_id),
        "name": emu.bot_user["username"],
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": owner,
        "team": None,
        "bot": emu.bot_user,
        "rpc_origins": [],
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "approximate_guild_count": len(emu.bot_guilds()),
        "integration_types_config": {"0": {}},
    }


@route("GET", "/oauth2/applications/@me")
async def oauth_app(emu: Emulator, req: Req) -> dict:
    return application(emu)


@route("GET", "/applications/@me")
async def app_me(emu: Emulator, req: Req) -> dict:
    return application(emu)

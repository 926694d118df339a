"""Guild scheduled events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tests.emulator.errors import form_error, unknown
from tests.emulator.rest.common import get_guild, guild_perms, need
from tests.emulator.router import Req, route
from tests.emulator.state import Guild

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

STAGE, VOICE, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4


def _epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _check(emu: Emulator, guild: Guild, event: dict, creating: bool) -> None:
    if event["entity_type"] == EXTERNAL:
        if not (event.get("entity_metadata") or {}).get("location"):
            raise form_error(
                "entity_metadata.location", "BASE_TYPE_REQUIRED", "This field is required"
            )
        if not event.get("scheduled_end_time"):
            raise form_error("scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
        if event.get("channel_id"):
            raise form_error(
                "channel_id",
                "GUILD_SCHEDULED_EVENT_CHANNEL_INVALID",
                "External events cannot have a channel",
            )
    elif event.get("channel_id") is None or int(event["channel_id"]) not in guild.channels:
        raise form_error("channel_id", "BASE_TYPE_REQUIRED", "This field is required")
    start = _epoch(event["scheduled_start_time"])
    if creating and start < emu.world.ids.now():
        raise form_error(
            "scheduled_start_time",
            "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
            "Cannot schedule event in the past.",
        )
    if event.get("scheduled_end_time") and _epoch(event["scheduled_end_time"]) < start:
        raise form_error(
            "scheduled_end_time",
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
            "Cannot schedule event to end before starting.",
        )


def _get(guild: Guild, event_id: int) -> dict:
    event = guild.scheduled_events.get(event_id)
    if event is None:
        raise unknown("event")
    return event


FIELDS = (
    "name",
    "description",
    "scheduled_start_time",
    "scheduled_end_time",
    "privacy_level",
    "entity_type",
    "channel_id",
    "entity_metadata",
    "image",
    "recurrence_rule",
    "status",
)


@route("POST", "/guilds/{guild_id}/scheduled-events")
async def create(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    need(guild_perms(emu, guild), "MANAGE_EVENTS")
    body: dict[str, Any] = req.json or {}
    event = {
        "id": str(emu.world.ids.next()),
        "guild_id": str(guild.id),
        "channel_id": None,
        "creator_id": emu.bot_user["id"],
        "creator": emu.bot_user,
        "name": body.get("name"),
        "description": None,
        "scheduled_start_time": None,
        "scheduled_end_time": None,
        "privacy_level": 2,
        "status": SCHEDULED,
        "entity_type": EXTERNAL,
        "entity_id": None,
        "entity_metadata": None,
        "user_count": 0,
        "image": None,
        "recurrence_rule": None,
        "auto_start": False,
    }
    event.update({k: body[k] for k in FIELDS if k in body and k != "status"})
    _check(emu, guild, event, creating=True)
    guild.scheduled_events[int(event["id"])] = event
    await emu.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
    return event


@route("GET", "/guilds/{guild_id}/scheduled-events")
async def list_events(emu: Emulator, req: Req) -> list:
    return list(get_guild(emu, req.int("guild_id")).scheduled_events.values())


@route("GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
async def get(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    return _get(guild, req.int("guild_scheduled_event_id"))


@route("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
async def edit(emu: Emulator, req: Req) -> dict:
    guild = get_guild(emu, req.int("guild_id"))
    need(guild_perms(emu, guild), "MANAGE_EVENTS")
    event = _get(guild, req.int("guild_scheduled_event_id"))
    body: dict[str, Any] = req.json or {}
    updated = {**event, **{k: body[k] for k in FIELDS if k in body}}
    if updated.get("entity_type") == EXTERNAL and "channel_id" not in body:
        updated["channel_id"] = None
    _check(emu, guild, updated, creating=False)
    event.update(updated)
    await emu.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
    return event


@route("DELETE", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
async def delete(emu: Emulator, req: Req) -> None:
    guild = get_guild(emu, req.int("guild_id"))
    need(guild_perms(emu, guild), "MANAGE_EVENTS")
    event = _get(guild, req.int("guild_scheduled_event_id"))
    del guild.scheduled_events[int(event["id"])]
    await emu.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)

"""Helpers of the cross-feature acceptance tests (`/config`, feature switches, managers,
audit lines, pings and permissions)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository


HOUR = 3600


FEATURE_COMMANDS = {
    "groups": ("group",),
    "checkins": ("checkin", "goal"),
    "polls": ("poll",),
    "events": ("event",),
    "cycles": ("cycle",),
    "insights": ("insights",),
}


def epoch(*args: int, tz=UTC) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp())


def all_text(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def channel_id(guild, name: str) -> int:
    return int(next(c for c in guild.channels() if c["name"] == name)["id"])


def dummy_options(guild, options: list[dict]) -> dict:
    """A value for every required option, as a user would fill the form in."""
    values = {}
    for opt in options:
        if not opt.get("required"):
            continue
        kind = opt["type"]
        if opt.get("choices"):
            values[opt["name"]] = opt["choices"][0]["value"]
        elif kind == 3:
            values[opt["name"]] = {"time": "18:00", "zone": "Europe/Berlin"}.get(opt["name"], "x")
        elif kind == 4:
            values[opt["name"]] = 3
        elif kind == 5:
            values[opt["name"]] = True
        elif kind == 6:
            values[opt["name"]] = guild.bob
        elif kind == 7:
            values[opt["name"]] = guild.general
        elif kind == 8:
            values[opt["name"]] = guild.manager_role_id
    return values


def subcommands(guild, top: str) -> list[tuple[str, dict]]:
    command = next(c for c in guild.commands() if c["name"] == top)
    return [(f"{top} {o['name']}", o) for o in command.get("options", []) if o["type"] == 1]


async def use_manager_role(guild) -> None:
    r = await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    assert r.ephemeral, r.text


async def log_lines(guild, log: int) -> list[str]:
    return [m["content"] for m in guild.messages(log)]


def requests_with(emulator, needle: str) -> list:
    found = []
    for req in emulator.requests:
        body = req.json
        if not isinstance(body, dict):
            continue
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        if needle in str(data.get("content") or ""):
            found.append(data)
    return found


def assert_no_mass_pings(emulator, needle: str) -> int:
    found = requests_with(emulator, needle)
    for data in found:
        mentions = data.get("allowed_mentions")
        assert mentions is not None, data
        parse = mentions.get("parse") or []
        assert "everyone" not in parse and "roles" not in parse, data
        assert not mentions.get("roles"), data
    return len(found)

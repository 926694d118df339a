"""The emulator's world, kept as Discord-shaped JSON dicts (what REST returns)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from tests.emulator.ids import Snowflakes
from tests.emulator.permissions import bits

EVERYONE_DEFAULT = bits(
    "VIEW_CHANNEL",
    "SEND_MESSAGES",
    "READ_MESSAGE_HISTORY",
    "ADD_REACTIONS",
    "CONNECT",
    "SPEAK",
    "USE_APPLICATION_COMMANDS",
    "CREATE_INSTANT_INVITE",
    "CHANGE_NICKNAME",
    "EMBED_LINKS",
    "ATTACH_FILES",
    "USE_EXTERNAL_EMOJIS",
    "USE_EXTERNAL_STICKERS",
    "SEND_MESSAGES_IN_THREADS",
    "CREATE_PUBLIC_THREADS",
    "CREATE_PRIVATE_THREADS",
    "USE_VOICE_ACTIVATION",
    "STREAM",
    "USE_EMBEDDED_ACTIVITIES",
    "REQUEST_TO_SPEAK",
    "SEND_VOICE_MESSAGES",
    "SEND_POLLS",
    "USE_EXTERNAL_APPS",
)

MAX_ROLES = 250
MAX_CHANNELS = 500
MAX_PER_CATEGORY = 50


def user_dict(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(user_id),
        "username": name,
        "global_name": None if bot else name.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }
    if bot:
        data["bot"] = True
    return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, dict] = field(default_factory=dict)
    channels: dict[int, dict] = field(default_factory=dict)
    members: dict[int, dict] = field(default_factory=dict)
    scheduled_events: dict[int, dict] = field(default_factory=dict)
    commands: dict[int, dict] = field(default_factory=dict)
    voice_states: dict[int, dict] = field(default_factory=dict)  # user id → voice state

    def base(self) -> dict[str, Any]:
        everyone_channel = next(iter(self.channels), None)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": self.sorted_roles(),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(everyone_channel) if everyone_channel else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "max_presences": None,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "nsfw": False,
            "premium_progress_bar_enabled": False,
            "incidents_data": None,
        }

    def sorted_roles(self) -> list[dict]:
        return sorted(self.roles.values(), key=lambda r: (r["position"], int(r["id"])))

    def sorted_channels(self) -> list[dict]:
        return sorted(self.channels.values(), key=lambda c: (c["position"], int(c["id"])))

    def role_by(self, key: int | str) -> dict:
        if isinstance(key, int) or str(key).isdigit():
            return self.roles[int(key)]
        for role in self.roles.values():
            if role["name"] == key:
                return role
        raise KeyError(f"no role {key!r}; roles: {[r['name'] for r in self.roles.values()]}")

    def channel_by(self, key: int | str) -> dict:
        if isinstance(key, int) or str(key).isdigit():
            return self.channels[int(key)]
        for channel in self.channels.values():
            if channel["name"] == str(key).lstrip("#"):
                return channel
        raise KeyError(
            f"no channel {key!r}; channels: {[c['name'] for c in self.channels.values()]}"
        )


@dataclass
class Interaction:
    """One interaction the emulator sent, and everything the bot did to answer it."""

    id: int
    token: str
    type: int
    user_id: int
    guild_id: int | None
    channel_id: int
    message_id: int | None = None  # the component's message (type 3)
    response_type: int | None = None
    response_data: dict | None = None
    original_id: int | None = None  # message created by the response (or its edit)
    followups: list[int] = field(default_factory=list)
    modal: dict | None = None
    choices: list[dict] | None = None
    completed: bool = False  # deferred responses: the original was edited / followed up
    responded: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class World:
    ids: Snowflakes
    users: dict[int, dict] = field(default_factory=dict)
    dms_closed: set[int] = field(default_factory=set)
    guilds: dict[int, Guild] = field(default_factory=dict)
    dm_channels: dict[int, dict] = field(default_factory=dict)  # user id → channel
    messages: dict[int, dict] = field(default_factory=dict)  # message id → message
    channel_messages: dict[int, list[int]] = field(default_factory=dict)
    # message id → emoji key → user ids in reaction order
    reactions: dict[int, OrderedDict[str, list[int]]] = field(default_factory=dict)
    interactions: dict[int, Interaction] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    global_commands: dict[int, dict] = field(default_factory=dict)
    attachments: dict[int, bytes] = field(default_factory=dict)

    def find_channel(self, channel_id: int) -> tuple[Guild | None, dict | None]:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild, guild.channels[channel_id]
        for channel in self.dm_channels.values():
            if int(channel["id"]) == channel_id:
                return None, channel
        return None, None

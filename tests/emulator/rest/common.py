"""Lookups and permission checks shared by the route modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.emulator import permissions as perms
from tests.emulator.errors import missing_access, missing_permissions, unknown
from tests.emulator.state import Guild

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


def bot_id(emu: Emulator) -> int:
    return int(emu.bot_user["id"])


def get_guild(emu: Emulator, guild_id: int) -> Guild:
    guild = emu.world.guilds.get(guild_id)
    if guild is None or bot_id(emu) not in guild.members:
        raise unknown("guild")
    return guild


def get_channel(emu: Emulator, channel_id: int) -> tuple[Guild | None, dict]:
    guild, channel = emu.world.find_channel(channel_id)
    if channel is None:
        raise unknown("channel")
    if guild is not None:
        if bot_id(emu) not in guild.members:
            raise unknown("channel")
        if not channel_perms(emu, guild, channel) & perms.VIEW_CHANNEL:
            raise missing_access()
    elif bot_id(emu) not in [int(u["id"]) for u in channel.get("recipients", [])] + [bot_id(emu)]:
        raise unknown("channel")
    return guild, channel


def get_message(emu: Emulator, channel_id: int, message_id: int) -> dict:
    message = emu.world.messages.get(message_id)
    if message is None or int(message["channel_id"]) != channel_id or message["flags"] & 64:
        raise unknown("message")
    return message


def guild_perms(emu: Emulator, guild: Guild) -> int:
    return perms.base_permissions(guild, bot_id(emu))


def channel_perms(emu: Emulator, guild: Guild, channel: dict) -> int:
    return perms.channel_permissions(guild, bot_id(emu), channel)


def need(have: int, *names: str) -> None:
    if have & perms.ADMINISTRATOR:
        return
    for name in names:
        if not have & perms.bit(name):
            raise missing_permissions()


def need_in_channel(emu: Emulator, guild: Guild | None, channel: dict, *names: str) -> None:
    if guild is None:  # DMs: everything a DM allows
        return
    need(channel_perms(emu, guild, channel), *names)


def is_owner(emu: Emulator, guild: Guild) -> bool:
    return guild.owner_id == bot_id(emu)


def check_hierarchy(emu: Emulator, guild: Guild, role: dict) -> None:
    """The bot may only manage roles strictly below its highest role (owner excepted)."""
    if is_owner(emu, guild):
        return
    if role["position"] >= perms.top_role_position(guild, bot_id(emu)):
        raise missing_permissions()


def check_grantable(emu: Emulator, have: int, value: int) -> None:
    """Nobody can grant permissions they do not have themselves (Administrator excepted)."""
    if have & perms.ADMINISTRATOR:
        return
    if value & ~have:
        raise missing_permissions()

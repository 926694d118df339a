"""Voice presence as Discord's gateway reports it: a member joining, moving between and
leaving voice channels is a VOICE_STATE_UPDATE (a voice state with `guild_id` and the
`member`; `channel_id` null when they left), and GUILD_CREATE carries the guild's current
voice states (without `guild_id`) plus the members connected to voice. No audio, no
voice server: the bot never joins voice.

Connecting takes View Channel and Connect in that channel, as the Discord client checks."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from tests.emulator import permissions as perms

if TYPE_CHECKING:
    from tests.emulator.server import Emulator
    from tests.emulator.state import Guild

VOICE_TYPES = (2, 13)  # GUILD_VOICE, GUILD_STAGE_VOICE
CONNECT = perms.bit("connect") | perms.VIEW_CHANNEL


def voice_state(guild: Guild, user_id: int, channel_id: int | None, session_id: str) -> dict:
    """A voice state object (VoiceStateResponse in Discord's OpenAPI spec)."""
    return {
        "guild_id": str(guild.id),
        "channel_id": str(channel_id) if channel_id is not None else None,
        "user_id": str(user_id),
        "member": dict(guild.members[user_id]),
        "session_id": session_id,
        "deaf": False,
        "mute": False,
        "self_deaf": False,
        "self_mute": False,
        "self_stream": False,
        "self_video": False,
        "suppress": False,
        "request_to_speak_timestamp": None,
    }


async def set_voice_channel(
    emulator: Emulator, guild: Guild, user_id: int, channel_id: int | None
) -> dict:
    """Move a member into `channel_id` (None: out of voice) and dispatch the update."""
    if channel_id is not None:
        channel = guild.channels.get(int(channel_id))
        assert channel is not None and channel["type"] in VOICE_TYPES, (
            f"no voice channel {channel_id}"
        )
        allowed = perms.channel_permissions(guild, user_id, channel)
        assert allowed & CONNECT == CONNECT, f"user {user_id} may not connect to {channel_id}"
    previous = guild.voice_states.get(user_id)
    session = previous["session_id"] if previous else secrets.token_hex(16)
    state = voice_state(guild, user_id, channel_id, session)
    if channel_id is None:
        guild.voice_states.pop(user_id, None)
    else:
        guild.voice_states[user_id] = state
    await emulator.dispatch("VOICE_STATE_UPDATE", state)
    return state


def guild_create_voice(guild: Guild) -> tuple[list[dict], list[dict]]:
    """GUILD_CREATE's `voice_states` (no `guild_id`, no `member`) and the members in voice
    (Discord sends those even without the members intent)."""
    states: list[dict[str, Any]] = []
    members = []
    for user_id, state in guild.voice_states.items():
        if user_id not in guild.members:
            continue
        states.append({k: v for k, v in state.items() if k not in ("guild_id", "member")})
        members.append(dict(guild.members[user_id]))
    return states, members

"""A staff-only text channel (the log and the digest channel must be one: docs/rules.md, "Server configuration"):
@everyone denied View Channel, the bot's role allowed in (a test gives the manager role access
when it needs managers to read it)."""

from __future__ import annotations

VIEW_CHANNEL = 1 << 10
BOT_ALLOW = (
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16)
)  # view, send, embed, files, history


def staff_channel(emulator, guild, name: str = "huddle-log") -> int:
    world_guild = emulator.world.guilds[guild.id]
    overwrites = [
        {"id": guild.id, "type": 0, "deny": VIEW_CHANNEL},
        {"id": guild.bot_role_id, "type": 0, "allow": BOT_ALLOW},
    ]
    return int(emulator.new_channel(world_guild, name, 0, overwrites=overwrites)["id"])

"""Helpers for the events tests: the event message, its RSVP buttons, the embed as
text, who a post pinged, a new channel, a group row straight in the database."""

from __future__ import annotations


def event_message(guild, channel=None) -> dict:
    """The latest bot message with RSVP buttons."""
    for message in reversed(guild.messages(channel or guild.general)):
        if any("huddle:events:going:" in str(row) for row in message.get("components") or []):
            return message
    raise AssertionError("no event message")


def button_ids(message: dict) -> dict[str, str]:
    ids = {}
    for row in message["components"]:
        for button in row["components"]:
            ids[button["label"]] = button["custom_id"]
    return ids


def pinged(emulator, needle: str) -> list[list[str]]:
    """allowed_mentions.users of each message the bot posted containing `needle`."""
    bodies = [r.json for r in emulator.find_requests("POST", r"/channels/\d+/messages$")]
    return [
        [str(u) for u in (b.get("allowed_mentions") or {}).get("users", [])]
        for b in bodies
        if b and needle in (b.get("content") or "")
    ]


def embed_text(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


async def new_channel(emulator, guild, name: str, kind: int) -> int:
    channel = emulator.new_channel(emulator.world.guilds[guild.id], name, kind)
    await emulator.dispatch("CHANNEL_CREATE", channel)
    await emulator.settle()
    return int(channel["id"])


async def make_group(
    bot, guild, name: str, channel_id: int, voice_id: int | None, leader, members
) -> int:
    group_id = await bot.store.insert(
        "INSERT INTO groups (guild_id, name, name_key, channel_id, voice_channel_id, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 0)",
        (guild.id, name, name.casefold(), channel_id, voice_id, leader.id),
    )
    for user in [leader, *members]:
        await bot.store.execute(
            "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at) VALUES (?, ?, ?, ?, 0)",
            (guild.id, group_id, user.id, int(user is leader)),
        )
    return group_id

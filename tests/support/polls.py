"""Helpers for the polls tests."""

from __future__ import annotations

import re

from cogs.polls import logic
from tests.emulator.replies import flatten

A, B, C, D = "🇦", "🇧", "🇨", "🇩"


def polls_service(bot):
    return bot.get_cog("Polls").service


async def quiet(bot, emulator, rounds: int = 3) -> None:
    """Until every reaction event, bot removal (and its echo) and edit is done."""
    service = polls_service(bot)
    for _ in range(rounds):
        await emulator.settle()
        await service.idle()
    await emulator.settle()


def last_poll(guild, channel_id: int | None = None) -> dict | None:
    """The newest bot message with a poll embed in the channel (default #general)."""
    messages = guild.messages(channel_id or guild.general)
    for message in reversed(messages):
        embeds = message.get("embeds") or []
        if embeds and (embeds[0].get("footer") or {}).get("text", "").startswith("Poll #"):
            return message
    return None


def poll_text(message: dict) -> str:
    return "\n".join(flatten(message))


async def poll_count(bot) -> int:
    return await bot.store.fetchval("SELECT COUNT(*) FROM polls")


def fast_edits(bot, interval: float = 0.05):
    """Live edits every 50 ms instead of 3 s, so tests don't wait for real seconds."""
    polls_service(bot).editor.interval = interval
    return bot


async def make_group(bot, guild, name: str, channel_id: int, members: list[int]) -> int:
    """A group row straight in the database (the groups feature owns the real flow)."""
    now = bot.clock.now()
    group_id = await bot.store.insert(
        "INSERT INTO groups (guild_id, name, name_key, channel_id, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (guild.id, name, name.casefold(), channel_id, members[0], now),
    )
    for index, user_id in enumerate(members):
        await bot.store.execute(
            "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (guild.id, group_id, user_id, int(index == 0), now),
        )
    return group_id


def paced_removals(bot, emulator, per: float = 0.01) -> None:
    """Discord's reaction pacing, scaled to `per` seconds a request per channel: the
    emulator answers 429 beyond it and the bot's remover paces itself at the same rate,
    so a burst of changed minds leaves a real backlog of stale reactions to clean up."""
    emulator.pace_reactions(per=per)
    polls_service(bot).remover.interval = per


def option_counts(message: dict, options: list[str]) -> list[int]:
    """The vote counts a poll message shows, option by option (`🇦 Dune — 3 votes`)."""
    text = poll_text(message)
    counts = []
    for index, name in enumerate(options):
        letter = logic.option_emoji(index)
        found = re.search(rf"{re.escape(letter)} {re.escape(name)} — (\d+) vote", text)
        assert found, f"no count for {name} in {text!r}"
        counts.append(int(found.group(1)))
    return counts


def reacted(guild, message_id: int, options: int) -> dict[int, set[int]]:
    """user id -> the options they have a reaction on (the bot's own left out)."""
    out: dict[int, set[int]] = {}
    for index in range(options):
        for user in guild.reactions(message_id).get(logic.option_emoji(index), []):
            if user != guild.bot_id:
                out.setdefault(user, set()).add(index)
    return out

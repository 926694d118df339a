"""Helpers for the check-ins tests: a Book Club group with members, its prompts and
summaries, the Check in button and its modal."""

from __future__ import annotations

import re

from tests.support.groups import create, group_id

HOUR = 3600
DAY = 86400
BUTTON = re.compile(r"^huddle:checkins:checkin:\d+$")


async def book_club(guild, bot) -> tuple[int, int]:
    """Alice leads Book Club (Europe/Berlin); Bob and Carol are members."""
    await bot.config.set(guild.id, "timezone", "Europe/Berlin")
    await create(guild.alice, "Book Club")
    for user in (guild.bob, guild.carol):
        r = await user.slash("group join", group="Book Club")
        assert "joined" in r.text, r.text
    gid = await group_id(bot, "Book Club")
    channel = await bot.store.fetchval("SELECT channel_id FROM groups WHERE id = ?", (gid,))
    return gid, int(channel)


def bot_messages(guild, channel: int, needle: str) -> list[dict]:
    return [m for m in guild.messages(channel) if needle in m["content"]]


def prompts(guild, channel: int) -> list[dict]:
    return bot_messages(guild, channel, "Check-in — Book Club")


def summaries(guild, channel: int) -> list[dict]:
    return bot_messages(guild, channel, "Check-in summary")


def button_id(message: dict) -> str:
    for row in message["components"]:
        for item in row.get("components", []):
            if BUTTON.match(item.get("custom_id", "")):
                assert item["label"] == "Check in"
                return item["custom_id"]
    raise AssertionError("no Check in button")


def missed_part(summary: dict) -> str:
    text = summary["content"]
    assert "**Missed" in text, text
    return text.split("**Missed", 1)[1].split("**Streak", 1)[0]


def sent_bodies(emulator, needle: str) -> list[dict]:
    bodies = [r.json for r in emulator.find_requests("POST", r"/channels/\d+/messages$")]
    return [b for b in bodies if b and needle in (b.get("content") or "")]


async def stop(bot, clock) -> None:
    """Close the bot; its scheduler unsubscribes from the fake clock."""
    await bot.close()


async def check_in_by_button(user, prompt: dict, note: str, status: str = "done"):
    shown = await user.click(prompt, button_id(prompt))
    assert shown.modal is not None, shown.text
    return await user.submit_modal(shown, {"note": note, "status": status})

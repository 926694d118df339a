"""Helpers for the club-cycle tests: a book club made through /group, the cycle started,
and what the group's channel shows."""

from __future__ import annotations

from typing import Any

from tests.support.groups import create, slash
from tests.support.messages import button_id, text_of
from tests.support.polls import fast_edits, quiet

DAY = 86400.0


async def book_club(guild, bot, members=("bob", "carol"), **options: Any) -> int:
    """`Book Club` led by alice, with `members` joined (`options` of `/group create`, e.g.
    `voice=True`); returns its channel id."""
    fast_edits(bot)
    reply = await create(guild.alice, "Book Club", "One book a month", **options)
    assert reply.ephemeral, reply.text
    for name in members:
        joined = await guild.member(name).slash("group join", group="Book Club")
        assert joined.ephemeral, joined.text
    return int(guild.channel("book-club")["id"])


async def start(user, group: str = "Book Club", **options: Any):
    options.setdefault("name", "Book of the month")
    options.setdefault("meet", "last thursday 19:00")
    return await slash(user, "cycle start", group=group, **options)


def posts(guild, channel_id: int, needle: str) -> list[dict]:
    """The bot's messages in a channel whose text contains `needle`."""
    return [
        m
        for m in guild.messages(channel_id)
        if needle in text_of(m) and int(m["author"]["id"]) == guild.bot_id
    ]


def polls_in(guild, channel_id: int) -> list[dict]:
    return [
        m
        for m in guild.messages(channel_id)
        if (((m.get("embeds") or [{}])[0].get("footer") or {}).get("text") or "").startswith(
            "Poll #"
        )
    ]


async def settle(bot, emulator) -> None:
    await quiet(bot, emulator)


__all__ = ["DAY", "book_club", "button_id", "polls_in", "posts", "settle", "start", "text_of"]

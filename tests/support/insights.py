"""Insights test data, written straight into the real database (the other features own
their real flows; insights only reads): groups of any size, check-in periods, events
with answers, polls with votes."""

from __future__ import annotations

import io
from typing import Any

DAY = 86_400
WEEK = 7 * DAY


def decode(png: bytes):
    from PIL import Image  # lazily: benchmarks measure the bot before Pillow loads

    im = Image.open(io.BytesIO(png))
    im.load()
    assert im.format == "PNG"
    return im


async def add_group(bot, guild, name: str, members: list[int], created: float) -> int:
    """An active group whose first member leads it, every member joined at `created`."""
    gid = await bot.store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (guild.id, name, name.casefold(), members[0], created),
    )
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(guild.id, gid, u, int(i == 0), created) for i, u in enumerate(members)],
        )
    return gid


async def add_period(bot, guild, gid: int, start: float, users: list[int], length=WEEK) -> None:
    """A prompted check-in period starting at `start` in which `users` checked in."""
    key = f"p{int(start)}"
    async with bot.store.transaction() as tx:
        await tx.execute(
            "INSERT INTO checkin_periods (guild_id, group_id, period_key, period_start,"
            " period_end, prompt_posted, summary_posted) VALUES (?, ?, ?, ?, ?, 1, 1)",
            (guild.id, gid, key, int(start), int(start + length)),
        )
        await tx.executemany(
            "INSERT INTO checkins (guild_id, group_id, user_id, period_key, period_start,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(guild.id, gid, u, key, int(start), start + 3600, start + 3600) for u in users],
        )


async def add_event(bot, guild, gid: int, title: str, start: float, answers: dict[int, str]):
    eid = await bot.store.insert(
        "INSERT INTO events (guild_id, group_id, title, start_at, end_at, timezone, status,"
        " created_by, created_at) VALUES (?, ?, ?, ?, ?, 'UTC', 'ended', ?, ?)",
        (guild.id, gid, title, start, start + 3600, guild.owner.id, start - WEEK),
    )
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO event_rsvps (event_id, user_id, status, seq, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(eid, u, s, i, start - DAY) for i, (u, s) in enumerate(answers.items())],
        )
    return eid


async def add_poll(bot, guild, gid: int, question: str, created: float, voters: list[int]):
    pid = await bot.store.insert(
        "INSERT INTO polls (guild_id, channel_id, group_id, creator_id, question, options,"
        " status, created_at, closed_at) VALUES (?, ?, ?, ?, ?, '[\"a\",\"b\"]', 'closed', ?, ?)",
        (guild.id, guild.general, gid, guild.owner.id, question, created, created + DAY),
    )
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO poll_votes (poll_id, user_id, option, voted_at) VALUES (?, ?, ?, ?)",
            [(pid, u, i % 2, created + 60) for i, u in enumerate(voters)],
        )
    return pid


def one_picture(reply: Any, filename: str):
    [attachment] = reply.attachments
    assert attachment["filename"] == filename
    im = decode(attachment["content"])
    assert im.size[0] == 1000 and 300 < im.size[1] < 2000, im.size
    return im

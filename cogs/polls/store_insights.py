"""SQL the insights feature reads about polls (through `cogs.polls.api`): one query per
figure for a whole server, never one per poll."""

from __future__ import annotations

import sqlite3

from core.store import Store


async def participation_rows(
    db: Store, guild_id: int, since: float, until: float
) -> list[sqlite3.Row]:
    """Insights: every posted group poll of a server created in [since, until) with its
    distinct voters, one query (columns group_id, question, created_at, voters)."""
    return await db.fetchall(
        "SELECT p.group_id, p.question, p.created_at, COUNT(DISTINCT v.user_id) AS voters"
        " FROM polls p LEFT JOIN poll_votes v ON v.poll_id = p.id"
        " WHERE p.guild_id = ? AND p.group_id IS NOT NULL AND p.status != 'pending'"
        " AND p.created_at >= ? AND p.created_at < ? GROUP BY p.id ORDER BY p.created_at",
        (guild_id, since, until),
    )


async def last_votes(db: Store, guild_id: int) -> dict[int, float]:
    """Insights: the latest vote (its time) per group of a server, one query."""
    rows = await db.fetchall(
        "SELECT p.group_id, MAX(v.voted_at) FROM polls p JOIN poll_votes v ON v.poll_id = p.id"
        " WHERE p.guild_id = ? AND p.group_id IS NOT NULL GROUP BY p.group_id",
        (guild_id,),
    )
    return {r[0]: r[1] for r in rows}

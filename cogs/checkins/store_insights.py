"""Server-wide check-in reads for insights and the check-in heatmap, one query each:
period completion of every group, the latest check-in per group, and a member's check-in
times. Plain functions over the database, re-exported by `cogs.checkins.store`."""

from __future__ import annotations

import sqlite3

from core.store import Store


async def completion_rows(
    db: Store, guild_id: int, since: float, until: float
) -> list[sqlite3.Row]:
    """Insights: every prompted period of a server's groups that started in [since, until),
    with its check-ins and the members expected (members who had joined before it ended),
    one query (columns group_id, period_start, period_end, checked_in, expected)."""
    return await db.fetchall(
        "SELECT p.group_id, p.period_start, p.period_end,"
        " (SELECT COUNT(*) FROM checkins c WHERE c.group_id = p.group_id AND c.owner = p.owner"
        "  AND c.period_start = p.period_start) AS checked_in,"  # (group_id, owner, start) index
        " (SELECT COUNT(*) FROM group_members m WHERE m.group_id = p.group_id"
        "  AND m.joined_at < p.period_end) AS expected"
        " FROM checkin_periods p WHERE p.guild_id = ? AND p.period_start >= ?"
        " AND p.period_start < ? ORDER BY p.group_id, p.period_start",
        (guild_id, int(since), int(until)),
    )


async def last_checkins(db: Store, guild_id: int) -> dict[int, float]:
    """Insights: the latest check-in (its time) per group of a server, one query."""
    rows = await db.fetchall(
        "SELECT group_id, MAX(updated_at) FROM checkins WHERE guild_id = ? GROUP BY group_id",
        (guild_id,),
    )
    return {r[0]: r[1] for r in rows}


async def member_checkin_times(
    db: Store, guild_id: int, user_id: int, group_ids: list[int], since: float
) -> list[float]:
    """A member's check-in times (first recorded) since `since` in these groups."""
    if not group_ids:
        return []
    marks = ",".join("?" * len(group_ids))
    rows = await db.fetchall(
        f"SELECT created_at FROM checkins WHERE guild_id = ? AND user_id = ?"
        f" AND group_id IN ({marks}) AND created_at >= ? ORDER BY created_at",
        (guild_id, user_id, *group_ids, since),
    )
    return [r[0] for r in rows]

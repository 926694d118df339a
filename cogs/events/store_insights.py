"""The events feature's server-wide reads for insights (through `cogs.events.api`): one
query per figure family per server."""

from __future__ import annotations

from typing import Any

from core.store import Store


async def attendance_rows(db: Store, guild_id: int, since: float, until: float) -> list[Any]:
    """Insights: every occurrence of a group event of a server starting in [since, until),
    with its going and answered counts and how many came (NULL: not known), one query
    (columns group_id, title, start_at, going, answered, came). An occurrence that ended
    is read from its record (a series resets its answers for the next one); the current
    one of an event not cancelled from its answers (who came is known once it ended)."""
    return await db.fetchall(
        "SELECT e.group_id, o.title, o.occurrence_start AS start_at,"
        " json_array_length(o.going) AS going, o.answered, o.came"
        " FROM event_occurrences_ended o JOIN events e ON e.id = o.event_id"
        " WHERE e.guild_id = ? AND e.group_id IS NOT NULL"
        " AND o.occurrence_start >= ? AND o.occurrence_start < ?"
        " UNION ALL"
        " SELECT e.group_id, e.title, e.start_at,"
        " COALESCE(SUM(r.status = 'going'), 0) AS going, COUNT(r.user_id) AS answered,"
        " NULL AS came"
        " FROM events e LEFT JOIN event_rsvps r ON r.event_id = e.id"
        " WHERE e.guild_id = ? AND e.group_id IS NOT NULL AND e.status != 'cancelled'"
        " AND e.start_at >= ? AND e.start_at < ? AND NOT EXISTS (SELECT 1 FROM"
        " event_occurrences_ended o WHERE o.event_id = e.id AND o.occurrence_start = e.start_at)"
        " GROUP BY e.id ORDER BY start_at",
        (guild_id, since, until, guild_id, since, until),
    )


async def last_answers(db: Store, guild_id: int) -> dict[int, float]:
    """Insights: the latest RSVP answer (its time) per group of a server, one query."""
    rows = await db.fetchall(
        "SELECT e.group_id, MAX(r.answered_at) FROM events e"
        " JOIN event_rsvps r ON r.event_id = e.id"
        " WHERE e.guild_id = ? AND e.group_id IS NOT NULL GROUP BY e.group_id",
        (guild_id,),
    )
    return {r[0]: r[1] for r in rows}

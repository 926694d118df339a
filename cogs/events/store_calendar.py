"""The events feature's SQL for one meeting of a series and for calendar feeds."""

from __future__ import annotations

from dataclasses import dataclass

from cogs.events.models import Event, OccurrenceChange
from cogs.groups import api as groups
from core.store import Store

CANCELLED_SHOWN = 30 * 86400  # a cancelled event stays in feeds this long, marked cancelled

# -- one meeting of a series ------------------------------------------------------------------


async def occurrence_changes(
    store: Store, event_ids: list[int]
) -> dict[int, list[OccurrenceChange]]:
    """The skipped and moved meetings of many events in one query (event id -> changes)."""
    found: dict[int, list[OccurrenceChange]] = {event_id: [] for event_id in event_ids}
    if not event_ids:
        return found
    marks = ", ".join("?" for _ in event_ids)
    rows = await store.fetchall(
        f"SELECT * FROM event_occurrences WHERE event_id IN ({marks}) ORDER BY slot_at",
        tuple(event_ids),
    )
    for row in rows:
        found[row["event_id"]].append(OccurrenceChange.from_row(row))
    return found


async def set_occurrence(
    store: Store,
    event_id: int,
    slot_at: float,
    status: str | None,
    times: tuple[float, float] | None,
    now: float,
) -> None:
    """Skip (`status='skipped'`) or move (`'moved'`, `times` = new start and end) one
    meeting, or undo its change (`status=None`); the event's SEQUENCE goes up with it."""
    async with store.transaction() as tx:
        await tx.execute(
            "DELETE FROM event_occurrences WHERE event_id = ? AND ABS(slot_at - ?) < 1",
            (event_id, slot_at),
        )
        if status is not None:
            start, end = times if times else (None, None)
            await tx.execute(
                "INSERT INTO event_occurrences (event_id, slot_at, status, start_at, end_at,"
                " changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                (event_id, slot_at, status, start, end, now),
            )
        await tx.execute(
            "UPDATE events SET sequence = sequence + 1, updated_at = ? WHERE id = ?",
            (now, event_id),
        )


async def clear_occurrences(store: Store, event_id: int) -> int:
    """The series' times changed: its per-meeting changes no longer name its meetings."""
    return await store.execute("DELETE FROM event_occurrences WHERE event_id = ?", (event_id,))


# -- calendar links -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkOwner:
    guild_id: int
    user_id: int


async def link_owner(store: Store, token_hash: str) -> LinkOwner | None:
    row = await store.fetchone(
        "SELECT guild_id, user_id FROM calendar_links WHERE token_hash = ?", (token_hash,)
    )
    return LinkOwner(row["guild_id"], row["user_id"]) if row else None


async def has_link(store: Store, guild_id: int, user_id: int) -> bool:
    row = await store.fetchone(
        "SELECT 1 FROM calendar_links WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return row is not None


async def replace_link(
    store: Store, guild_id: int, user_id: int, token_hash: str, now: float
) -> None:
    """The member's one link is now this one; any older one stops at once."""
    async with store.transaction() as tx:
        await tx.execute(
            "DELETE FROM calendar_links WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        await tx.execute(
            "INSERT INTO calendar_links (token_hash, guild_id, user_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash, guild_id, user_id, now),
        )


# -- what a feed shows ------------------------------------------------------------------------


def _feed_filter(
    viewer: groups.Viewer, since: float, until: float, now: float
) -> tuple[str, tuple[object, ...]]:
    """The events (`e`) a member's feed shows: what they may see (the one privacy filter),
    on now or within the window, and cancelled ones for 30 days after the cancel."""
    seen, seen_params = groups.visible_sql(viewer, "e.group_id")
    sql = (
        f"e.guild_id = ? AND {seen} AND e.start_at < ?"
        " AND ((e.status = 'scheduled' AND (e.rrule IS NOT NULL OR e.end_at > ?))"
        "  OR (e.status = 'ended' AND e.end_at > ?)"
        "  OR (e.status = 'cancelled' AND e.cancelled_at > ?"
        "      AND (e.rrule IS NOT NULL OR e.end_at > ?)))"
    )
    params = (viewer.guild_id, *seen_params, until, since, since, now - CANCELLED_SHOWN, since)
    return sql, params


async def feed_events(
    store: Store, viewer: groups.Viewer, since: float, until: float, now: float
) -> list[Event]:
    where, params = _feed_filter(viewer, since, until, now)
    rows = await store.fetchall(
        f"SELECT e.* FROM events e WHERE {where} ORDER BY e.start_at, e.id", params
    )
    return [Event.from_row(r) for r in rows]


async def feed_fingerprint(
    store: Store, viewer: groups.Viewer, since: float, until: float, now: float
) -> tuple[object, ...]:
    """What changes whenever the feed would: which events (count, ids), their SEQUENCEs
    and last change, and the member's own answers. Two queries, no event rows read out."""
    where, params = _feed_filter(viewer, since, until, now)
    events = await store.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(e.id), 0), COALESCE(SUM(e.sequence), 0),"
        f" COALESCE(MAX(e.updated_at), 0) FROM events e WHERE {where}",
        params,
    )
    answers = await store.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(r.event_id * 4 + LENGTH(r.status)), 0),"
        " COALESCE(MAX(r.answered_at), 0) FROM event_rsvps r"
        f" JOIN events e ON e.id = r.event_id WHERE r.user_id = ? AND {where}",
        (viewer.user_id, *params),
    )
    assert events is not None and answers is not None
    return (*tuple(events), *tuple(answers))


async def answers_of(store: Store, guild_id: int, user_id: int) -> dict[int, str]:
    """The member's answer to each event of the server they answered (event id -> status)."""
    rows = await store.fetchall(
        "SELECT r.event_id, r.status FROM event_rsvps r JOIN events e ON e.id = r.event_id"
        " WHERE r.user_id = ? AND e.guild_id = ?",
        (user_id, guild_id),
    )
    return {row["event_id"]: row["status"] for row in rows}

"""The events store's answers (RSVPs): read them, and record one with the waitlist moving
up in the same transaction."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cogs.events.logic import Rsvp, RsvpOutcome, apply_rsvp, promotions
from core.store import Store, Tx


class RsvpStore:
    store: Store

    async def rsvps(self, event_id: int) -> list[Rsvp]:
        rows = await self.store.fetchall(
            "SELECT user_id, status, seq, display_name FROM event_rsvps WHERE event_id = ?"
            " ORDER BY seq",
            (event_id,),
        )
        return [_rsvp(r) for r in rows]

    async def rsvps_of(self, event_ids: list[int]) -> dict[int, list[Rsvp]]:
        """The answers of many events in one query (event id -> answers in order)."""
        found: dict[int, list[Rsvp]] = {event_id: [] for event_id in event_ids}
        if not event_ids:
            return found
        marks = ", ".join("?" for _ in event_ids)
        rows = await self.store.fetchall(
            "SELECT event_id, user_id, status, seq, display_name FROM event_rsvps"
            f" WHERE event_id IN ({marks}) ORDER BY seq",
            tuple(event_ids),
        )
        for row in rows:
            found[row["event_id"]].append(_rsvp(row))
        return found

    async def answer(
        self, event_id: int, user_id: int, status: str, name: str, now: float
    ) -> RsvpOutcome:
        """Record an answer and move the waitlist up, all in one transaction."""
        async with self.store.transaction() as tx:
            capacity = await _capacity(tx, event_id)
            current = await _rsvps_tx(tx, event_id)
            outcome = apply_rsvp(current, user_id, status, capacity, name)
            await _write(tx, event_id, outcome.changed, now)
        return outcome

    async def fill_free_seats(self, event_id: int, now: float) -> list[int]:
        """After capacity grew: waitlisted members move up. Returns who did."""
        async with self.store.transaction() as tx:
            capacity = await _capacity(tx, event_id)
            moved = [
                replace(r, status="going")
                for r in promotions(await _rsvps_tx(tx, event_id), capacity)
            ]
            await _write(tx, event_id, moved, now)
        return [r.user_id for r in moved]


def _rsvp(row: Any) -> Rsvp:
    return Rsvp(row["user_id"], row["status"], row["seq"], row["display_name"])


async def _capacity(tx: Tx, event_id: int) -> int | None:
    row = await tx.fetchone("SELECT capacity FROM events WHERE id = ?", (event_id,))
    return None if row is None else row["capacity"]


async def _rsvps_tx(tx: Tx, event_id: int) -> list[Rsvp]:
    rows = await tx.fetchall(
        "SELECT user_id, status, seq, display_name FROM event_rsvps WHERE event_id = ?",
        (event_id,),
    )
    return [_rsvp(r) for r in rows]


async def _write(tx: Tx, event_id: int, rows: list[Rsvp], now: float) -> None:
    await tx.executemany(
        "INSERT INTO event_rsvps (event_id, user_id, status, display_name, seq, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) DO UPDATE SET"
        " status = excluded.status, display_name = excluded.display_name, seq = excluded.seq,"
        " answered_at = excluded.answered_at",
        [(event_id, r.user_id, r.status, r.display_name, r.seq, now) for r in rows],
    )

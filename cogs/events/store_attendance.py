"""The SQL of who came (docs/rules.md, "Who came"): members' stays in voice channels,
who came to an occurrence (voice or the I'm here button), and each ended occurrence's
record of who had said Going. Methods take and return plain records."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from cogs.events.models import EndedOccurrence, Person
from core.store import Store


class AttendanceStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- voice stays ------------------------------------------------------------------------

    async def moved(self, guild_id: int, user_id: int, channel_id: int | None, now: float) -> None:
        """A member's voice channel changed: their open stay ends, a new one begins in
        `channel_id` (None: they left voice)."""
        async with self.store.transaction() as tx:
            await tx.execute(
                "UPDATE voice_sessions SET left_at = ? WHERE guild_id = ? AND user_id = ?"
                " AND left_at IS NULL",
                (now, guild_id, user_id),
            )
            if channel_id is not None:
                await tx.execute(
                    "INSERT INTO voice_sessions (guild_id, channel_id, user_id, joined_at)"
                    " VALUES (?, ?, ?, ?)",
                    (guild_id, channel_id, user_id, now),
                )

    async def reconcile(self, guild_id: int, present: Mapping[int, int], now: float) -> int:
        """Make the open stays match who is in voice now (`present`: user → channel, from
        the voice states of GUILD_CREATE). A stay still matching keeps its start (it began
        before a restart and still counts); a stay of someone no longer there ends now (when
        they left during the downtime is not known); someone there without a stay starts
        one now. Returns how many stays changed."""
        changed = 0
        async with self.store.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT id, user_id, channel_id FROM voice_sessions WHERE guild_id = ?"
                " AND left_at IS NULL",
                (guild_id,),
            )
            kept: set[int] = set()
            for row in rows:
                if present.get(row["user_id"]) == row["channel_id"]:
                    kept.add(row["user_id"])
                    continue
                await tx.execute(
                    "UPDATE voice_sessions SET left_at = ? WHERE id = ?", (now, row["id"])
                )
                changed += 1
            for user_id, channel_id in present.items():
                if user_id not in kept:
                    await tx.execute(
                        "INSERT INTO voice_sessions (guild_id, channel_id, user_id, joined_at)"
                        " VALUES (?, ?, ?, ?)",
                        (guild_id, channel_id, user_id, now),
                    )
                    changed += 1
        return changed

    async def stays(
        self, channel_id: int, start: float, end: float
    ) -> list[tuple[int, float, float | None]]:
        """(user, joined, left or None) of every stay in the channel overlapping [start, end]."""
        rows = await self.store.fetchall(
            "SELECT user_id, joined_at, left_at FROM voice_sessions WHERE channel_id = ?"
            " AND joined_at < ? AND (left_at IS NULL OR left_at > ?) ORDER BY joined_at",
            (channel_id, end, start),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def prune(self, before: float) -> int:
        """Stays that ended before `before` (no event lasts longer than 7 days)."""
        return await self.store.execute(
            "DELETE FROM voice_sessions WHERE left_at IS NOT NULL AND left_at < ?", (before,)
        )

    # -- who came ---------------------------------------------------------------------------

    async def mark(
        self, event_id: int, start: float, people: Sequence[Person], via: str, now: float
    ) -> int:
        """Mark people as having come to the occurrence starting at `start`; returns how
        many were not marked yet (the first mark of a person stays)."""
        added = 0
        async with self.store.transaction() as tx:
            for user_id, name in people:
                cur = await tx.execute(
                    "INSERT INTO event_attendance (event_id, occurrence_start, user_id,"
                    " display_name, came_via, marked_at) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (event_id, start, user_id, name, via, now),
                )
                added += cur.rowcount
        return added

    async def came(self, event_id: int, start: float) -> list[Person]:
        rows = await self.store.fetchall(
            "SELECT user_id, display_name FROM event_attendance WHERE event_id = ?"
            " AND occurrence_start = ? ORDER BY marked_at, rowid",
            (event_id, start),
        )
        return [(r[0], r[1]) for r in rows]

    async def record_end(
        self,
        event_id: int,
        start: float,
        title: str,
        going: Sequence[Person],
        answered: int,
        came: int | None,
        now: float,
    ) -> None:
        """The occurrence's record, written once (a retried end job keeps the first)."""
        await self.store.execute(
            "INSERT INTO event_occurrences_ended (event_id, occurrence_start, title, going,"
            " answered, came, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (event_id, start, title, json.dumps([list(p) for p in going]), answered, came, now),
        )

    async def last_ended(self, event_id: int) -> EndedOccurrence | None:
        row = await self.store.fetchone(
            "SELECT occurrence_start, going, answered, came FROM event_occurrences_ended"
            " WHERE event_id = ? ORDER BY occurrence_start DESC LIMIT 1",
            (event_id,),
        )
        if row is None:
            return None
        start = row["occurrence_start"]
        came = await self.came(event_id, start) if row["came"] is not None else None
        going = [(int(u), str(n)) for u, n in json.loads(row["going"])]
        return EndedOccurrence(event_id, start, going, row["answered"], came)

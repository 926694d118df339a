"""Check-ins' SQL: goals, schedules, check-ins, who is counted since when; per-period
posting records and nudges through `PostingStore` (store_postings.py). The records it
returns are in models.py and the server-wide reads for insights in store_insights.py;
both are re-exported here."""

from __future__ import annotations

import logging

from cogs.checkins.logic import Period
from cogs.checkins.models import (
    Checkin,
    Goal,
    PeriodRecord,
    Recorded,
    Schedule,
    schedule_from_row,
)
from cogs.checkins.store_insights import completion_rows, last_checkins, member_checkin_times
from cogs.checkins.store_postings import PostingStore
from core.store import Store

log = logging.getLogger(__name__)

__all__ = [
    "Checkin",
    "CheckinStore",
    "Goal",
    "PeriodRecord",
    "Recorded",
    "Schedule",
    "completion_rows",
    "last_checkins",
    "member_checkin_times",
]


class CheckinStore:
    def __init__(self, store: Store) -> None:
        self.db = store
        self.postings = PostingStore(store)
        # Schedules are read on every check-in and written only here: cache them. A read
        # caches only if no write started or ended while it awaited (the generation), so
        # a read overlapping a write can't keep the old value for good.
        self._schedules: dict[tuple[int, str], Schedule | None] = {}
        self._generation = 0

    def _forget_schedule(self, group_id: int, owner: str) -> None:
        self._generation += 1
        self._schedules.pop((group_id, owner), None)

    # -- goals ----------------------------------------------------------------------------

    async def set_goal(self, guild_id: int, group_id: int, user_id: int, text: str, now: float):
        await self.db.execute(
            "INSERT INTO checkin_goals (guild_id, group_id, user_id, text, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, user_id)"
            " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
            (guild_id, group_id, user_id, text, now),
        )

    async def clear_goal(self, group_id: int, user_id: int) -> bool:
        return (
            await self.db.execute(
                "DELETE FROM checkin_goals WHERE group_id = ? AND user_id = ?", (group_id, user_id)
            )
            > 0
        )

    async def goals_of_group(self, group_id: int) -> dict[int, str]:
        rows = await self.db.fetchall(
            "SELECT user_id, text FROM checkin_goals WHERE group_id = ?", (group_id,)
        )
        return {r["user_id"]: r["text"] for r in rows}

    async def goals_of_member(self, guild_id: int, user_id: int) -> list[Goal]:
        rows = await self.db.fetchall(
            "SELECT group_id, user_id, text FROM checkin_goals WHERE guild_id = ? AND user_id = ?"
            " ORDER BY group_id",
            (guild_id, user_id),
        )
        return [Goal(r["group_id"], r["user_id"], r["text"]) for r in rows]

    # -- schedules ------------------------------------------------------------------------

    async def save_schedule(self, s: Schedule) -> None:
        self._forget_schedule(s.group_id, s.owner)
        try:
            await self._save_schedule(s)
        finally:
            self._forget_schedule(s.group_id, s.owner)

    async def _save_schedule(self, s: Schedule) -> None:
        await self.db.execute(
            "INSERT INTO checkin_schedules (guild_id, group_id, owner, cadence, hour, minute,"
            " weekday, prompt, nudge_hours, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (group_id, owner) DO UPDATE SET cadence = excluded.cadence,"
            " hour = excluded.hour, minute = excluded.minute, weekday = excluded.weekday,"
            " prompt = excluded.prompt, nudge_hours = excluded.nudge_hours",
            (
                s.guild_id, s.group_id, s.owner, s.cadence, s.hour, s.minute, s.weekday,
                s.prompt, s.nudge_hours, s.created_by, s.created_at,
            ),
        )  # fmt: skip

    async def get_schedule(self, group_id: int, owner: str = "") -> Schedule | None:
        """The group's schedule made by `owner` ('' = the group's own)."""
        if (group_id, owner) in self._schedules:
            return self._schedules[(group_id, owner)]
        generation = self._generation
        row = await self.db.fetchone(
            "SELECT * FROM checkin_schedules WHERE group_id = ? AND owner = ?", (group_id, owner)
        )
        found = schedule_from_row(row) if row else None
        if self._generation == generation:  # no write started or ended meanwhile
            self._schedules[(group_id, owner)] = found
        return found

    async def schedule_by_id(self, schedule_id: int) -> Schedule | None:
        row = await self.db.fetchone("SELECT * FROM checkin_schedules WHERE id = ?", (schedule_id,))
        return schedule_from_row(row) if row else None

    async def owners_like(self, group_id: int, prefix: str) -> list[str]:
        """The owners of a group's schedules whose name starts with `prefix`."""
        rows = await self.db.fetchall(
            "SELECT owner FROM checkin_schedules WHERE group_id = ? AND substr(owner, 1, ?) = ?",
            (group_id, len(prefix), prefix),
        )
        return [r[0] for r in rows]

    async def delete_schedule(self, group_id: int, owner: str = "") -> bool:
        self._forget_schedule(group_id, owner)
        try:
            deleted = await self.db.execute(
                "DELETE FROM checkin_schedules WHERE group_id = ? AND owner = ?", (group_id, owner)
            )
        finally:
            self._forget_schedule(group_id, owner)
        return deleted > 0

    # -- check-ins ------------------------------------------------------------------------

    async def record(
        self,
        guild_id: int,
        group_id: int,
        user_id: int,
        period: Period,
        status: str,
        note: str,
        now: float,
        owner: str = "",
    ) -> bool:
        """Insert or update the member's check-in for `period` of `owner`'s schedule (one
        statement: the UPSERT on (group_id, owner, user_id, period_key)); True if new."""
        row = await self.db.fetchone(
            "INSERT INTO checkins (guild_id, group_id, owner, user_id, period_key, period_start,"
            " status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (group_id, owner, user_id, period_key) DO UPDATE SET"
            " status = excluded.status, note = excluded.note, updated_at = excluded.updated_at,"
            " revisions = revisions + 1 RETURNING revisions",
            (guild_id, group_id, owner, user_id, period.key, period.start, status, note, now, now),
        )
        return row is not None and row[0] == 0

    async def record_member(
        self,
        guild_id: int,
        group_id: int,
        user_id: int,
        period: Period,
        status: str,
        note: str,
        now: float,
        owner: str = "",
    ) -> Recorded | None:
        """`record`, but only for a member of the group, and returning what the reply's
        streak needs: one statement, one round trip (the hot path of checking in).
        None if `user_id` is not a member (nothing is written)."""
        row = await self.db.fetchone(
            "INSERT INTO checkins (guild_id, group_id, owner, user_id, period_key, period_start,"
            " status, note, created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?)"
            " ON CONFLICT (group_id, owner, user_id, period_key) DO UPDATE SET"
            " status = excluded.status, note = excluded.note, updated_at = excluded.updated_at,"
            " revisions = revisions + 1 RETURNING revisions,"
            " (SELECT group_concat(period_start) FROM checkins c"
            "  WHERE c.group_id = ? AND c.owner = ? AND c.user_id = ?) AS starts,"
            " (SELECT since_start FROM checkin_members m"
            "  WHERE m.group_id = ? AND m.owner = ? AND m.user_id = ?) AS since",
            (guild_id, group_id, owner, user_id, period.key, period.start, status, note, now, now)
            + (group_id, user_id)
            + (group_id, owner, user_id) * 2,
        )
        if row is None:
            return None
        starts = {int(s) for s in (row["starts"] or "").split(",") if s}
        starts.add(period.start)  # whether or not the subquery saw the new row
        return Recorded(row["revisions"] == 0, sorted(starts), row["since"])

    async def checkins_for_period(
        self, group_id: int, period_key: str, owner: str = ""
    ) -> list[Checkin]:
        rows = await self.db.fetchall(
            "SELECT user_id, period_key, period_start, status, note, updated_at FROM checkins"
            " WHERE group_id = ? AND owner = ? AND period_key = ? ORDER BY updated_at, user_id",
            (group_id, owner, period_key),
        )
        return [Checkin(**dict(r)) for r in rows]

    async def checked_in_users(self, group_id: int, period_key: str, owner: str = "") -> set[int]:
        rows = await self.db.fetchall(
            "SELECT user_id FROM checkins WHERE group_id = ? AND owner = ? AND period_key = ?",
            (group_id, owner, period_key),
        )
        return {r["user_id"] for r in rows}

    async def member_period_starts(self, group_id: int, user_id: int, owner: str = "") -> list[int]:
        rows = await self.db.fetchall(
            "SELECT period_start FROM checkins WHERE group_id = ? AND owner = ? AND user_id = ?"
            " ORDER BY period_start",
            (group_id, owner, user_id),
        )
        return [r[0] for r in rows]

    async def member_history(
        self, group_id: int, user_id: int, owner: str = ""
    ) -> tuple[list[int], int | None]:
        """A member's period starts (oldest first) under `owner`'s schedule and since when
        they are counted, in one indexed query (the hot path of `/checkin streak`)."""
        rows = await self.db.fetchall(
            "SELECT period_start, (SELECT since_start FROM checkin_members m"
            " WHERE m.group_id = c.group_id AND m.owner = c.owner AND m.user_id = c.user_id)"
            " AS since FROM checkins c WHERE c.group_id = ? AND c.owner = ? AND c.user_id = ?"
            " ORDER BY c.period_start",
            (group_id, owner, user_id),
        )
        if not rows:
            return [], await self.member_since(group_id, user_id, owner)
        return [r[0] for r in rows], rows[0][1]

    async def group_period_starts(self, group_id: int, owner: str = "") -> dict[int, list[int]]:
        """Every member's period starts in a group (one indexed scan), oldest first."""
        rows = await self.db.fetchall(
            "SELECT user_id, period_start FROM checkins WHERE group_id = ? AND owner = ?"
            " ORDER BY period_start",
            (group_id, owner),
        )
        found: dict[int, list[int]] = {}
        for user_id, start in rows:
            found.setdefault(user_id, []).append(start)
        return found

    async def counts_since(
        self, group_id: int, since: float | None, owner: str = ""
    ) -> dict[int, int]:
        rows = await self.db.fetchall(
            "SELECT user_id, COUNT(*) FROM checkins WHERE group_id = ? AND owner = ?"
            " AND period_start >= ? GROUP BY user_id",
            (group_id, owner, int(since) if since is not None else -(2**62)),
        )
        return {r[0]: r[1] for r in rows}

    # -- who is counted since when ----------------------------------------------------------

    async def note_members(
        self, guild_id: int, group_id: int, user_ids: list[int], since: int, owner: str = ""
    ) -> None:
        """Count these members from the period starting at `since` unless already counted."""
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO checkin_members (guild_id, group_id, owner, user_id, since_start)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(guild_id, group_id, owner, u, since) for u in user_ids],
            )

    async def member_since(self, group_id: int, user_id: int, owner: str = "") -> int | None:
        return await self.db.fetchval(
            "SELECT since_start FROM checkin_members WHERE group_id = ? AND owner = ?"
            " AND user_id = ?",
            (group_id, owner, user_id),
        )

    # -- per-period posting records and nudges (PostingStore) -------------------------------
    # Each takes the schedule's `owner` last ('' = the group's own schedule).

    async def open_period_record(self, guild_id: int, group_id: int, period: Period, owner=""):
        await self.postings.open_period_record(guild_id, group_id, period, owner)

    async def get_period_record(
        self, group_id: int, period_key: str, owner: str = ""
    ) -> PeriodRecord | None:
        return await self.postings.get_period_record(group_id, period_key, owner)

    async def mark_prompt_posted(
        self, group_id: int, period_key: str, message_id: int | None, owner: str = ""
    ) -> None:
        await self.postings.mark_prompt_posted(group_id, period_key, message_id, owner)

    async def mark_summary_posted(self, group_id: int, period_key: str, owner: str = "") -> None:
        await self.postings.mark_summary_posted(group_id, period_key, owner)

    async def periods_to_summarise(
        self, group_id: int, now: float, owner: str = ""
    ) -> list[PeriodRecord]:
        return await self.postings.periods_to_summarise(group_id, now, owner)

    async def open_prompted_period(
        self, group_id: int, now: float, owner: str = ""
    ) -> PeriodRecord | None:
        return await self.postings.open_prompted_period(group_id, now, owner)

    async def claim_nudges(
        self,
        guild_id: int,
        group_id: int,
        period_key: str,
        user_ids: list[int],
        now: float,
        owner: str = "",
    ) -> list[int]:
        return await self.postings.claim_nudges(
            guild_id, group_id, period_key, user_ids, now, owner
        )

    async def set_nudge_method(
        self, group_id: int, period_key: str, user_ids: list[int], method: str, owner: str = ""
    ) -> None:
        await self.postings.set_nudge_method(group_id, period_key, user_ids, method, owner)

    async def nudges(self, group_id: int, period_key: str, owner: str = "") -> dict[int, str]:
        return await self.postings.nudges(group_id, period_key, owner)

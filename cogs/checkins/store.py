"""Check-ins' SQL: goals, schedules, check-ins, per-period posting records, nudges."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import time

from cogs.checkins.logic import Period, Rule
from core.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    group_id: int
    cadence: str
    hour: int
    minute: int
    weekday: int | None
    prompt: str
    nudge_hours: int
    created_by: int
    created_at: float

    @property
    def rule(self) -> Rule:
        weekday = self.weekday if self.cadence == "weekly" else None
        return Rule(self.cadence, time(self.hour, self.minute), weekday)


@dataclass(frozen=True)
class Checkin:
    user_id: int
    period_key: str
    period_start: int
    status: str
    note: str
    updated_at: float


@dataclass(frozen=True)
class Recorded:
    """A check-in just written: whether it was new, and the member's history after it."""

    new: bool
    period_starts: list[int]
    since: int | None


@dataclass(frozen=True)
class Goal:
    group_id: int
    user_id: int
    text: str


@dataclass(frozen=True)
class PeriodRecord:
    group_id: int
    period_key: str
    period_start: int
    period_end: int
    prompt_message_id: int | None
    prompt_posted: bool
    summary_posted: bool


def _schedule(row: sqlite3.Row) -> Schedule:
    return Schedule(**{k: row[k] for k in Schedule.__dataclass_fields__})


def _period(row: sqlite3.Row) -> PeriodRecord:
    return PeriodRecord(
        group_id=row["group_id"],
        period_key=row["period_key"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        prompt_message_id=row["prompt_message_id"],
        prompt_posted=bool(row["prompt_posted"]),
        summary_posted=bool(row["summary_posted"]),
    )


class CheckinStore:
    def __init__(self, store: Store) -> None:
        self.db = store
        # Schedules are read on every check-in and written only here: cache them. A read
        # caches only if no write started or ended while it awaited (the generation), so
        # a read overlapping a write can't keep the old value for good.
        self._schedules: dict[int, Schedule | None] = {}
        self._generation = 0

    def _forget_schedule(self, group_id: int) -> None:
        self._generation += 1
        self._schedules.pop(group_id, None)

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
        self._forget_schedule(s.group_id)
        try:
            await self._save_schedule(s)
        finally:
            self._forget_schedule(s.group_id)

    async def _save_schedule(self, s: Schedule) -> None:
        await self.db.execute(
            "INSERT INTO checkin_schedules (guild_id, group_id, cadence, hour, minute, weekday,"
            " prompt, nudge_hours, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (group_id) DO UPDATE SET cadence = excluded.cadence,"
            " hour = excluded.hour, minute = excluded.minute, weekday = excluded.weekday,"
            " prompt = excluded.prompt, nudge_hours = excluded.nudge_hours",
            (
                s.guild_id, s.group_id, s.cadence, s.hour, s.minute, s.weekday,
                s.prompt, s.nudge_hours, s.created_by, s.created_at,
            ),
        )  # fmt: skip

    async def get_schedule(self, group_id: int) -> Schedule | None:
        if group_id in self._schedules:
            return self._schedules[group_id]
        generation = self._generation
        row = await self.db.fetchone(
            "SELECT * FROM checkin_schedules WHERE group_id = ?", (group_id,)
        )
        found = _schedule(row) if row else None
        if self._generation == generation:  # no write started or ended meanwhile
            self._schedules[group_id] = found
        return found

    async def delete_schedule(self, group_id: int) -> bool:
        self._forget_schedule(group_id)
        try:
            deleted = await self.db.execute(
                "DELETE FROM checkin_schedules WHERE group_id = ?", (group_id,)
            )
        finally:
            self._forget_schedule(group_id)
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
    ) -> bool:
        """Insert or update the member's check-in for `period` (one statement: the UPSERT
        on (group_id, user_id, period_key)); True if it was new."""
        row = await self.db.fetchone(
            "INSERT INTO checkins (guild_id, group_id, user_id, period_key, period_start,"
            " status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (group_id, user_id, period_key) DO UPDATE SET"
            " status = excluded.status, note = excluded.note, updated_at = excluded.updated_at,"
            " revisions = revisions + 1 RETURNING revisions",
            (guild_id, group_id, user_id, period.key, period.start, status, note, now, now),
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
    ) -> Recorded | None:
        """`record`, but only for a member of the group, and returning what the reply's
        streak needs: one statement, one round trip (the hot path of checking in).
        None if `user_id` is not a member (nothing is written)."""
        row = await self.db.fetchone(
            "INSERT INTO checkins (guild_id, group_id, user_id, period_key, period_start,"
            " status, note, created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?)"
            " ON CONFLICT (group_id, user_id, period_key) DO UPDATE SET"
            " status = excluded.status, note = excluded.note, updated_at = excluded.updated_at,"
            " revisions = revisions + 1 RETURNING revisions,"
            " (SELECT group_concat(period_start) FROM checkins c"
            "  WHERE c.group_id = ? AND c.user_id = ?) AS starts,"
            " (SELECT since_start FROM checkin_members m"
            "  WHERE m.group_id = ? AND m.user_id = ?) AS since",
            (guild_id, group_id, user_id, period.key, period.start, status, note, now, now)
            + (group_id, user_id) * 3,
        )
        if row is None:
            return None
        starts = {int(s) for s in (row["starts"] or "").split(",") if s}
        starts.add(period.start)  # whether or not the subquery saw the new row
        return Recorded(row["revisions"] == 0, sorted(starts), row["since"])

    async def checkins_for_period(self, group_id: int, period_key: str) -> list[Checkin]:
        rows = await self.db.fetchall(
            "SELECT user_id, period_key, period_start, status, note, updated_at FROM checkins"
            " WHERE group_id = ? AND period_key = ? ORDER BY updated_at, user_id",
            (group_id, period_key),
        )
        return [Checkin(**dict(r)) for r in rows]

    async def checked_in_users(self, group_id: int, period_key: str) -> set[int]:
        rows = await self.db.fetchall(
            "SELECT user_id FROM checkins WHERE group_id = ? AND period_key = ?",
            (group_id, period_key),
        )
        return {r["user_id"] for r in rows}

    async def member_period_starts(self, group_id: int, user_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT period_start FROM checkins WHERE group_id = ? AND user_id = ?"
            " ORDER BY period_start",
            (group_id, user_id),
        )
        return [r[0] for r in rows]

    async def member_history(self, group_id: int, user_id: int) -> tuple[list[int], int | None]:
        """A member's period starts (oldest first) and since when they are counted, in one
        indexed query (the hot path of `/checkin streak`)."""
        rows = await self.db.fetchall(
            "SELECT period_start, (SELECT since_start FROM checkin_members m"
            " WHERE m.group_id = c.group_id AND m.user_id = c.user_id) AS since"
            " FROM checkins c WHERE c.group_id = ? AND c.user_id = ? ORDER BY c.period_start",
            (group_id, user_id),
        )
        if not rows:
            return [], await self.member_since(group_id, user_id)
        return [r[0] for r in rows], rows[0][1]

    async def group_period_starts(self, group_id: int) -> dict[int, list[int]]:
        """Every member's period starts in a group (one indexed scan), oldest first."""
        rows = await self.db.fetchall(
            "SELECT user_id, period_start FROM checkins WHERE group_id = ? ORDER BY period_start",
            (group_id,),
        )
        found: dict[int, list[int]] = {}
        for user_id, start in rows:
            found.setdefault(user_id, []).append(start)
        return found

    async def counts_since(self, group_id: int, since: float | None) -> dict[int, int]:
        rows = await self.db.fetchall(
            "SELECT user_id, COUNT(*) FROM checkins WHERE group_id = ? AND period_start >= ?"
            " GROUP BY user_id",
            (group_id, int(since) if since is not None else -(2**62)),
        )
        return {r[0]: r[1] for r in rows}

    # -- who is counted since when ----------------------------------------------------------

    async def note_members(self, guild_id: int, group_id: int, user_ids: list[int], since: int):
        """Count these members from the period starting at `since` unless already counted."""
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO checkin_members (guild_id, group_id, user_id, since_start)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO NOTHING",
                [(guild_id, group_id, u, since) for u in user_ids],
            )

    async def member_since(self, group_id: int, user_id: int) -> int | None:
        return await self.db.fetchval(
            "SELECT since_start FROM checkin_members WHERE group_id = ? AND user_id = ?",
            (group_id, user_id),
        )

    # -- per-period posting records ---------------------------------------------------------

    async def open_period_record(self, guild_id: int, group_id: int, period: Period) -> None:
        await self.db.execute(
            "INSERT INTO checkin_periods (guild_id, group_id, period_key, period_start, period_end)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, period_key) DO NOTHING",
            (guild_id, group_id, period.key, period.start, period.end),
        )

    async def get_period_record(self, group_id: int, period_key: str) -> PeriodRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM checkin_periods WHERE group_id = ? AND period_key = ?",
            (group_id, period_key),
        )
        return _period(row) if row else None

    async def mark_prompt_posted(
        self, group_id: int, period_key: str, message_id: int | None
    ) -> None:
        await self.db.execute(
            "UPDATE checkin_periods SET prompt_posted = 1, prompt_message_id = ?"
            " WHERE group_id = ? AND period_key = ?",
            (message_id, group_id, period_key),
        )

    async def mark_summary_posted(self, group_id: int, period_key: str) -> None:
        await self.db.execute(
            "UPDATE checkin_periods SET summary_posted = 1 WHERE group_id = ? AND period_key = ?",
            (group_id, period_key),
        )

    async def periods_to_summarise(self, group_id: int, now: float) -> list[PeriodRecord]:
        """Prompted periods that have closed and whose summary is not out yet, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM checkin_periods WHERE group_id = ? AND summary_posted = 0"
            " AND prompt_posted = 1 AND period_end <= ? ORDER BY period_start",
            (group_id, now),
        )
        return [_period(r) for r in rows]

    async def open_prompted_period(self, group_id: int, now: float) -> PeriodRecord | None:
        """The prompted period running at `now` whose summary is not out yet (after
        `/checkin unschedule` it runs on to its end, then gets its summary)."""
        row = await self.db.fetchone(
            "SELECT * FROM checkin_periods WHERE group_id = ? AND summary_posted = 0"
            " AND prompt_posted = 1 AND period_start <= ? AND period_end > ?"
            " ORDER BY period_start DESC LIMIT 1",
            (group_id, now, now),
        )
        return _period(row) if row else None

    # -- nudges ---------------------------------------------------------------------------

    async def claim_nudges(
        self, guild_id: int, group_id: int, period_key: str, user_ids: list[int], now: float
    ) -> list[int]:
        """Record a nudge for each member not nudged yet this period; returns those claimed
        (recorded before sending, so a retry never nudges anyone twice)."""
        claimed: list[int] = []
        async with self.db.transaction() as tx:
            for user_id in user_ids:
                cur = await tx.execute(
                    "INSERT INTO checkin_nudges (guild_id, group_id, period_key, user_id, sent_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (guild_id, group_id, period_key, user_id, now),
                )
                if cur.rowcount:
                    claimed.append(user_id)
        return claimed

    async def set_nudge_method(
        self, group_id: int, period_key: str, user_ids: list[int], method: str
    ) -> None:
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE checkin_nudges SET method = ? WHERE group_id = ? AND period_key = ?"
                " AND user_id = ?",
                [(method, group_id, period_key, u) for u in user_ids],
            )

    async def nudges(self, group_id: int, period_key: str) -> dict[int, str]:
        rows = await self.db.fetchall(
            "SELECT user_id, method FROM checkin_nudges WHERE group_id = ? AND period_key = ?",
            (group_id, period_key),
        )
        return {r[0]: r[1] for r in rows}


async def completion_rows(
    db: Store, guild_id: int, since: float, until: float
) -> list[sqlite3.Row]:
    """Insights: every prompted period of a server's groups that started in [since, until),
    with its check-ins and the members expected (members who had joined before it ended),
    one query (columns group_id, period_start, period_end, checked_in, expected)."""
    return await db.fetchall(
        "SELECT p.group_id, p.period_start, p.period_end,"
        " (SELECT COUNT(*) FROM checkins c WHERE c.group_id = p.group_id"
        "  AND c.period_start = p.period_start) AS checked_in,"  # (group_id, period_start) index
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

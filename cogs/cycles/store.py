"""Club cycles' SQL: cycles, their periods (phase and every side effect made so far) and
nominations. Plain dataclasses in and out."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from cogs.cycles.logic import NewCycle, Nominee
from core.store import Store, Tx

if TYPE_CHECKING:
    from core.scheduler import Scheduler

__all__ = ["Cycle", "CycleStore", "NewCycle", "Period", "PeriodTimes", "job_key"]

ACTIVE_PHASES = ("nominating", "voting", "runoff", "picked", "reading", "empty")


@dataclass(frozen=True)
class Cycle:
    id: int
    guild_id: int
    group_id: int
    name: str
    meet: str
    cadence: str
    nominate_s: int
    vote_s: int
    checkins: bool
    per_member: int
    timezone: str
    anchor: str
    status: str
    created_by: int
    created_at: float


@dataclass(frozen=True)
class Period:
    id: int
    guild_id: int
    cycle_id: int
    number: int
    phase: str
    opens_at: float
    nominate_until: float
    vote_until: float
    meet_at: float
    announce_msg: int | None
    poll_id: int | None
    runoff_poll_id: int | None
    result_msg: int | None
    pick: str | None
    pick_votes: int | None
    event_id: int | None
    checkins_set: bool
    going: int | None
    told: str | None = None  # the problem its leaders were last told of (told once)


@dataclass(frozen=True)
class PeriodTimes:
    opens_at: float
    nominate_until: float
    vote_until: float
    meet_at: float


def _build(cls: type, row: sqlite3.Row) -> Any:
    values = {f.name: row[f.name] for f in fields(cls)}
    for name in ("checkins", "checkins_set"):
        if name in values:
            values[name] = bool(values[name])
    return cls(**values)


# Columns a phase change may record on a period.
PERIOD_COLUMNS = {
    "phase", "announce_msg", "poll_id", "runoff_poll_id", "result_msg", "pick", "pick_votes",
    "event_id", "checkins_set", "going", "vote_until", "nominate_until", "told",
}  # fmt: skip


class CycleStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- cycles -----------------------------------------------------------------------------

    async def insert_cycle(self, tx: Tx, new: NewCycle) -> int:
        return await tx.insert(
            "INSERT INTO cycles (guild_id, group_id, name, meet, cadence, nominate_s, vote_s,"
            " checkins, per_member, timezone, anchor, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.guild_id, new.group_id, new.name, new.meet, new.cadence, new.nominate_s,
                new.vote_s, int(new.checkins), new.per_member, new.timezone, new.anchor,
                new.created_by, new.created_at,
            ),
        )  # fmt: skip

    async def runs_cycle(self, tx: Tx, group_id: int) -> bool:
        """Whether the group has an active cycle (read in `tx`, before a start inserts one)."""
        return bool(
            await tx.fetchone(
                "SELECT 1 FROM cycles WHERE group_id = ? AND status = 'active'", (group_id,)
            )
        )

    async def delete_cycle(self, tx: Tx, cycle_id: int) -> None:
        """Forget a cycle whose start failed (its periods go with it)."""
        await tx.execute("DELETE FROM cycles WHERE id = ?", (cycle_id,))

    async def cycle(self, cycle_id: int) -> Cycle | None:
        row = await self.store.fetchone("SELECT * FROM cycles WHERE id = ?", (cycle_id,))
        return None if row is None else _build(Cycle, row)

    async def active_cycle(self, group_id: int) -> Cycle | None:
        row = await self.store.fetchone(
            "SELECT * FROM cycles WHERE group_id = ? AND status = 'active'", (group_id,)
        )
        return None if row is None else _build(Cycle, row)

    async def latest_cycle(self, group_id: int) -> Cycle | None:
        row = await self.store.fetchone(
            "SELECT * FROM cycles WHERE group_id = ? ORDER BY id DESC LIMIT 1", (group_id,)
        )
        return None if row is None else _build(Cycle, row)

    async def stop_cycle(self, cycle_id: int, scheduler: Scheduler) -> bool:
        """Stop the cycle and its running periods, and cancel its jobs, at once."""
        async with self.store.transaction() as tx:
            cur = await tx.execute(
                "UPDATE cycles SET status = 'stopped' WHERE id = ? AND status = 'active'",
                (cycle_id,),
            )
            if cur.rowcount == 0:
                return False
            await tx.execute(
                f"UPDATE cycle_periods SET phase = 'stopped' WHERE cycle_id = ?"
                f" AND phase IN ({','.join('?' * len(ACTIVE_PHASES))})",
                (cycle_id, *ACTIVE_PHASES),
            )
            await scheduler.cancel_key(job_key(cycle_id), tx=tx)
        return True

    # -- periods ----------------------------------------------------------------------------

    async def insert_period(
        self, tx: Tx, cycle: Cycle, number: int, times: PeriodTimes
    ) -> int | None:
        """A new period in phase `nominating`; None if that number exists already."""
        existing = await tx.fetchone(
            "SELECT id FROM cycle_periods WHERE cycle_id = ? AND number = ?", (cycle.id, number)
        )
        if existing is not None:
            return None
        return await tx.insert(
            "INSERT INTO cycle_periods (guild_id, cycle_id, number, phase, opens_at,"
            " nominate_until, vote_until, meet_at) VALUES (?, ?, ?, 'nominating', ?, ?, ?, ?)",
            (
                cycle.guild_id, cycle.id, number, times.opens_at, times.nominate_until,
                times.vote_until, times.meet_at,
            ),
        )  # fmt: skip

    async def end_period(
        self, tx: Tx, period_id: int, expected: tuple[str, ...], final: str
    ) -> bool:
        """Move the period from one of the `expected` phases to `final`; False if it was
        in none of them (another step ended it first)."""
        cur = await tx.execute(
            f"UPDATE cycle_periods SET phase = ? WHERE id = ?"
            f" AND phase IN ({','.join('?' * len(expected))})",
            (final, period_id, *expected),
        )
        return cur.rowcount != 0

    async def period(self, period_id: int) -> Period | None:
        row = await self.store.fetchone("SELECT * FROM cycle_periods WHERE id = ?", (period_id,))
        return None if row is None else _build(Period, row)

    async def current_period(self, cycle_id: int) -> Period | None:
        row = await self.store.fetchone(
            "SELECT * FROM cycle_periods WHERE cycle_id = ? ORDER BY number DESC LIMIT 1",
            (cycle_id,),
        )
        return None if row is None else _build(Period, row)

    async def record(self, period_id: int, tx: Tx | None = None, **values: Any) -> None:
        """Note what a phase change did (the ids it made, the phase it reached)."""
        unknown = set(values) - PERIOD_COLUMNS
        if unknown:
            raise ValueError(f"not period columns: {sorted(unknown)}")
        sets = ", ".join(f"{name} = ?" for name in values)
        params = (*values.values(), period_id)
        sql = f"UPDATE cycle_periods SET {sets} WHERE id = ?"
        if tx is not None:
            await tx.execute(sql, params)
        else:
            await self.store.execute(sql, params)

    async def shelf(self, group_id: int, limit: int = 50) -> list[tuple[Cycle, Period]]:
        """Past and current picks of the group's cycles, newest first."""
        rows = await self.store.fetchall(
            "SELECT p.*, c.id AS c_id FROM cycle_periods p JOIN cycles c ON c.id = p.cycle_id"
            " WHERE c.group_id = ? AND p.pick IS NOT NULL ORDER BY p.meet_at DESC LIMIT ?",
            (group_id, limit),
        )
        cycles: dict[int, Cycle] = {}
        out = []
        for row in rows:
            if row["c_id"] not in cycles:
                found = await self.cycle(row["c_id"])
                assert found is not None
                cycles[row["c_id"]] = found
            out.append((cycles[row["c_id"]], _build(Period, row)))
        return out

    # -- nominations ------------------------------------------------------------------------

    async def nominees(self, period_id: int) -> list[Nominee]:
        rows = await self.store.fetchall(
            "SELECT * FROM cycle_nominations WHERE period_id = ? ORDER BY created_at, id",
            (period_id,),
        )
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            entry = found.setdefault(
                row["title_key"],
                {"title": row["title"], "note": row["note"], "who": [], "at": row["created_at"]},
            )
            if not entry["note"] and row["note"]:
                entry["note"] = row["note"]
            entry["who"].append(row["user_id"])
        return [
            Nominee(key, e["title"], e["note"], tuple(e["who"]), e["at"])
            for key, e in found.items()
        ]

    async def nominate(
        self,
        period_id: int,
        user_id: int,
        title: str,
        key: str,
        note: str,
        now: float,
        per_member: int,
    ) -> tuple[str, list[str]]:
        """Record a member's nomination. Returns (outcome, replaced titles): outcome is
        `updated` (same title again: its note edited), `replaced` (per_member 1: their
        earlier one gives way), `added`; `full` when they reached per_member; `closed`
        when the period no longer takes nominations (checked in the same transaction)."""
        async with self.store.transaction() as tx:
            phase = await tx.fetchone("SELECT phase FROM cycle_periods WHERE id = ?", (period_id,))
            if phase is None or phase[0] != "nominating":
                return "closed", []
            mine = await tx.fetchall(
                "SELECT id, title, title_key FROM cycle_nominations"
                " WHERE period_id = ? AND user_id = ? ORDER BY created_at, id",
                (period_id, user_id),
            )
            same = next((r for r in mine if r["title_key"] == key), None)
            if same is not None:
                if note:
                    await tx.execute(
                        "UPDATE cycle_nominations SET note = ? WHERE id = ?", (note, same["id"])
                    )
                return "updated", []
            replaced: list[str] = []
            if len(mine) >= per_member:
                if per_member != 1:
                    return "full", [r["title"] for r in mine]
                await tx.execute(
                    "DELETE FROM cycle_nominations WHERE period_id = ? AND user_id = ?",
                    (period_id, user_id),
                )
                replaced = [r["title"] for r in mine]
            first = await tx.fetchone(  # a seconder takes the title as first written
                "SELECT title FROM cycle_nominations WHERE period_id = ? AND title_key = ?"
                " ORDER BY created_at, id LIMIT 1",
                (period_id, key),
            )
            title = first["title"] if first is not None else title
            await tx.execute(
                "INSERT INTO cycle_nominations (period_id, user_id, title, title_key, note,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (period_id, user_id, title, key, note, now),
            )
        return ("replaced" if replaced else "added"), replaced


def job_key(cycle_id: int) -> str:
    """Every scheduler job of one cycle shares this key: `/cycle stop` cancels them at once."""
    return f"cycle:{cycle_id}"

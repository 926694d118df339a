"""What the check-in jobs have posted and sent per period (`PostingStore`, a collaborator
of `CheckinStore`): the period's posting record (prompt posted, summary posted) and the
nudges claimed per member, each recorded so a rerun never posts or nudges twice."""

from __future__ import annotations

from cogs.checkins.logic import Period
from cogs.checkins.models import PeriodRecord, period_record_from_row
from core.store import Store


class PostingStore:
    """Per-period posting records and nudges; `CheckinStore` offers each method under the
    same name."""

    def __init__(self, db: Store) -> None:
        self.db = db

    async def open_period_record(
        self, guild_id: int, group_id: int, period: Period, owner: str = ""
    ) -> None:
        await self.db.execute(
            "INSERT INTO checkin_periods (guild_id, group_id, owner, period_key, period_start,"
            " period_end) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, group_id, owner, period.key, period.start, period.end),
        )

    async def get_period_record(
        self, group_id: int, period_key: str, owner: str = ""
    ) -> PeriodRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM checkin_periods WHERE group_id = ? AND owner = ? AND period_key = ?",
            (group_id, owner, period_key),
        )
        return period_record_from_row(row) if row else None

    async def mark_prompt_posted(
        self, group_id: int, period_key: str, message_id: int | None, owner: str = ""
    ) -> None:
        await self.db.execute(
            "UPDATE checkin_periods SET prompt_posted = 1, prompt_message_id = ?"
            " WHERE group_id = ? AND owner = ? AND period_key = ?",
            (message_id, group_id, owner, period_key),
        )

    async def mark_summary_posted(self, group_id: int, period_key: str, owner: str = "") -> None:
        await self.db.execute(
            "UPDATE checkin_periods SET summary_posted = 1"
            " WHERE group_id = ? AND owner = ? AND period_key = ?",
            (group_id, owner, period_key),
        )

    async def periods_to_summarise(
        self, group_id: int, now: float, owner: str = ""
    ) -> list[PeriodRecord]:
        """Prompted periods that have closed and whose summary is not out yet, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM checkin_periods WHERE group_id = ? AND owner = ? AND summary_posted = 0"
            " AND prompt_posted = 1 AND period_end <= ? ORDER BY period_start",
            (group_id, owner, now),
        )
        return [period_record_from_row(r) for r in rows]

    async def open_prompted_period(
        self, group_id: int, now: float, owner: str = ""
    ) -> PeriodRecord | None:
        """The prompted period running at `now` whose summary is not out yet (after
        `/checkin unschedule` it runs on to its end, then gets its summary)."""
        row = await self.db.fetchone(
            "SELECT * FROM checkin_periods WHERE group_id = ? AND owner = ? AND summary_posted = 0"
            " AND prompt_posted = 1 AND period_start <= ? AND period_end > ?"
            " ORDER BY period_start DESC LIMIT 1",
            (group_id, owner, now, now),
        )
        return period_record_from_row(row) if row else None

    # -- nudges ---------------------------------------------------------------------------

    async def claim_nudges(
        self,
        guild_id: int,
        group_id: int,
        period_key: str,
        user_ids: list[int],
        now: float,
        owner: str = "",
    ) -> list[int]:
        """Record a nudge for each member not nudged yet this period; returns those claimed
        (recorded before sending, so a retry never nudges anyone twice)."""
        claimed: list[int] = []
        async with self.db.transaction() as tx:
            for user_id in user_ids:
                cur = await tx.execute(
                    "INSERT INTO checkin_nudges (guild_id, group_id, owner, period_key, user_id,"
                    " sent_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (guild_id, group_id, owner, period_key, user_id, now),
                )
                if cur.rowcount:
                    claimed.append(user_id)
        return claimed

    async def set_nudge_method(
        self, group_id: int, period_key: str, user_ids: list[int], method: str, owner: str = ""
    ) -> None:
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE checkin_nudges SET method = ? WHERE group_id = ? AND owner = ?"
                " AND period_key = ? AND user_id = ?",
                [(method, group_id, owner, period_key, u) for u in user_ids],
            )

    async def nudges(self, group_id: int, period_key: str, owner: str = "") -> dict[int, str]:
        rows = await self.db.fetchall(
            "SELECT user_id, method FROM checkin_nudges WHERE group_id = ? AND owner = ?"
            " AND period_key = ?",
            (group_id, owner, period_key),
        )
        return {r[0]: r[1] for r in rows}

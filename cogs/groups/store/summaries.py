"""The `/group list` and `/group info` summaries (`GroupSummary`: a group with its size and
leaders), their per-server cache (`SummaryCache`), and `writes`, which drops that cache
before and after every write made through `GroupStore` and its collaborators."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from cogs.groups.store.models import GroupRef, group_from_row
from core.store import Store

T = TypeVar("T")


@dataclass(frozen=True)
class GroupSummary:
    """A group with its size and leaders, for `/group list` and `/group info`."""

    group: GroupRef
    size: int
    leaders: list[int]


_SUMMARY_SQL = (
    "SELECT g.*,"
    " (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS size,"
    " (SELECT group_concat(m.user_id) FROM group_members m"
    "   WHERE m.group_id = g.id AND m.is_leader = 1) AS leader_list"
    " FROM groups g"
)


def _summary(row: sqlite3.Row) -> GroupSummary:
    leaders = [int(x) for x in (row["leader_list"] or "").split(",") if x]
    return GroupSummary(group=group_from_row(row), size=row["size"], leaders=sorted(leaders))


class ForgetsCache(Protocol):
    def forget_cache(self) -> None: ...


def writes(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Drop cached summaries before and after a write, so a read that overlaps it is
    never kept."""

    @functools.wraps(method)
    async def wrapper(self: ForgetsCache, *args: Any, **kwargs: Any) -> T:
        self.forget_cache()
        try:
            return await method(self, *args, **kwargs)
        finally:
            self.forget_cache()

    return wrapper


class SummaryCache:
    """Summaries per server, kept until the next write (`forget`)."""

    def __init__(self, db: Store) -> None:
        self.db = db
        self._summaries: dict[int, list[GroupSummary]] = {}
        self._generation = 0

    def forget(self) -> None:
        self._generation += 1
        self._summaries.clear()

    async def summaries(self, guild_id: int) -> list[GroupSummary]:
        cached = self._summaries.get(guild_id)
        if cached is not None:
            return list(cached)
        generation = self._generation
        rows = await self.db.fetchall(
            _SUMMARY_SQL + " WHERE g.guild_id = ? AND g.status != 'pending' ORDER BY g.name_key",
            (guild_id,),
        )
        fresh = [_summary(r) for r in rows]
        if self._generation == generation:  # no write started or ended meanwhile
            self._summaries[guild_id] = fresh
        return list(fresh)

    async def summary(self, group_id: int) -> GroupSummary | None:
        row = await self.db.fetchone(_SUMMARY_SQL + " WHERE g.id = ?", (group_id,))
        return _summary(row) if row else None

"""Activity per week of a group, its trend (the last `COMPARE_WEEKS` weeks against the
weeks before), and the rows of the server table (attention first, then by activity)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cogs.insights.logic.attention import Attention, needing_attention
from cogs.insights.logic.figures import (
    COMPARE_WEEKS,
    DEFAULT_WEEKS,
    TREND_THRESHOLD,
    WEEK,
    GroupFigures,
)


def activity_by_week(fig: GroupFigures, now: int, weeks: int = DEFAULT_WEEKS) -> list[int]:
    """Activity per 7-day bucket ending at `now`, oldest first: check-ins (by period
    start), poll votes (by poll creation) and event RSVP answers (by event start)."""
    out = [0] * weeks
    start = now - weeks * WEEK

    def add(epoch: int | None, n: int) -> None:
        if epoch is None or not (start <= epoch < now) or n <= 0:
            return
        out[(epoch - start) // WEEK] += n

    for p in fig.checkins:
        add(p.start, p.checked_in)
    for q in fig.polls:
        add(q.created, q.voters)
    for e in fig.events:
        add(e.start, e.answered)
    return out


@dataclass(frozen=True)
class Trend:
    direction: str  # "up", "down", "flat", "new"
    recent: int
    previous: int

    @property
    def change(self) -> float | None:
        return (self.recent - self.previous) / self.previous if self.previous else None

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "flat": "→", "new": "↑"}[self.direction]

    @property
    def text(self) -> str:
        """'+12%', '−40%', 'new' (nothing before), 'none' (nothing at all)."""
        if self.previous == 0:
            return "new" if self.recent else "none"
        ch = self.change or 0.0
        return f"{'+' if ch >= 0 else '−'}{round(abs(ch) * 100)}%"


def trend_of(
    series: Sequence[int], compare_weeks: int = COMPARE_WEEKS, *, young: bool = False
) -> Trend:
    """The last `compare_weeks` buckets against the same number before them. A `young`
    group (younger than both windows) has no earlier window to compare: it is "new"."""
    n = max(1, min(compare_weeks, len(series) // 2))
    recent = sum(series[-n:]) if series else 0
    previous = sum(series[-2 * n : -n]) if len(series) >= 2 * n else 0
    if young:
        return Trend("new" if recent else "flat", recent, 0)
    if previous == 0:
        return Trend("new" if recent else "flat", recent, previous)
    ch = (recent - previous) / previous
    direction = "up" if ch >= TREND_THRESHOLD else "down" if ch <= -TREND_THRESHOLD else "flat"
    return Trend(direction, recent, previous)


@dataclass(frozen=True)
class ServerRow:
    name: str
    members: int
    activity: tuple[int, ...]  # per week, oldest first
    trend: Trend
    last_activity: int | None
    attention: Attention | None
    group_id: int | None = None

    @property
    def needs_attention(self) -> bool:
        return self.attention is not None


def server_rows(
    groups: Iterable[GroupFigures], now: int, weeks: int = DEFAULT_WEEKS
) -> list[ServerRow]:
    """Every group, those needing attention first (most urgent first), then the rest by
    recent activity, size and name."""
    groups = list(groups)
    urgent = needing_attention(groups, now)
    by_id = {id(a.figures): a for a in urgent}
    rows = []
    for g in groups:
        act = tuple(activity_by_week(g, now, weeks))
        young = g.created is not None and g.created > now - 2 * COMPARE_WEEKS * WEEK
        trend = trend_of(act, young=young)
        rows.append(
            ServerRow(g.name, g.members, act, trend, g.last_activity, by_id.get(id(g)), g.group_id)
        )
    order = {id(a.figures): i for i, a in enumerate(urgent)}
    rank = {id(r): order.get(id(g), len(order)) for r, g in zip(rows, groups, strict=True)}
    rows.sort(key=lambda r: (rank[id(r)], -r.trend.recent, -r.members, r.name.casefold()))
    return rows

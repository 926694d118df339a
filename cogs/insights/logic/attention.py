"""Which groups need attention and why (quiet for `QUIET_DAYS`, or check-in completion
halved over `COMPARE_WEEKS`), most urgent first; see the rules in `cogs.insights.logic`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cogs.insights.logic.figures import (
    COMPARE_WEEKS,
    DAY,
    QUIET_DAYS,
    WEEK,
    GroupFigures,
    window_completion,
)
from cogs.insights.logic.text import pct
from core.ui import plural


@dataclass(frozen=True)
class Attention:
    figures: GroupFigures
    reasons: tuple[str, ...]
    quiet_days: int | None  # set when quiet (days since the last activity; None: never)
    drop: float | None  # set when halved: 1 - recent/previous (0.5..1)
    never_active: bool = False

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def attention_of(
    fig: GroupFigures,
    now: int,
    *,
    quiet_days: int = QUIET_DAYS,
    compare_weeks: int = COMPARE_WEEKS,
) -> Attention | None:
    """Why `fig` needs attention, or None."""
    reasons: list[str] = []
    days: int | None = None
    never = False
    quiet = False
    since = fig.last_activity if fig.last_activity is not None else fig.created
    if since is None:
        quiet, never = True, True
        reasons.append("no activity yet")
    elif since <= now - quiet_days * DAY:
        quiet = True
        days = (now - since) // DAY
        if fig.last_activity is None:
            never = True
            reasons.append(f"no activity since it was created {plural(days, 'day')} ago")
        else:
            reasons.append(f"nothing in {plural(days, 'day')}")
    drop = None
    span = compare_weeks * WEEK
    rc, re_ = window_completion(fig, now - span, now, now)
    pc, pe = window_completion(fig, now - 2 * span, now - span, now)
    if re_ > 0 and pe > 0 and pc > 0:
        recent, previous = rc / re_, pc / pe
        if recent * 2 <= previous:
            drop = 1 - recent / previous
            reasons.append(
                f"check-ins fell from {pct(previous)} to {pct(recent)} "
                f"in the last {plural(compare_weeks, 'week')}"
            )
    if not quiet and drop is None:
        return None
    return Attention(fig, tuple(reasons), days if quiet else None, drop, never)


def _urgency(a: Attention) -> tuple:
    quiet = a.quiet_days is not None or a.never_active
    # never active (no creation known) sorts as the longest quiet
    days = a.quiet_days if a.quiet_days is not None else 10**9
    return (
        not quiet,
        -days if quiet else 0,
        -(a.drop or 0.0),
        -a.figures.members,
        a.figures.name.casefold(),
    )


def needing_attention(groups: Iterable[GroupFigures], now: int, **kw) -> list[Attention]:
    """The groups needing attention, most urgent first (see the module doc)."""
    found = [a for g in groups if (a := attention_of(g, now, **kw)) is not None]
    found.sort(key=_urgency)
    return found

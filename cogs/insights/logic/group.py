"""What the group picture shows: the headline rates, the completion per period (summed
per week when there are many), and the latest events and polls (`GroupPicture`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta, tzinfo

from cogs.insights.logic.attention import Attention, attention_of
from cogs.insights.logic.figures import (
    DEFAULT_WEEKS,
    EventAttendance,
    GroupFigures,
    PeriodCompletion,
    PollParticipation,
    in_window,
    sum_completion,
)
from cogs.insights.logic.text import ago_text, date_text, local_date, ratio


def completion_series(
    periods: Sequence[PeriodCompletion], tz: tzinfo = UTC, max_bars: int = 60
) -> list[tuple[str, int, int]]:
    """(label, checked_in, expected) per period; more than `max_bars` periods (daily
    check-ins over many weeks) are summed per local week (label: the Monday)."""
    if len(periods) <= max_bars:
        return [(date_text(p.start, tz), p.checked_in, p.expected) for p in periods]
    weeks: dict[date, list[int]] = {}
    for p in periods:
        d = local_date(p.start, tz)
        monday = d - timedelta(days=d.weekday())
        acc = weeks.setdefault(monday, [0, 0])
        acc[0] += p.checked_in
        acc[1] += p.expected
    rows = [(f"wk {m.day} {m.strftime('%b')}", c, e) for m, (c, e) in sorted(weeks.items())]
    return rows[-max_bars:]


@dataclass(frozen=True)
class Headline:
    members: int
    completion: float | None
    attendance: float | None
    participation: float | None


def headline(fig: GroupFigures) -> Headline:
    c, e = sum_completion(fig.checkins)
    known = [ev for ev in fig.events if ev.attended is not None]
    att = ratio(
        sum(ev.attended or 0 for ev in known),
        sum(max(ev.answered, ev.attended or 0) for ev in known),
    )
    part = ratio(sum(q.voters for q in fig.polls), sum(q.members for q in fig.polls))
    return Headline(fig.members, ratio(c, e), att, part)


MAX_BARS = 100  # bars per panel of the group picture (its text lists the same items)


@dataclass(frozen=True)
class GroupPicture:
    """What the group picture shows (and its text lists): the chart code draws only this."""

    name: str
    weeks: int
    headline: Headline
    completion: tuple[tuple[str, int, int], ...]  # (label, checked_in, expected)
    events: tuple[EventAttendance, ...]  # the latest MAX_BARS, oldest first
    events_hidden: int
    polls: tuple[PollParticipation, ...]  # the latest MAX_BARS, oldest first
    polls_hidden: int
    last_activity: str  # "3 days ago"
    attention: Attention | None
    tz: tzinfo = UTC


def group_picture(
    fig: GroupFigures, now: int, weeks: int = DEFAULT_WEEKS, tz: tzinfo = UTC
) -> GroupPicture:
    w = in_window(fig, now, weeks)
    return GroupPicture(
        fig.name,
        weeks,
        headline(w),
        tuple(completion_series(w.checkins, tz, MAX_BARS)),
        tuple(w.events[-MAX_BARS:]),
        max(0, len(w.events) - MAX_BARS),
        tuple(w.polls[-MAX_BARS:]),
        max(0, len(w.polls) - MAX_BARS),
        ago_text(fig.last_activity, now),
        attention_of(fig, now),
        tz,
    )

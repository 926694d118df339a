"""The figures insights works on: one dataclass per kind of activity of a group
(check-in periods, events, polls), `GroupFigures` holding them all, the time constants of
the rules, and the window helpers over a group's figures. Epochs are UTC seconds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DAY = 86_400
WEEK = 7 * DAY
QUIET_DAYS = 14
COMPARE_WEEKS = 4
TREND_THRESHOLD = 0.20
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class PeriodCompletion:
    """One check-in period: how many checked in of how many were expected."""

    start: int
    checked_in: int
    expected: int
    end: int | None = None  # when known, a period ending after `now` is still open

    @property
    def rate(self) -> float | None:
        return self.checked_in / self.expected if self.expected > 0 else None


@dataclass(frozen=True)
class EventAttendance:
    """One event (occurrence): members who answered its RSVP, of them those going (None
    if unknown), and who came (None if unknown: no voice channel and no I'm here, or not
    ended yet). Attendance is came / answered where came is known, else going /
    answered (`figure` says which)."""

    title: str
    start: int
    answered: int
    going: int | None = None
    came: int | None = None

    @property
    def figure(self) -> str:
        return "came" if self.came is not None else "going"

    @property
    def attended(self) -> int | None:
        """The figure attendance is counted by: came where known, else going."""
        return self.came if self.came is not None else self.going

    @property
    def rate(self) -> float | None:
        if self.attended is None:
            return None
        # Members may come without answering: out of whichever is larger (at most 100%).
        out_of = max(self.answered, self.attended)
        return self.attended / out_of if out_of > 0 else None


def attendance_basis(events: Sequence[EventAttendance]) -> str:
    """Which figure the attendance shows: `came`, `going`, or both."""
    known = sum(1 for e in events if e.came is not None)
    if known == 0:
        return "going: who came is not known"
    if known == len(events):
        return "came"
    return f"came for {known} of {len(events)} events, going for the rest"


@dataclass(frozen=True)
class PollParticipation:
    """One poll: distinct voters of the members who could vote."""

    question: str
    voters: int
    members: int
    created: int | None = None

    @property
    def rate(self) -> float | None:
        return self.voters / self.members if self.members > 0 else None


def _as(kind: type, items: Iterable) -> tuple:
    return tuple(i if isinstance(i, kind) else kind(*i) for i in items)


@dataclass(frozen=True)
class GroupFigures:
    """Everything insights knows about one group. Plain tuples are accepted for the
    series, e.g. `checkins=[(period_start, checked_in, expected), ...]`."""

    name: str
    members: int
    checkins: Sequence[PeriodCompletion] = ()
    events: Sequence[EventAttendance] = ()
    polls: Sequence[PollParticipation] = ()
    last_activity: int | None = None
    created: int | None = None
    group_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "checkins",
            tuple(sorted(_as(PeriodCompletion, self.checkins), key=lambda p: p.start)),
        )
        object.__setattr__(
            self, "events", tuple(sorted(_as(EventAttendance, self.events), key=lambda e: e.start))
        )
        object.__setattr__(
            self,
            "polls",
            tuple(sorted(_as(PollParticipation, self.polls), key=lambda p: p.created or 0)),
        )


def sum_completion(periods: Iterable[PeriodCompletion]) -> tuple[int, int]:
    c = e = 0
    for p in periods:
        c += p.checked_in
        e += p.expected
    return c, e


def window_completion(fig: GroupFigures, since: int, until: int, now: int) -> tuple[int, int]:
    """(checked_in, expected) of the finished periods that started in [since, until)."""
    return sum_completion(
        p
        for p in fig.checkins
        if since <= p.start < until and not (p.end is not None and p.end > now)
    )


def in_window(fig: GroupFigures, now: int, weeks: int) -> GroupFigures:
    """The figures restricted to the last `weeks` weeks (events up to now)."""
    since = now - weeks * WEEK
    return GroupFigures(
        fig.name,
        fig.members,
        tuple(p for p in fig.checkins if since <= p.start < now),
        tuple(e for e in fig.events if since <= e.start < now),
        tuple(q for q in fig.polls if q.created is None or since <= q.created < now),
        fig.last_activity,
        fig.created,
        fig.group_id,
    )

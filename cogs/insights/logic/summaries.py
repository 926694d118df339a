"""The text beside each picture (`Summary`, shaped like an embed within its limits): the
group summary, the server summary, and the Monday digest's message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from cogs.insights.logic.activity import ServerRow
from cogs.insights.logic.attention import Attention
from cogs.insights.logic.figures import (
    COMPARE_WEEKS,
    DEFAULT_WEEKS,
    GroupFigures,
    attendance_basis,
    in_window,
)
from cogs.insights.logic.group import group_picture
from cogs.insights.logic.text import (
    CONTENT_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    ago_text,
    clip,
    date_text,
    join_lines,
    one_line,
    pct,
    ratio,
)


@dataclass(frozen=True)
class Summary:
    """The text beside a picture, shaped like an embed (every part within its limit)."""

    title: str
    description: str
    fields: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def total(self) -> int:
        return (
            len(self.title) + len(self.description) + sum(len(n) + len(v) for n, v in self.fields)
        )

    def as_text(self, limit: int = CONTENT_LIMIT) -> str:
        """The same figures as one plain message (content, at most 2,000 characters)."""
        parts = [f"**{self.title}**", self.description]
        parts += [f"**{n}**\n{v}" for n, v in self.fields]
        return clip("\n".join(p for p in parts if p), limit)


def _fit(title: str, description: str, fields: list[tuple[str, list[str]]]) -> Summary:
    title = clip(title, EMBED_TITLE_LIMIT)
    description = join_lines(description.split("\n"), EMBED_DESCRIPTION_LIMIT)
    budget = EMBED_TOTAL_LIMIT - len(title) - len(description)
    out = []
    for name, lines in fields[:EMBED_FIELDS_LIMIT]:
        name = clip(name, FIELD_NAME_LIMIT)
        room = min(FIELD_VALUE_LIMIT, budget - len(name))
        if room < 12:
            break
        value = join_lines(lines, room) if lines else "–"
        value = value or "–"
        out.append((name, value))
        budget -= len(name) + len(value)
    return Summary(title, description, tuple(out))


def group_summary(
    fig: GroupFigures, now: int, weeks: int = DEFAULT_WEEKS, tz: tzinfo = UTC
) -> Summary:
    """The figures of the group picture as text, newest first within each section."""
    pic = group_picture(fig, now, weeks, tz)
    window = in_window(fig, now, weeks)
    h = pic.headline
    desc = [
        f"Members: {h.members}",
        f"Check-in completion: {pct(h.completion)}",
        f"Event attendance: {pct(h.attendance)} ({attendance_basis(window.events)})",
        f"Poll participation: {pct(h.participation)}",
        f"Last activity: {pic.last_activity}",
    ]
    if pic.attention:
        desc.append(f"Needs attention: {pic.attention.reason}")
    periods = [f"{label}: {c}/{e} ({pct(ratio(c, e))})" for label, c, e in reversed(pic.completion)]
    events = [
        f"{date_text(e.start, tz)} {one_line(e.title, 60)}: "
        + (
            f"{e.came} came, {e.going} going of {e.answered} answered ({pct(e.rate)} came)"
            if e.came is not None
            else f"{e.going} going of {e.answered} answered ({pct(e.rate)})"
            if e.going is not None
            else f"{e.answered} answered"
        )
        for e in reversed(pic.events)
    ]
    polls = [
        f"{one_line(q.question, 60)}: {q.voters}/{q.members} voted ({pct(q.rate)})"
        for q in reversed(pic.polls)
    ]
    if pic.events_hidden:
        events.append(f"(and {pic.events_hidden} earlier events, in the CSV export)")
    if pic.polls_hidden:
        polls.append(f"(and {pic.polls_hidden} earlier polls, in the CSV export)")
    return _fit(
        f"{one_line(fig.name, 100)} · last {weeks} weeks",
        "\n".join(desc),
        [
            ("Check-in completion per period", periods or ["no check-ins"]),
            ("Attendance per event", events or ["no events"]),
            ("Poll participation", polls or ["no polls"]),
        ],
    )


def row_text(r: ServerRow, now: int) -> str:
    s = (
        f"{one_line(r.name, 60)}: {r.members} members, activity {r.trend.text} "
        f"({r.trend.recent} in {COMPARE_WEEKS} weeks), last {ago_text(r.last_activity, now)}"
    )
    if r.attention:
        s = "⚠ " + s + f" — {r.attention.reason}"
    return s


def server_summary(rows: Sequence[ServerRow], now: int, weeks: int = DEFAULT_WEEKS) -> Summary:
    """The figures of the server picture as text (attention first, then every group)."""
    urgent = [r for r in rows if r.attention]
    desc = (
        f"{len(rows)} groups, {sum(r.members for r in rows)} memberships; "
        f"{len(urgent)} need attention."
    )
    fields: list[tuple[str, list[str]]] = []
    if urgent:
        fields.append(("Needing attention", [row_text(r, now) for r in urgent]))
    fields.append(("Groups", [row_text(r, now) for r in rows if not r.attention] or ["none"]))
    return _fit(f"Server insights · last {weeks} weeks", desc, fields)


def digest_content(urgent: Sequence[Attention], now: int) -> str:
    """The Monday digest's message beside the server picture (at most 2,000 chars)."""
    if not urgent:
        return "Weekly insights: no group needs attention."
    lines = [f"• {one_line(a.figures.name, 80)}: {a.reason}" for a in urgent]
    head = f"Weekly insights: {len(urgent)} group{'s' if len(urgent) != 1 else ''} need attention"
    return head + "\n" + join_lines(lines, CONTENT_LIMIT - len(head) - 1)

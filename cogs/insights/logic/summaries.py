"""The text beside each picture (`Summary`, shaped like an embed within its limits): the
group summary, the server summary, and the Monday digest's message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from cogs.insights.logic.activity import ServerRow
from cogs.insights.logic.figures import (
    COMPARE_WEEKS,
    DEFAULT_WEEKS,
    GroupFigures,
    attendance_basis,
    in_window,
)
from cogs.insights.logic.group import GroupPicture, group_picture
from cogs.insights.logic.text import (
    ago_text,
    date_text,
    join_lines,
    one_line,
    pct,
    ratio,
)
from core import fit
from core.ui import plural


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

    def as_text(self, limit: int = fit.CONTENT) -> str:
        """The same figures as one plain message (content, at most 2,000 characters)."""
        parts = [f"**{self.title}**", self.description]
        parts += [f"**{n}**\n{v}" for n, v in self.fields]
        return fit.clip("\n".join(p for p in parts if p), limit)


def _fit(title: str, description: str, fields: list[tuple[str, list[str]]]) -> Summary:
    title = fit.clip(title, fit.EMBED_TITLE)
    description = join_lines(description.split("\n"), fit.EMBED_DESCRIPTION)
    budget = fit.EMBED_TOTAL - len(title) - len(description)
    out = []
    for name, lines in fields[: fit.FIELDS]:
        name = fit.clip(name, fit.FIELD_NAME)
        room = min(fit.FIELD_VALUE, budget - len(name))
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
        events.append(f"(and {plural(pic.events_hidden, 'earlier event')}, in the CSV export)")
    if pic.polls_hidden:
        polls.append(f"(and {plural(pic.polls_hidden, 'earlier poll')}, in the CSV export)")
    return _fit(
        f"{one_line(fig.name, 100)} · last {plural(weeks, 'week')}",
        "\n".join(desc),
        [
            ("Check-in completion per period", periods or ["no check-ins"]),
            ("Attendance per event", events or ["no events"]),
            ("Poll participation", polls or ["no polls"]),
        ],
    )


def row_text(r: ServerRow, now: int) -> str:
    s = (
        f"{one_line(r.name, 60)}: {plural(r.members, 'member')}, activity {r.trend.text} "
        f"({r.trend.recent} in {plural(COMPARE_WEEKS, 'week')}), "
        f"last active {ago_text(r.last_activity, now)}"
    )
    if r.attention:
        s = "⚠ " + s + f" — {r.attention.reason}"
    return s


def server_summary(rows: Sequence[ServerRow], now: int, weeks: int = DEFAULT_WEEKS) -> Summary:
    """The figures of the server picture as text (attention first, then every group)."""
    urgent = [r for r in rows if r.attention]
    desc = (
        f"{plural(len(rows), 'group')}, {plural(sum(r.members for r in rows), 'membership')}; "
        f"{len(urgent)} {'needs' if len(urgent) == 1 else 'need'} attention."
    )
    fields: list[tuple[str, list[str]]] = []
    if urgent:
        fields.append(("Needing attention", [row_text(r, now) for r in urgent]))
    fields.append(("Groups", [row_text(r, now) for r in rows if not r.attention] or ["none"]))
    return _fit(f"Server insights · last {plural(weeks, 'week')}", desc, fields)


def digest_content(rows: Sequence[ServerRow], now: int) -> str:
    """The Monday digest's message beside the server picture (at most 2,000 chars): how
    many need attention, then each group in one line, those needing attention first."""
    urgent = sum(1 for r in rows if r.attention)
    if not rows:
        return "Weekly insights: there are no groups yet."
    needs = (
        f"{plural(urgent, 'group')} {'needs' if urgent == 1 else 'need'} attention"
        if urgent
        else "no group needs attention"
    )
    head = f"Weekly insights: {needs}."
    lines = [f"• {row_text(r, now)}" for r in rows]
    return head + "\n" + join_lines(lines, fit.CONTENT - len(head) - 1)


# A picture's text alternative (the attachment's description): Discord takes 1,024.
ALT_LIMIT = 1024


def group_alt(pic: GroupPicture) -> str:
    """The group picture in words, from the same figures, for screen readers."""
    h = pic.headline
    parts = [
        f"Insights of {one_line(pic.name, 100)}, last {plural(pic.weeks, 'week')}: "
        f"{plural(h.members, 'member')}, check-in completion {_spoken(h.completion)}, "
        f"event attendance {_spoken(h.attendance)}, "
        f"poll participation {_spoken(h.participation)}, last activity {pic.last_activity}."
    ]
    if pic.attention:
        parts.append(f"Needs attention: {pic.attention.reason}.")
    if pic.completion:
        rates = ", ".join(pct(ratio(c, e)) for _, c, e in pic.completion[-12:])
        parts.append(f"Check-in completion per period, oldest first: {rates}.")
    parts.append(
        f"Events: {len(pic.events) + pic.events_hidden}; polls: {len(pic.polls) + pic.polls_hidden}."
    )
    return fit.clip(" ".join(parts), ALT_LIMIT)


def _spoken(rate: float | None) -> str:
    """A rate as a screen reader should say it: `75%`, or `none yet` (not a dash)."""
    return "none yet" if rate is None else pct(rate)


def server_alt(rows: Sequence[ServerRow], now: int, weeks: int = DEFAULT_WEEKS) -> str:
    """The server picture in words: every group in one sentence, attention first."""
    head = f"Server insights, last {plural(weeks, 'week')}, {plural(len(rows), 'group')}."
    lines = [row_text(r, now) + "." for r in rows]
    return head + " " + join_lines(lines, ALT_LIMIT - len(head) - 1).replace("\n", " ")

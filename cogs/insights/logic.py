"""Insights rules and figures (SPEC §7): pure, no discord, no store, no I/O.

Phase B gathers the figures through the other features' `api.py` into the dataclasses
below (epochs are UTC seconds); everything here turns them into what is shown: the
groups needing attention (most urgent first, with the reason as text), the activity
trend, the server summary rows, the text figures beside each picture (the same numbers
as the picture, within Discord's limits), the CSV of `/insights export`, and the
26-week check-in heatmap of one member.

Rules, precisely (`now` is injected, never read from the clock here):

* **Quiet**: a group needs attention when nothing happened in the last `QUIET_DAYS` (14)
  days, i.e. its last activity (or, with none, its creation; with neither, always) is at
  or before `now - 14 days`. Exactly 14 days ago counts as quiet.
* **Halved**: completion over the last `COMPARE_WEEKS` (4) weeks -- sum of check-ins over
  sum of expected check-ins of the periods that *started* in `[now - 4w, now)` -- is at
  most half of the completion over the 4 weeks before (`[now - 8w, now - 4w)`). Both
  windows need expected check-ins and the earlier completion must be above zero.
  Periods still open (`end` known and after `now`) are left out: they are not over yet.
* **Most urgent first**: quiet groups before halved ones, the longer quiet first; then
  the larger drop first; then the larger group; then by name.
* **Trend**: activity (check-ins + poll votes + event RSVP answers) per week; the
  last `COMPARE_WEEKS` weeks against the same number of weeks before: `up` at +20 % or
  more, `down` at -20 % or less, else `flat`; `new` when the weeks before were empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

DAY = 86_400
WEEK = 7 * DAY
QUIET_DAYS = 14
COMPARE_WEEKS = 4
TREND_THRESHOLD = 0.20
DEFAULT_WEEKS = 12
HEATMAP_WEEKS = 26
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Discord limits
CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBED_FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
ELLIPSIS = "…"


# ---------------------------------------------------------------------------- figures


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
    """One event: members who answered its RSVP, and of them those going (None if
    unknown). Attendance is going / answered."""

    title: str
    start: int
    answered: int
    going: int | None = None

    @property
    def rate(self) -> float | None:
        if self.going is None or self.answered <= 0:
            return None
        return self.going / self.answered


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


# ---------------------------------------------------------------------------- helpers


def pct(rate: float | None) -> str:
    """0.724 -> '72%'; None -> '–'."""
    return "–" if rate is None else f"{round(rate * 100)}%"


def ratio(num: int, den: int) -> float | None:
    return num / den if den > 0 else None


def clip(text: str, limit: int) -> str:
    """At most `limit` characters; a shortened text ends with `…`."""
    text = text or ""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS if limit > 0 else ""


def one_line(text: str, limit: int) -> str:
    """A user-typed name on one line (no newlines, no markdown-breaking backticks)."""
    return clip(" ".join((text or "").replace("`", "'").split()), limit)


def join_lines(lines: Sequence[str], limit: int, *, more: str = "+{n} more") -> str:
    """As many whole lines as fit in `limit`, then `+N more` for the rest."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = clip(line, limit)
        rest = len(lines) - i - 1
        tail = len("\n" + more.format(n=rest)) if rest else 0
        need = len(line) + (1 if out else 0)
        if used + need + tail <= limit:
            out.append(line)
            used += need
            continue
        n = len(lines) - i
        tail_line = more.format(n=n)
        while out and used + 1 + len(tail_line) > limit:
            used -= len(out.pop()) + (1 if out else 0)
            n += 1
            tail_line = more.format(n=n)
        out.append(tail_line)
        return clip("\n".join(out), limit)
    return "\n".join(out)


def local_date(epoch: int, tz: tzinfo = UTC) -> date:
    return datetime.fromtimestamp(epoch, tz).date()


def date_text(epoch: int, tz: tzinfo = UTC) -> str:
    """'4 Mar' in `tz` (the CSV has full ISO dates)."""
    d = local_date(epoch, tz)
    return f"{d.day} {d.strftime('%b')}"


def ago_text(epoch: int | None, now: int) -> str:
    if epoch is None:
        return "never"
    days = max(0, (now - epoch) // DAY)
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def _sum_completion(periods: Iterable[PeriodCompletion]) -> tuple[int, int]:
    c = e = 0
    for p in periods:
        c += p.checked_in
        e += p.expected
    return c, e


def window_completion(fig: GroupFigures, since: int, until: int, now: int) -> tuple[int, int]:
    """(checked_in, expected) of the finished periods that started in [since, until)."""
    return _sum_completion(
        p
        for p in fig.checkins
        if since <= p.start < until and not (p.end is not None and p.end > now)
    )


# ---------------------------------------------------------------------------- attention


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
            reasons.append(f"no activity since it was created {days} days ago")
        else:
            reasons.append(f"nothing in {days} days")
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
                f"in the last {compare_weeks} weeks"
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


# ---------------------------------------------------------------------------- activity


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


def trend_of(series: Sequence[int], compare_weeks: int = COMPARE_WEEKS) -> Trend:
    """The last `compare_weeks` buckets against the same number before them."""
    n = max(1, min(compare_weeks, len(series) // 2))
    recent = sum(series[-n:]) if series else 0
    previous = sum(series[-2 * n : -n]) if len(series) >= 2 * n else 0
    if previous == 0:
        return Trend("new" if recent else "flat", recent, previous)
    ch = (recent - previous) / previous
    direction = "up" if ch >= TREND_THRESHOLD else "down" if ch <= -TREND_THRESHOLD else "flat"
    return Trend(direction, recent, previous)


# ---------------------------------------------------------------------------- server


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
        rows.append(
            ServerRow(
                g.name, g.members, act, trend_of(act), g.last_activity, by_id.get(id(g)), g.group_id
            )
        )
    order = {id(a.figures): i for i, a in enumerate(urgent)}
    rank = {id(r): order.get(id(g), len(order)) for r, g in zip(rows, groups, strict=True)}
    rows.sort(key=lambda r: (rank[id(r)], -r.trend.recent, -r.members, r.name.casefold()))
    return rows


# ---------------------------------------------------------------------------- group


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


@dataclass(frozen=True)
class Headline:
    members: int
    completion: float | None
    attendance: float | None
    participation: float | None


def headline(fig: GroupFigures) -> Headline:
    c, e = _sum_completion(fig.checkins)
    known = [ev for ev in fig.events if ev.going is not None]
    att = ratio(sum(ev.going or 0 for ev in known), sum(ev.answered for ev in known))
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


def page_of(rows: Sequence, page: int, per_page: int) -> tuple[list, int, int]:
    """(the rows of `page` (0-based, clamped), the page count, the rows after this page)."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(0, page), pages - 1)
    chunk = list(rows[page * per_page : (page + 1) * per_page])
    return chunk, pages, max(0, len(rows) - (page + 1) * per_page)


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
    h = pic.headline
    desc = [
        f"Members: {h.members}",
        f"Check-in completion: {pct(h.completion)}",
        f"Event attendance: {pct(h.attendance)}",
        f"Poll participation: {pct(h.participation)}",
        f"Last activity: {pic.last_activity}",
    ]
    if pic.attention:
        desc.append(f"Needs attention: {pic.attention.reason}")
    periods = [f"{label}: {c}/{e} ({pct(ratio(c, e))})" for label, c, e in reversed(pic.completion)]
    events = [
        f"{date_text(e.start, tz)} {one_line(e.title, 60)}: "
        + (
            f"{e.going} going of {e.answered} answered ({pct(e.rate)})"
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


# ---------------------------------------------------------------------------- CSV

CSV_HEADER = ("group", "figure", "item", "date", "value", "out_of", "percent")


def _cell(text: str) -> str:
    """User text safe in spreadsheets (no formula injection)."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _iso(epoch: int | None, tz: tzinfo) -> str:
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, tz).isoformat(timespec="minutes")


def _pc(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}"


def csv_rows(
    fig: GroupFigures, now: int, weeks: int = DEFAULT_WEEKS, tz: tzinfo = UTC
) -> list[tuple[str, ...]]:
    """One group's figures (the same as its picture and text) as CSV rows."""
    w = in_window(fig, now, weeks)
    name = _cell(fig.name)
    rows: list[tuple[str, ...]] = [(name, "members", "", "", str(fig.members), "", "")]
    for p in w.checkins:
        rows.append(
            (
                name,
                "checkin_period",
                "",
                _iso(p.start, tz),
                str(p.checked_in),
                str(p.expected),
                _pc(p.rate),
            )
        )
    for e in w.events:
        rows.append(
            (
                name,
                "event",
                _cell(e.title),
                _iso(e.start, tz),
                "" if e.going is None else str(e.going),
                str(e.answered),
                _pc(e.rate),
            )
        )
    for q in w.polls:
        rows.append(
            (
                name,
                "poll",
                _cell(q.question),
                _iso(q.created, tz),
                str(q.voters),
                str(q.members),
                _pc(q.rate),
            )
        )
    week0 = now - weeks * WEEK
    for i, n in enumerate(activity_by_week(fig, now, weeks)):
        rows.append((name, "activity_week", "", _iso(week0 + i * WEEK, tz), str(n), "", ""))
    rows.append((name, "last_activity", "", _iso(fig.last_activity, tz), "", "", ""))
    att = attention_of(fig, now)
    if att:
        for reason in att.reasons:
            rows.append((name, "needs_attention", reason, "", "", "", ""))
    return rows


def export_csv(
    groups: Iterable[GroupFigures], now: int, weeks: int = DEFAULT_WEEKS, tz: tzinfo = UTC
) -> str:
    """`/insights export`: every group's figures as one CSV text (header first)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for g in groups:
        writer.writerows(csv_rows(g, now, weeks, tz))
    return buf.getvalue()


# ---------------------------------------------------------------------------- heatmap
# The 26-week heatmap lives in core.heatmap (check-ins draw it too); re-exported here.

from core.heatmap import Heatmap, heatmap_grid, heatmap_text  # noqa: E402

__all__ = ["Heatmap", "heatmap_grid", "heatmap_text"]

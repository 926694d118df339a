"""The CSV of `/insights export`: every group's figures (the same as its picture and
text) as rows, user text made safe for spreadsheets."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo

from cogs.insights.logic.activity import activity_by_week
from cogs.insights.logic.attention import attention_of
from cogs.insights.logic.figures import DEFAULT_WEEKS, WEEK, GroupFigures, in_window
from core.plaintime import plain_times

CSV_HEADER = ("group", "figure", "item", "date", "value", "out_of", "percent")


def _cell(text: str) -> str:
    """User text safe in spreadsheets (no formula injection), timestamps written out
    (a spreadsheet can't render `<t:…>`)."""
    text = plain_times(text or "")
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
                _pc(None if e.going is None or not e.answered else e.going / e.answered),
            )
        )
        if e.came is not None:  # who came, where known, beside who said going
            rows.append(
                (name, "event_came", _cell(e.title), _iso(e.start, tz), str(e.came),
                 str(e.answered), _pc(e.rate))
            )  # fmt: skip
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
    import csv  # only `/insights export` writes CSV: not loaded at start

    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for g in groups:
        writer.writerows(csv_rows(g, now, weeks, tz))
    return buf.getvalue()

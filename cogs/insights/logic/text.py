"""Text helpers of insights within Discord's limits (core.fit's: clip, limits): percentages
and ratios, whole lines then `+N more`, dates and "3 days ago", and paging rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo

from cogs.insights.logic.figures import DAY
from core import fit
from core.plaintime import plain_times
from core.ui import plural


def pct(rate: float | None) -> str:
    """0.724 -> '72%'; None -> '–'."""
    return "–" if rate is None else f"{round(rate * 100)}%"


def ratio(num: int, den: int) -> float | None:
    return num / den if den > 0 else None


def one_line(text: str, limit: int) -> str:
    """A user-typed name on one line (no newlines, no markdown-breaking backticks), its
    timestamps written out first so clipping never leaves half a `<t:…>` token."""
    return fit.clip(" ".join(plain_times(text or "").replace("`", "'").split()), limit)


def join_lines(lines: Sequence[str], limit: int) -> str:
    """As many whole lines as fit in `limit`, then `+N more` for the rest."""
    return fit.lines_fitting([fit.clip(line or "", limit) for line in lines], limit)


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
    return f"{plural(days, 'day')} ago"


def page_of(rows: Sequence, page: int, per_page: int) -> tuple[list, int, int]:
    """(the rows of `page` (0-based, clamped), the page count, the rows after this page)."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(0, page), pages - 1)
    chunk = list(rows[page * per_page : (page + 1) * per_page])
    return chunk, pages, max(0, len(rows) - (page + 1) * per_page)

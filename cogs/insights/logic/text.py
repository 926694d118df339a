"""Text helpers of insights within Discord's limits: percentages and ratios, clipping
with `…`, whole lines then `+N more`, dates and "3 days ago", and paging rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo

from .figures import DAY

# Discord limits
CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBED_FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
ELLIPSIS = "…"


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


def page_of(rows: Sequence, page: int, per_page: int) -> tuple[list, int, int]:
    """(the rows of `page` (0-based, clamped), the page count, the rows after this page)."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(0, page), pages - 1)
    chunk = list(rows[page * per_page : (page + 1) * per_page])
    return chunk, pages, max(0, len(rows) - (page + 1) * per_page)

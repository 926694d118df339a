"""Insights pictures as PNG bytes, drawn with Pillow on the shared look of `core.pictures`.

Pillow was measured against matplotlib (Agg) for the same three-panel chart (see
docs/insights.md): import 20 ms vs 550-735 ms, +5 MB RSS vs +55 MB for the import,
+8 MB vs +43-46 MB after 100 pictures, 35-40 ms vs 505-540 ms per picture (p99 63-75
vs 1160-1470 ms). Pillow it is; it is imported only inside the draw functions, so
importing `cogs.insights` costs nothing.

Every picture is a card of its own (dark neutral, white text, a lighter border), which
reads the same on Discord's dark and light themes, 1000 px wide with large type and few
words, for phone width. The draw functions are synchronous and CPU-bound: call them
through `render()`, which runs them on one worker thread so the event loop never stalls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cogs.insights import logic

if TYPE_CHECKING:
    from PIL import ImageDraw

from core.pictures import (
    AMBER,
    BLUE,
    BORDER,
    GREEN,
    GREEN_DIM,
    GRID,
    HEAT,
    MUTED,
    PAD,
    PANEL,
    RED,
    TEXT,
    WIDTH,
    drawable,
    fit,
    font,
    render,
)
from core.pictures import canvas as _canvas
from core.pictures import header as _header
from core.pictures import num as _num
from core.pictures import png as _png
from core.pictures import warning as _warning
from core.ui import plural

SERVER_PER_PAGE = 12

__all__ = [
    "BORDER",
    "HEAT",
    "draw_group",
    "draw_server",
    "drawable",
    "fit",
    "font",
    "render",
]


def _banner(d: ImageDraw.ImageDraw, y: int, text: str) -> int:
    d.rounded_rectangle((PAD, y, WIDTH - PAD, y + 52), radius=10, fill=(64, 30, 34))
    _warning(d, PAD + 14, y + 12, 28)
    d.text((PAD + 56, y + 11), fit(text, font(26), WIDTH - 2 * PAD - 72), font=font(26), fill=TEXT)
    return y + 52 + 18


# ------------------------------------------------------------------------ group picture


def _tiles(d: ImageDraw.ImageDraw, y: int, tiles: Sequence[tuple[str, str, tuple]]) -> int:
    gap = 16
    w = (WIDTH - 2 * PAD - gap * (len(tiles) - 1)) / len(tiles)
    for i, (value, label, color) in enumerate(tiles):
        x = PAD + i * (w + gap)
        d.rounded_rectangle((x, y, x + w, y + 104), radius=12, fill=PANEL)
        d.rectangle((x, y + 12, x + 5, y + 92), fill=color)
        d.text((x + 20, y + 10), fit(value, font(46, True), w - 30), font=font(46, True), fill=TEXT)
        d.text((x + 20, y + 66), fit(label, font(24), w - 30), font=font(24), fill=MUTED)
    return y + 104 + 22


def _bars_panel(
    d: ImageDraw.ImageDraw,
    y: int,
    title: str,
    values: Sequence[tuple[float, float | None]],  # (back, front) in 0..top
    top: float,
    top_label: str,
    color: tuple,
    back_color: tuple | None,
    first: str,
    last: str,
    empty: str,
    height: int = 170,
    legend: Sequence[tuple[str, tuple]] = (),
) -> int:
    """Title line, then bars over a 0..top scale with gridlines at half and top."""
    d.text((PAD, y), fit(title, font(28, True), WIDTH - 2 * PAD), font=font(28, True), fill=TEXT)
    if legend:
        x: float = WIDTH - PAD
        for label, c in reversed(legend):
            x -= font(22).getlength(label)
            d.text((x, y + 4), label, font=font(22), fill=MUTED)
            x -= 26
            d.rectangle((x, y + 8, x + 18, y + 26), fill=c)
            x -= 18
    y += 42
    left, right = PAD + 92, WIDTH - PAD
    d.rounded_rectangle((PAD, y, WIDTH - PAD, y + height), radius=10, fill=PANEL)
    plot_top, plot_bottom = y + 18, y + height - 14
    if not values:
        d.text(
            ((PAD + WIDTH - PAD) / 2, y + height / 2), empty, font=font(28), fill=MUTED, anchor="mm"
        )
        return y + height + 42
    half_label = top_label if top_label.endswith("%") else ""
    for frac, label in ((1.0, top_label), (0.5, "50%" if half_label else ""), (0.0, "0")):
        gy = plot_bottom - frac * (plot_bottom - plot_top)
        d.line((left, gy, right - 14, gy), fill=GRID, width=2)
        if label:
            d.text((left - 12, gy), label, font=font(22), fill=MUTED, anchor="rm")
    n = len(values)
    slot = (right - 14 - left) / n
    gap = 2 if slot < 10 else max(2, slot * 0.2)
    for i, (back, front) in enumerate(values):
        x0, x1 = left + i * slot + gap / 2, left + (i + 1) * slot - gap / 2
        x0 = max(x0, (x0 + x1) / 2 - 30)  # few bars: at most 60 px wide, centred
        x1 = max(min(x1, x0 + 60), x0 + 1)
        for v, c in ((back, back_color), (front, color)):
            if v is None or c is None or top <= 0:
                continue
            h = max(0.0, min(1.0, v / top)) * (plot_bottom - plot_top)
            # a zero is drawn as a stub, so it reads as "none" rather than "no data"
            d.rectangle((x0, plot_bottom - max(h, 3), x1, plot_bottom), fill=c)
    y_lab = y + height + 6
    d.text((left, y_lab), first, font=font(22), fill=MUTED)
    if last and n > 1:
        d.text((right - 14, y_lab), last, font=font(22), fill=MUTED, anchor="ra")
    return y + height + 42


def _attended_label(events: Sequence[logic.EventAttendance]) -> str:
    """`came` where it is known for every event, `going` where for none, else both."""
    known = {e.came is not None for e in events}
    return "came" if known == {True} else "came/going" if len(known) > 1 else "going"


def draw_group(pic: logic.GroupPicture) -> bytes:
    """The group picture: members and headline rates, then check-in completion per
    period, attendance per event (answered behind, going in front) and poll
    participation per poll."""
    height = 126 + (70 if pic.attention else 0) + 126 + 3 * 254 + 10
    im, d = _canvas(height)
    h = pic.headline
    y = _header(
        d, pic.name, f"Last {plural(pic.weeks, 'week')} · last activity {pic.last_activity}"
    )
    if pic.attention:
        y = _banner(d, y, pic.attention.reason)
    y = _tiles(
        d,
        y,
        [
            (_num(h.members), "members", TEXT),
            (logic.pct(h.completion), "check-ins", BLUE),
            (logic.pct(h.attendance), _attended_label(pic.events), GREEN),
            (logic.pct(h.participation), "voted", AMBER),
        ],
    )
    tz = pic.tz
    comp = pic.completion
    y = _bars_panel(
        d,
        y,
        "Check-in completion per period",
        [(0, logic.ratio(c, e)) for _, c, e in comp],
        1.0,
        "100%",
        BLUE,
        None,
        comp[0][0] if comp else "",
        comp[-1][0] if comp else "",
        "No check-ins yet",
    )
    ev = pic.events
    top = max(1, max((e.answered for e in ev), default=0))
    hidden = f" · latest {len(ev)}" if pic.events_hidden else ""
    y = _bars_panel(
        d,
        y,
        f"Attendance per event{hidden}",
        [(max(e.answered, e.attended or 0), e.attended) for e in ev],
        top,
        _num(top),
        GREEN,
        GREEN_DIM,
        logic.date_text(ev[0].start, tz) if ev else "",
        logic.date_text(ev[-1].start, tz) if ev else "",
        "No events yet",
        legend=(("answered", GREEN_DIM), (_attended_label(ev), GREEN)) if ev else (),
    )
    po = pic.polls
    hidden = f" · latest {len(po)}" if pic.polls_hidden else ""
    _bars_panel(
        d,
        y,
        f"Poll participation{hidden}",
        [(0, q.rate) for q in po],
        1.0,
        "100%",
        AMBER,
        None,
        logic.date_text(po[0].created, tz) if po and po[0].created else "",
        logic.date_text(po[-1].created, tz) if po and po[-1].created else "",
        "No polls yet",
    )
    return _png(im)


# ------------------------------------------------------------------------ server picture


def _spark(
    d: ImageDraw.ImageDraw,
    box: tuple[float, float, float, float],
    series: Sequence[int],
    color: tuple,
) -> None:
    x0, y0, x1, y1 = box
    top = max(series, default=0)
    n = len(series)
    if n == 0:
        return
    slot = (x1 - x0) / n
    for i, v in enumerate(series):
        h = (v / top) * (y1 - y0) if top else 0
        bx0, bx1 = x0 + i * slot + 1, x0 + (i + 1) * slot - 1
        d.rectangle((bx0, y1 - max(h, 2), bx1, y1), fill=color if v else GRID)


def draw_server(
    rows: Sequence[logic.ServerRow],
    now: int,
    weeks: int = logic.DEFAULT_WEEKS,
    page: int = 0,
    per_page: int = SERVER_PER_PAGE,
) -> bytes:
    """Every group side by side, needing attention first and marked: size (bar), weekly
    activity (sparkline), trend and last activity. `per_page` rows per picture; the
    footer counts the groups on later pages."""
    chunk, pages, after = logic.page_of(rows, page, per_page)
    page = min(max(0, page), pages - 1)
    row_h = 62
    height = 126 + 40 + max(1, len(chunk)) * row_h + 64
    im, d = _canvas(height)
    urgent = sum(1 for r in rows if r.attention)
    sub = f"{_num(len(rows))} {'group' if len(rows) == 1 else 'groups'} · last {plural(weeks, 'week')}"
    sub += (
        f" · {urgent} {'needs' if urgent == 1 else 'need'} attention"
        if urgent
        else " · none needs attention"
    )
    y = _header(d, "Server insights", sub)
    cols = {"name": PAD + 44, "size": 384, "spark": 530, "trend": 722, "last": WIDTH - PAD}
    for key, label, anchor in (
        ("name", "group", "la"),
        ("size", "members", "la"),
        ("spark", "activity / week", "la"),
        ("trend", "4 wk", "la"),
        ("last", "last", "ra"),
    ):
        d.text((cols[key], y), label, font=font(22), fill=MUTED, anchor=anchor)
    y += 36
    biggest = max((r.members for r in rows), default=0)
    if not chunk:
        d.text((WIDTH / 2, y + row_h / 2), "No groups yet", font=font(28), fill=MUTED, anchor="mm")
    for i, r in enumerate(chunk):
        top = y + i * row_h
        if r.attention:
            d.rounded_rectangle(
                (PAD - 10, top + 3, WIDTH - PAD + 10, top + row_h - 3), radius=8, fill=(52, 30, 36)
            )
            _warning(d, PAD, top + 17, 28)
        elif i % 2:
            d.rounded_rectangle(
                (PAD - 10, top + 3, WIDTH - PAD + 10, top + row_h - 3), radius=8, fill=PANEL
            )
        mid = top + row_h / 2
        d.text(
            (cols["name"], mid),
            fit(r.name, font(28, True), cols["size"] - cols["name"] - 14),
            font=font(28, True),
            fill=TEXT,
            anchor="lm",
        )
        # size: a bar scaled to the largest group, the number on it
        bw = 124 * (r.members / biggest) if biggest else 0
        d.rectangle((cols["size"], mid - 14, cols["size"] + max(bw, 3), mid + 14), fill=GRID)
        d.text(
            (cols["size"] + 6, mid), _num(r.members), font=font(24, True), fill=TEXT, anchor="lm"
        )
        _spark(
            d,
            (cols["spark"], mid - 18, cols["trend"] - 22, mid + 18),
            r.activity,
            RED if r.attention else BLUE,
        )
        t = r.trend
        tc = GREEN if t.direction in ("up", "new") else RED if t.direction == "down" else MUTED
        _arrow(d, cols["trend"], mid, t.direction, tc)
        d.text((cols["trend"] + 30, mid), t.text, font=font(24, True), fill=tc, anchor="lm")
        d.text(
            (cols["last"], mid),
            _short_ago(r.last_activity, now),
            font=font(24),
            fill=RED if r.attention else TEXT,
            anchor="rm",
        )
    foot = y + max(1, len(chunk)) * row_h + 14
    parts = []
    if pages > 1:
        parts.append(f"page {page + 1}/{pages}")
    if after:
        parts.append(f"+{_num(after)} more")
    x: float = PAD
    if urgent:
        _warning(d, x, foot + 1, 22)
        key = f"quiet {logic.QUIET_DAYS} days or check-ins halved"
        d.text((x + 30, foot), key, font=font(22), fill=MUTED)
        x += 30 + font(22).getlength(key) + 24
    d.text(
        (WIDTH - PAD, foot),
        fit(" · ".join(parts), font(22), WIDTH - PAD - x),
        font=font(22),
        fill=MUTED,
        anchor="ra",
    )
    return _png(im)


def _arrow(d: ImageDraw.ImageDraw, x: float, y: float, direction: str, color: tuple) -> None:
    s = 10
    if direction in ("up", "new"):
        d.polygon([(x, y + s), (x + 2 * s, y + s), (x + s, y - s)], fill=color)
    elif direction == "down":
        d.polygon([(x, y - s), (x + 2 * s, y - s), (x + s, y + s)], fill=color)
    else:
        d.rectangle((x, y - 3, x + 2 * s, y + 3), fill=color)


def _short_ago(epoch: int | None, now: int) -> str:
    if epoch is None:
        return "never"
    days = max(0, (now - epoch) // logic.DAY)
    return "today" if days == 0 else f"{days}d ago"

"""The member's check-in calendar of `/checkin streak` (26 weeks, GitHub style): the grid
(pure) and its picture, drawn off the loop with `core.pictures.render(draw_heatmap, grid)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from core.pictures import BG, HEAT, MUTED, PAD, TEXT, WIDTH, canvas, font, header, num, png
from core.ui import plural

HEATMAP_WEEKS = 26
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def local_date(epoch: int, tz: tzinfo = UTC) -> date:
    return datetime.fromtimestamp(epoch, tz).date()


@dataclass(frozen=True)
class Heatmap:
    """Check-ins per local day: `counts[week][weekday]` (weeks oldest first, Monday=0);
    None for days after today. `mondays[week]` is the local date of that week's Monday."""

    mondays: tuple[date, ...]
    counts: tuple[tuple[int | None, ...], ...]
    today: date

    @property
    def total(self) -> int:
        return sum(c or 0 for week in self.counts for c in week)

    @property
    def active_days(self) -> int:
        return sum(1 for week in self.counts for c in week if c)

    @property
    def peak(self) -> int:
        return max((c or 0 for week in self.counts for c in week), default=0)

    def per_weekday(self) -> list[int]:
        return [sum(week[d] or 0 for week in self.counts) for d in range(7)]


def heatmap_grid(
    epochs: Iterable[int], tz: tzinfo, now: int, weeks: int = HEATMAP_WEEKS
) -> Heatmap:
    """The last `weeks` local weeks (Monday to Sunday, the last one holding today) of
    check-ins at `epochs`, counted per local day in `tz`."""
    today = local_date(now, tz)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    grid = [
        [0 if first + timedelta(days=w * 7 + d) <= today else None for d in range(7)]
        for w in range(weeks)
    ]
    for e in epochs:
        d = local_date(int(e), tz)
        if first <= d <= today:
            off = (d - first).days
            grid[off // 7][off % 7] += 1  # type: ignore[operator]
    mondays = tuple(first + timedelta(weeks=w) for w in range(weeks))
    return Heatmap(mondays, tuple(tuple(w) for w in grid), today)


def heatmap_text(hm: Heatmap) -> str:
    """The heatmap's figures in one line (beside the picture)."""
    weeks = len(hm.counts)
    if hm.total == 0:
        return f"No check-ins in the last {plural(weeks, 'week')}."
    per = hm.per_weekday()
    best = max(range(7), key=lambda d: per[d])
    return (
        f"{plural(hm.total, 'check-in')} on {plural(hm.active_days, 'day')} in the last {plural(weeks, 'week')} "
        f"(since {hm.mondays[0].isoformat()}); most on {WEEKDAYS[best]} ({per[best]})."
    )


def level_labels(peak: int) -> list[str]:
    """What each colour of the legend means, as check-in counts: `0`, `1`, `2`, … or
    ranges (`1–3`) when a day holds more than 4."""
    if peak <= 4:
        return [str(n) for n in range(5)]
    labels = ["0"]
    for level in range(1, 5):
        counts = [c for c in range(1, peak + 1) if _level(c, peak) == level]
        low, high = (counts[0], counts[-1]) if counts else (0, 0)
        labels.append(str(low) if low == high else f"{low}–{high}")
    return labels


def heatmap_alt(hm: Heatmap, whose: str, where: str) -> str:
    """The picture's text alternative (read by screen readers), from the same figures."""
    busiest = [
        f"{hm.mondays[w] + timedelta(days=d):%d %b} ({c})"
        for w, week in enumerate(hm.counts)
        for d, c in enumerate(week)
        if c and c == hm.peak
    ][:3]
    peak = (
        f" Busiest day{'s' if len(busiest) > 1 else ''}: {', '.join(busiest)}." if busiest else ""
    )
    return f"Check-in calendar of {whose} in {where}. {heatmap_text(hm)}{peak}"[:1000]


def _level(count: int, peak: int) -> int:
    if count <= 0:
        return 0
    if peak <= 4:
        return min(4, count)
    return 1 + min(3, (count - 1) * 4 // peak)


def draw_heatmap(hm: Heatmap, title: str = "Check-ins") -> bytes:
    """The member's check-in calendar: weeks left to right, Monday to Sunday top to
    bottom, darker to brighter green for more check-ins (GitHub style)."""
    weeks = len(hm.counts)
    left = PAD + 70
    cell = min(32, int((WIDTH - left - PAD) / max(1, weeks)) - 4)
    step = cell + 4
    height = 126 + 34 + 7 * step + 70
    im, d = canvas(height)
    sub = f"{num(hm.total)} {'check-in' if hm.total == 1 else 'check-ins'} on {plural(hm.active_days, 'day')} · last {plural(weeks, 'week')}"
    y = header(d, title, sub) + 34
    last_month = None
    for w, monday in enumerate(hm.mondays):
        if monday.month != last_month and w < weeks - 1:
            if last_month is not None or monday.day <= 7:
                d.text(
                    (left + w * step, y - 8),
                    monday.strftime("%b"),
                    font=font(22),
                    fill=MUTED,
                    anchor="ld",
                )
            last_month = monday.month
    for dow in (0, 2, 4, 6):
        d.text(
            (PAD, y + dow * step + cell / 2),
            WEEKDAYS[dow],
            font=font(22),
            fill=MUTED,
            anchor="lm",
        )
    peak = hm.peak
    for w, week in enumerate(hm.counts):
        for dow, count in enumerate(week):
            if count is None:
                continue
            x0, y0 = left + w * step, y + dow * step
            d.rounded_rectangle(
                (x0, y0, x0 + cell, y0 + cell), radius=5, fill=HEAT[_level(count, peak)]
            )
            if count and cell >= 18:  # the count itself, not colour alone
                d.text(
                    (x0 + cell / 2, y0 + cell / 2),
                    str(min(count, 99)),
                    font=font(max(12, cell // 2), True),
                    fill=TEXT if _level(count, peak) == 1 else BG,  # 4.5:1 on each green
                    anchor="mm",
                )
            if hm.mondays[w].toordinal() + dow == hm.today.toordinal():
                d.rounded_rectangle(
                    (x0 - 2, y0 - 2, x0 + cell + 2, y0 + cell + 2), radius=6, outline=TEXT, width=2
                )
    _legend(d, y + 7 * step + 18, cell, level_labels(peak))
    return png(im)


def _legend(d: Any, ly: float, cell: int, labels: list[str]) -> None:
    """Each colour with the check-ins it stands for (not colour alone)."""
    x = WIDTH - PAD
    for colour, label in reversed(list(zip(HEAT, labels, strict=True))):
        x -= d.textlength(label, font=font(22))
        d.text((x, ly + cell / 2), label, font=font(22), fill=MUTED, anchor="lm")
        x -= cell + 6
        d.rounded_rectangle((x, ly, x + cell, ly + cell), radius=5, fill=colour)
        x -= 18
    d.text((x, ly + cell / 2), "check-ins a day:", font=font(22), fill=MUTED, anchor="rm")


async def heatmap_picture(
    epochs: Iterable[float], tz: tzinfo, now: float, whose: str, where: str
) -> tuple[bytes, str, str]:
    """The last 26 weeks of `whose` check-ins (in the groups `where`) at `epochs` as (PNG
    drawn off the loop, the same figures as one line of text, the picture's alt text)."""
    from core.pictures import render

    hm = heatmap_grid([int(e) for e in epochs], tz, int(now))
    title = f"Check-ins of {whose} · {where}"
    return await render(draw_heatmap, hm, title), heatmap_text(hm), heatmap_alt(hm, whose, where)

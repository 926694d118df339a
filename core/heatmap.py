"""The member's check-in calendar (26 weeks, GitHub style): the grid (pure) and its
picture. Shared by check-ins (`/checkin streak`) and insights; drawn off the loop with
`core.pictures.render(draw_heatmap, grid)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from core.pictures import HEAT, MUTED, PAD, TEXT, WIDTH, canvas, font, header, num, png
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
            if hm.mondays[w].toordinal() + dow == hm.today.toordinal():
                d.rounded_rectangle(
                    (x0 - 2, y0 - 2, x0 + cell + 2, y0 + cell + 2), radius=6, outline=TEXT, width=2
                )
    ly = y + 7 * step + 18
    lx = WIDTH - PAD - 5 * (cell + 4) - 60
    d.text((lx - 12, ly + cell / 2), "less", font=font(22), fill=MUTED, anchor="rm")
    for i, c in enumerate(HEAT):
        x0 = lx + i * (cell + 4)
        d.rounded_rectangle((x0, ly, x0 + cell, ly + cell), radius=5, fill=c)
    d.text((lx + 5 * (cell + 4) + 8, ly + cell / 2), "more", font=font(22), fill=MUTED, anchor="lm")
    return png(im)


async def heatmap_picture(
    epochs: Iterable[float], tz: tzinfo, now: float, title: str = "Check-ins"
) -> tuple[bytes, str]:
    """The last 26 weeks of check-ins at `epochs` as (PNG drawn off the loop, the same
    figures as one line of text)."""
    from core.pictures import render

    hm = heatmap_grid([int(e) for e in epochs], tz, int(now))
    return await render(draw_heatmap, hm, title), heatmap_text(hm)

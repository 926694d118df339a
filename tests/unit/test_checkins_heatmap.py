"""The check-in heatmap of `/checkin streak`: the 26-week grid in the member's local days,
its figures as text, and the picture."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cogs.checkins.heatmap import draw_heatmap, heatmap_grid, heatmap_text
from core.pictures import WIDTH

NOW = 1_796_126_400  # 2026-12-01 12:00 UTC (a Tuesday)
DAY = 86_400
WEEK = 7 * DAY


def test_heatmap_grid_shape_and_counts():
    tz = ZoneInfo("Europe/Berlin")
    # NOW is Tuesday 2026-12-01 13:00 Berlin
    at = [NOW, NOW - 3600, NOW - DAY, NOW - 26 * WEEK, NOW + DAY]
    hm = heatmap_grid(at, tz, NOW)
    assert len(hm.counts) == 26 and all(len(w) == 7 for w in hm.counts)
    assert hm.today == date(2026, 12, 1)
    assert hm.mondays[-1] == date(2026, 11, 30) and hm.mondays[0] == date(2026, 6, 8)
    assert hm.counts[-1] == (1, 2, None, None, None, None, None)
    assert hm.total == 3 and hm.active_days == 2 and hm.peak == 2
    assert heatmap_text(hm) == (
        "3 check-ins on 2 days in the last 26 weeks (since 2026-06-08); most on Tue (2)."
    )


def test_heatmap_uses_the_local_day():
    # 23:30 UTC on Monday is Tuesday in Tokyo
    monday_late = NOW - DAY + 11 * 3600 + 1800
    assert heatmap_grid([monday_late], ZoneInfo("UTC"), NOW).counts[-1][0] == 1
    assert heatmap_grid([monday_late], ZoneInfo("Asia/Tokyo"), NOW).counts[-1][1] == 1


def test_heatmap_empty():
    hm = heatmap_grid([], ZoneInfo("UTC"), NOW, weeks=4)
    assert hm.total == 0 and heatmap_text(hm) == "No check-ins in the last 4 weeks."


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(NOW - 400 * DAY, NOW + 10 * DAY), max_size=300),
    st.sampled_from(["UTC", "America/Los_Angeles", "Pacific/Kiritimati"]),
)
def test_heatmap_counts_every_checkin_in_range(epochs, zone):
    tz = ZoneInfo(zone)
    hm = heatmap_grid(epochs, tz, NOW)
    first, today = hm.mondays[0], hm.today
    inside = [e for e in epochs if first <= datetime.fromtimestamp(e, tz).date() <= today]
    assert hm.total == len(inside)
    assert sum(c is None for w in hm.counts for c in w) == 6 - today.weekday()


def test_heatmap_picture():
    tz = ZoneInfo("Europe/Berlin")
    busy = [NOW - i * 3600 * 7 for i in range(3000)]
    for epochs in ([], busy, [NOW]):
        im = Image.open(io.BytesIO(draw_heatmap(heatmap_grid(epochs, tz, NOW))))
        im.load()
        assert im.format == "PNG" and im.width == WIDTH and im.height < 600

"""Insights pictures: each is a PNG of the expected size that decodes, for ordinary and
extreme figures; Pillow is imported only when a picture is drawn; drawing runs off the
event loop."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import threading
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from cogs.checkins.heatmap import draw_heatmap, heatmap_grid
from cogs.insights import charts, logic
from cogs.insights.logic import DAY, GroupFigures
from cogs.insights.samples import sample_group, sample_server
from core.pictures import BG, BORDER, PAD, TEXT

NOW = 1_796_126_400


def painted(im: Image.Image, box: tuple[int, int, int, int], colour: tuple, near: int = 40) -> bool:
    """Whether any pixel in `box` is within `near` of `colour` on every channel."""
    region = im.crop(box)
    return any(
        all(abs(a - b) <= near for a, b in zip(pixel, colour, strict=True))
        for _, pixel in region.getcolors(region.width * region.height)
    )


def decode(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    im = Image.open(io.BytesIO(png))
    assert im.format == "PNG"
    im.load()
    assert im.width == charts.WIDTH
    assert 200 <= im.height <= 1400
    assert len(png) < 200_000
    return im


@pytest.mark.parametrize(
    "fig",
    [
        sample_group(NOW, members=1000, weeks=12, events=50, polls=100),
        sample_group(NOW, members=1, events=1, polls=1, decline=0.6),
        sample_group(NOW, daily=True, weeks=26, events=300, polls=0),
        GroupFigures("x" * 500, 0),
        GroupFigures("🏃‍♀️ 跑步俱乐部 Läufer ⚠", 3, last_activity=NOW - 30 * DAY),
    ],
    ids=["big", "one-member", "many-bars", "empty-long-name", "emoji-cjk"],
)
def test_group_picture(fig):
    im = decode(charts.draw_group(logic.group_picture(fig, NOW, weeks=26))).convert("RGB")
    # (the PNG may store colours a step off: "near", not equal)
    assert painted(im, (0, 0, 1, 1), BORDER, near=3)  # the frame
    assert painted(im, (charts.WIDTH // 2, 3, charts.WIDTH // 2 + 1, 4), BG, near=3)  # inside
    # the title (the group's name) is written in the text colour on the first line
    assert painted(im, (PAD, 20, charts.WIDTH - PAD, 80), TEXT)
    # and nothing is drawn in the margin right of the content
    assert not painted(im, (charts.WIDTH - PAD // 2, 10, charts.WIDTH - 4, im.height - 10), TEXT)


# (groups, page asked for, rows on that page): 12 a page, so 200 groups make 17 pages, the
# last (16) with 8; a page past the end shows the last; no group at all keeps one row's room.
@pytest.mark.parametrize(
    "groups,page,shown",
    [(20, 0, 12), (200, 0, 12), (200, 16, 8), (200, 99, 8), (0, 0, 1), (1, 0, 1)],
)
def test_server_picture(groups, page, shown):
    assert charts.SERVER_PER_PAGE == 12  # the cases above are counted for 12 a page
    gs = sample_server(NOW, groups)
    if groups == 1:
        gs = [GroupFigures("only" * 80, 1000)]
    rows = logic.server_rows(gs, NOW)
    im = decode(charts.draw_server(rows, NOW, page=page))
    assert im.height == 126 + 40 + shown * 62 + 64


def test_fit_clips_with_ellipsis():
    f = charts.font(28)
    assert charts.fit("short", f, 500) == "short"
    long = charts.fit("a long name " * 20, f, 300)
    assert long.endswith("…") and f.getlength(long) <= 300


def test_pillow_is_imported_lazily():
    code = (
        "import sys, cogs.insights, cogs.insights.logic, cogs.insights.charts, cogs.checkins.heatmap;"
        "assert 'PIL' not in sys.modules and 'matplotlib' not in sys.modules, 'eager import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")


async def test_render_draws_off_the_loop():
    seen = []

    def draw(*args):
        seen.append(threading.current_thread().name)
        return draw_heatmap(*args)

    hm = heatmap_grid([NOW], ZoneInfo("UTC"), NOW)
    pngs = await asyncio.gather(*(charts.render(draw, hm) for _ in range(3)))
    assert all(decode(p) for p in pngs)
    assert seen and all(n.startswith("huddle-draw") for n in seen)

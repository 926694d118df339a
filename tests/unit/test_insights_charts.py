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

from cogs.insights import charts, logic
from cogs.insights.logic import DAY, GroupFigures
from cogs.insights.samples import sample_group, sample_server

NOW = 1_796_126_400


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
    im = decode(charts.draw_group(logic.group_picture(fig, NOW, weeks=26)))
    assert im.getpixel((charts.WIDTH // 2, 3)) is not None


@pytest.mark.parametrize("groups,page", [(20, 0), (200, 0), (200, 16), (200, 99), (0, 0), (1, 0)])
def test_server_picture(groups, page):
    gs = sample_server(NOW, groups)
    if groups == 1:
        gs = [GroupFigures("only" * 80, 1000)]
    rows = logic.server_rows(gs, NOW)
    im = decode(charts.draw_server(rows, NOW, page=page))
    shown = min(charts.SERVER_PER_PAGE, max(1, groups))
    assert im.height == 126 + 40 + shown * 62 + 64 or (groups == 200 and page >= 16)


def test_heatmap_picture():
    tz = ZoneInfo("Europe/Berlin")
    busy = [NOW - i * 3600 * 7 for i in range(3000)]
    for epochs in ([], busy, [NOW]):
        im = decode(charts.draw_heatmap(logic.heatmap_grid(epochs, tz, NOW)))
        assert im.height < 600


def test_fit_clips_with_ellipsis():
    f = charts.font(28)
    assert charts.fit("short", f, 500) == "short"
    long = charts.fit("a long name " * 20, f, 300)
    assert long.endswith("…") and f.getlength(long) <= 300


def test_pillow_is_imported_lazily():
    code = (
        "import sys, cogs.insights, cogs.insights.logic, cogs.insights.charts;"
        "assert 'PIL' not in sys.modules and 'matplotlib' not in sys.modules, 'eager import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")


async def test_render_draws_off_the_loop():
    seen = []

    def draw(*args):
        seen.append(threading.current_thread().name)
        return charts.draw_heatmap(*args)

    hm = logic.heatmap_grid([NOW], ZoneInfo("UTC"), NOW)
    pngs = await asyncio.gather(*(charts.render(draw, hm) for _ in range(3)))
    assert all(decode(p) for p in pngs)
    assert seen and all(n.startswith("huddle-draw") for n in seen)

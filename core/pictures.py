"""Pictures as PNG bytes, drawn with Pillow: the shared look and helpers (why Pillow, and
the look: docs/insights.md).

Used by insights (group and server pictures) and check-ins (the streak heatmap, in a
module of its own). Pillow is imported only inside the draw functions, so importing this
module costs nothing at start-up. Every picture is a card of its own (dark neutral, white
text, a lighter border) that reads the same on Discord's dark and light themes, 1000 px
wide with large type and few words, for phone width. Draw functions are synchronous and
CPU-bound: call them through `render()`, which runs them on one worker thread so the
event loop never stalls.
"""

from __future__ import annotations

import asyncio
import functools
import io
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

WIDTH = 1000
PAD = 36
SERVER_PER_PAGE = 12

# colours: a dark-neutral card, distinct from Discord's dark (#313338/#1e1f22) and light
# (#ffffff/#f2f3f5) backgrounds; text contrast >= 7:1, series colours >= 4.5:1 on it
BG = (24, 26, 32)
BORDER = (66, 71, 84)
PANEL = (33, 36, 44)
GRID = (58, 62, 74)
TEXT = (242, 243, 245)
MUTED = (170, 176, 188)
BLUE = (102, 153, 255)  # check-ins
GREEN = (72, 199, 142)  # attendance
GREEN_DIM = (44, 92, 72)  # going (behind attended)
AMBER = (245, 184, 65)  # polls
RED = (255, 107, 107)  # needs attention
# Empty, then four greens: the lowest at 3:1 against the background (WCAG's contrast for
# graphics), each brighter than the one before; the heatmap also writes the counts.
HEAT = ((45, 50, 60), (30, 122, 62), (40, 156, 70), (60, 190, 86), (120, 230, 130))

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/Library/Fonts",
    "C:\\Windows\\Fonts",
)


# ------------------------------------------------------------------------ fonts, text


@functools.lru_cache(maxsize=1)
def _font_files() -> tuple[str | None, str | None]:
    """DejaVu Sans (wide glyph coverage) when installed, else Pillow's bundled font."""
    for d in _FONT_DIRS:
        regular, bold = os.path.join(d, "DejaVuSans.ttf"), os.path.join(d, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular):
            return regular, bold if os.path.exists(bold) else regular
    return None, None


@functools.lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    path = _font_files()[1 if bold else 0]
    if path:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass
    # Pillow >= 10.1 with FreeType (our floor): a scalable FreeTypeFont, typed as either.
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


_glyph_lock = threading.Lock()
_glyphs: dict[tuple[int, str], bool] = {}


def _has_glyph(f: ImageFont.FreeTypeFont, ch: str) -> bool:
    key = (id(f), ch)
    found = _glyphs.get(key)
    if found is None:
        if ch.isspace() or ord(ch) < 128:
            found = True
        else:
            found = _mask_key(f, ch) != _mask_key(f, "\ufffe")  # vs the "missing" box
        with _glyph_lock:
            _glyphs[key] = found
    return found


def _mask_key(f: ImageFont.FreeTypeFont, ch: str) -> tuple:
    m = f.getmask(ch)
    return m.size, m.getbbox(), tuple(m.histogram())


def drawable(text: str, f: ImageFont.FreeTypeFont) -> str:
    """`text` on one line without the characters the font lacks (emoji, some scripts)."""
    text = " ".join((text or "").split())
    out = "".join(ch for ch in text if _has_glyph(f, ch))
    return " ".join(out.split()) or ("?" if text else "")


def fit(text: str, f: ImageFont.FreeTypeFont, width: float) -> str:
    """`text` shortened with `…` to at most `width` pixels."""
    text = drawable(text, f)
    if f.getlength(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if f.getlength(text[:mid].rstrip() + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def num(n: int) -> str:
    return f"{n:,}"


# ------------------------------------------------------------------------ canvas


def canvas(height: int) -> tuple[Any, ImageDraw.ImageDraw]:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (WIDTH, height), BG)
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, WIDTH - 1, height - 1), outline=BORDER, width=2)
    return im, d


def png(im: Any) -> bytes:
    buf = io.BytesIO()
    # a palette of 256 colours keeps the antialiased text and halves the size
    im.quantize(colors=256, method=2, dither=0).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def header(d: ImageDraw.ImageDraw, title: str, subtitle: str) -> int:
    d.text((PAD, 26), fit(title, font(44, True), WIDTH - 2 * PAD), font=font(44, True), fill=TEXT)
    d.text((PAD, 82), fit(subtitle, font(26), WIDTH - 2 * PAD), font=font(26), fill=MUTED)
    return 126


def warning(d: ImageDraw.ImageDraw, x: float, y: float, size: float, color=RED) -> None:
    """A warning triangle with `!` (fonts lack ⚠)."""
    d.polygon([(x + size / 2, y), (x + size, y + size), (x, y + size)], fill=color)
    cx = x + size / 2
    d.rectangle((cx - 2, y + size * 0.35, cx + 2, y + size * 0.68), fill=BG)
    d.rectangle((cx - 2, y + size * 0.76, cx + 2, y + size * 0.86), fill=BG)


# ------------------------------------------------------------------------ off the loop

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # one drawing thread: pictures queue up instead of taking both CPU cores
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="huddle-draw")
        return _executor


async def render(fn: Callable[..., bytes], *args: Any, **kwargs: Any) -> bytes:
    """Run a draw function on the drawing thread and return its PNG bytes; the event
    loop keeps running meanwhile (Pillow releases the GIL while it rasterises and
    encodes)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), functools.partial(fn, *args, **kwargs))

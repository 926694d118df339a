"""Idle memory (target: Huddle ≤ 1.3x a bare discord.py client's): what every feature
loads at start must not bring in large libraries used only on rare paths. They are
imported where they are used: icalendar by `/event export`, Pillow by the insights
pictures; dateparser is no longer used; test-only libraries never at run time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = ("icalendar", "PIL", "dateparser", "hypothesis", "jsonschema", "pytest", "tests")
# aiohttp's server half (2.3 MiB): loaded when the web server starts (core/web.py), so a bot
# run with HTTP_PORT=0 never pays for it
NOT_AT_START += ("aiohttp.web", "aiohttp.web_app", "aiohttp.web_urldispatcher")
# recurrence (dateutil, with six: 0.3 MB) by the first series or cycle date; CSV by the export
NOT_AT_START += ("dateutil", "six", "csv")

PROBE = """
import importlib, json, re, sys
from pathlib import Path
import core.bot
for ext in core.bot.feature_extensions():
    init = Path(importlib.import_module(ext).__file__).read_text()
    for module in re.findall(r"from (cogs\\.[\\w.]+) import", init):
        importlib.import_module(module)  # what the extension's setup() imports
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} | set(sys.modules))))
"""


def test_features_load_without_rarely_used_heavy_libraries() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout))
    assert {"discord", "cogs", "core", "aiosqlite"} <= loaded  # the probe did load them
    assert loaded.isdisjoint(NOT_AT_START), sorted(loaded & set(NOT_AT_START))

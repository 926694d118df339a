"""Discord timestamps (`<t:UNIX:STYLE>`) as plain text, for the places Discord does not
render them: embed titles, author names, field names, footers, autocomplete choice names,
files (CSV) and pictures. Discord renders `<t:…>` only in message content, embed
descriptions and field values; anywhere else members would read the raw token.

A plain time can't be shown in each viewer's zone, so it says its zone (UTC)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

TOKEN = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
# A token cut short by clipping ("<t:1798743600:…"): never shown half.
PARTIAL = re.compile(r"<t:[-\d:tTdDfFR]*…?$")


def _plain(match: re.Match[str]) -> str:
    try:
        moment = datetime.fromtimestamp(int(match.group(1)), UTC)
    except (OverflowError, OSError, ValueError):
        return "a date"
    style = match.group(2) or "f"
    date = f"{moment.day} {moment:%b %Y}"
    if style in "dD":
        return date
    if style in "tT":
        return f"{moment:%H:%M} UTC"
    return f"{date} {moment:%H:%M} UTC"


def plain_times(text: str) -> str:
    """`text` with every Discord timestamp written out ("31 Dec 2026 18:00 UTC") and a
    token cut in half dropped (`…` kept)."""
    if "<t:" not in text:
        return text
    text = TOKEN.sub(_plain, text)
    cut = PARTIAL.search(text)
    if cut:
        text = text[: cut.start()].rstrip() + "…"
    return text

"""IANA time zones by name: the lookup every time reader and feature shares. A leaf
module (only the standard library and core.fit/core.errors), so `core.timeparse` and
`core.timeread` both import it without importing each other."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from core import fit
from core.errors import UserError


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """An IANA zone by name (case-insensitive). Raises UserError naming close matches."""
    cleaned = name.strip()
    try:
        return zoneinfo.ZoneInfo(cleaned)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, RecursionError):
        pass  # OSError: a name too long for a file name (zoneinfo reads `tzdata/zoneinfo/<name>`);
        # RecursionError: hundreds of `/` (the renderer property test found it)
    lowered = cleaned.lower().replace(" ", "_")
    for zone in all_zones():
        if zone.lower() == lowered:
            return zoneinfo.ZoneInfo(zone)
    hints = suggest_zones(cleaned, limit=3)
    hint = f" Did you mean {', '.join(f'`{h}`' for h in hints)}?" if hints else ""
    raise UserError(
        f"{fit.code(name)} is not a time zone I know. Use an IANA name like `Europe/Berlin`.{hint}"
    )


def suggest_zones(current: str, limit: int = 25) -> list[str]:
    """Zones for autocomplete: prefix matches on the city first, then substring matches."""
    needle = current.strip().lower().replace(" ", "_")
    if not needle:
        return list(all_zones()[:limit])
    starts = [z for z in all_zones() if z.lower().split("/")[-1].startswith(needle)]
    contains = [z for z in all_zones() if needle in z.lower() and z not in starts]
    return (starts + contains)[:limit]

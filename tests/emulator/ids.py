"""Snowflakes and timestamps, driven by an injectable clock (so ids agree with the bot's time)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


class Snowflakes:
    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now
        self._last = 0

    def next(self) -> int:
        base = (int(self.now() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, base)
        return self._last

    def iso_now(self) -> str:
        return iso(self.now())


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat()

"""How many answers one calendar link gets (pure): at most `limit` in any `window`
seconds, counted per link in memory (a restart forgives; calendar apps poll hourly)."""

from __future__ import annotations

from collections import deque


class AnswerLimit:
    def __init__(self, limit: int = 60, window: float = 3600.0) -> None:
        self.limit = limit
        self.window = window
        self._answers: dict[str, deque[float]] = {}

    def take(self, key: str, now: float) -> float:
        """Count one answer for `key` and return 0, or, when the limit is reached, count
        nothing and return the seconds until one is allowed again (`Retry-After`)."""
        times = self._answers.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return max(1.0, times[0] + self.window - now)
        times.append(now)
        return 0.0

    def __len__(self) -> int:
        return len(self._answers)

    def forget(self, key: str) -> None:
        """A revoked link: its counts go with it."""
        self._answers.pop(key, None)

    def prune(self, now: float) -> None:
        """Drop links with no answer in the window (memory stays bounded by live links)."""
        for key in [k for k, t in self._answers.items() if not t or t[-1] <= now - self.window]:
            del self._answers[key]

"""The event-loop watchdog: no typed text may hold up the bot, so the loop is watched.

Everything the bot does shares one event loop: a step that holds it (a slow parse, a big
render, a blocking call) delays every other member's command, vote and reminder, and the
gateway heartbeat. The watchdog is a daemon thread that asks the loop for a tick every
`interval`; when the tick isn't served within `threshold` (100 ms), it logs what the loop's
thread is running at that moment (its stack, innermost frames last), and when the loop is
free again, how long it was held. Cost: one no-op callback per interval and a thread that
sleeps, so it runs in production too.

asyncio's debug mode reports slow callbacks as well, but only after they finish (a loop
that never comes back logs nothing) and with debug mode's other costs.
"""

from __future__ import annotations

import asyncio
import linecache
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)

THRESHOLD = 0.1  # seconds the loop may be held before it's logged
INTERVAL = 0.25  # seconds between ticks when the loop is free
STACK_FRAMES = 12  # innermost frames logged: enough to name the culprit, short in the log


class LoopWatchdog:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        threshold: float = THRESHOLD,
        interval: float = INTERVAL,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.loop = loop
        self.threshold = threshold
        self.interval = interval
        self.report = report or log.warning
        self.held: list[float] = []  # seconds, one per step that held the loop too long
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop_thread_id: int | None = None

    def start(self) -> None:
        """Start watching; call from the loop's own thread."""
        if self._thread is not None:
            return
        self._loop_thread_id = threading.get_ident()
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="huddle-loop-watchdog")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
            self._thread = None

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            served = threading.Event()
            asked = time.monotonic()
            try:
                self.loop.call_soon_threadsafe(served.set)
            except RuntimeError:  # the loop is closed
                return
            if served.wait(self.threshold):
                continue
            stack = self._loop_stack()
            self.report(
                f"event loop held for over {self.threshold * 1000:.0f} ms; running:\n{stack}"
            )
            while not served.wait(self.interval):
                if self._stop.is_set() or self.loop.is_closed():
                    return
            held = time.monotonic() - asked
            self.held.append(held)
            self.report(f"event loop was held for {held * 1000:.0f} ms")

    def _loop_stack(self) -> str:
        frame = sys._current_frames().get(self._loop_thread_id or 0)
        if frame is None:
            return "  (the loop's thread has no frame)"
        return innermost_stack(frame, STACK_FRAMES)


def innermost_stack(frame: FrameType, limit: int) -> str:
    """The `limit` innermost frames, outermost first, as traceback prints them.

    Only those frames' source lines are read, and the files read for them are dropped from
    linecache afterwards: `traceback.format_stack` reads every file on the whole stack
    and linecache keeps each one whole for the rest of the run (700 KiB after one report
    made while the extensions were loading)."""
    cached = set(linecache.cache)
    try:
        summary = traceback.StackSummary.extract(traceback.walk_stack(frame), limit=limit)
        summary.reverse()
        return "".join(summary.format()).rstrip()
    finally:
        for name in set(linecache.cache) - cached:
            linecache.cache.pop(name, None)

"""core.watchdog: a step that holds the event loop past the threshold is logged with the
code it was running; a loop that stays free logs nothing."""

from __future__ import annotations

import asyncio
import time

from core.watchdog import LoopWatchdog


def busy_parse_for(seconds: float) -> None:
    """Stands for a slow parse: holds the loop's thread without awaiting."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def test_a_step_holding_the_loop_is_logged_with_what_ran() -> None:
    reports: list[str] = []
    dog = LoopWatchdog(
        asyncio.get_running_loop(), threshold=0.01, interval=0.002, report=reports.append
    )
    dog.start()
    try:
        await asyncio.sleep(0.005)  # the watchdog's first tick is served
        busy_parse_for(0.05)
        for _ in range(100):  # let the watchdog see the loop free again
            await asyncio.sleep(0.002)
            if dog.held:
                break
    finally:
        dog.stop()
    assert any("busy_parse_for" in r for r in reports), reports
    assert dog.held and dog.held[0] >= 0.01
    assert any("was held for" in r for r in reports)


async def test_a_free_loop_logs_nothing() -> None:
    reports: list[str] = []
    dog = LoopWatchdog(
        asyncio.get_running_loop(), threshold=2.0, interval=0.002, report=reports.append
    )
    dog.start()
    try:
        for _ in range(10):
            await asyncio.sleep(0.002)
    finally:
        dog.stop()
    assert reports == [] and dog.held == []


def test_a_report_names_the_innermost_frames_and_keeps_no_source_files() -> None:
    import linecache
    import sys

    from core.watchdog import innermost_stack

    def deepest() -> str:
        return innermost_stack(sys._getframe(), 2)

    def outer() -> str:
        return deepest()

    linecache.clearcache()
    text = outer()
    frames = [line for line in text.splitlines() if line.lstrip().startswith("File ")]
    assert len(frames) == 2, text
    assert "in outer" in frames[0] and "in deepest" in frames[1]  # innermost last
    assert "return innermost_stack(sys._getframe(), 2)" in text  # the source line is shown
    assert linecache.cache == {}  # the file read for the report is not kept whole

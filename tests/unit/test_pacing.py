"""core.pacing: a burst goes out at once, the rest at the configured rate."""

from __future__ import annotations

import asyncio

from core.pacing import Pacer


async def test_pacer_spaces_sends_after_the_burst() -> None:
    pacer = Pacer(rate=200.0, burst=3)  # fast enough to keep the test in milliseconds
    loop = asyncio.get_running_loop()
    started = loop.time()
    stamps = []
    for _ in range(7):
        async with pacer:
            stamps.append(loop.time() - started)
    assert stamps[2] < 0.004  # the burst of 3 did not wait
    # the 4 after it waited about 1/200 s each: at least 3 intervals in all
    assert stamps[-1] >= 3 / 200 * 0.9
    assert pacer.waited > 0

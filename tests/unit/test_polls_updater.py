"""The coalescing editor: the first change shows at once, a burst becomes one trailing
edit per interval, and the last state is always shown."""

from __future__ import annotations

import asyncio

from cogs.polls.updater import EditCoalescer


async def test_burst_is_coalesced_and_last_state_shown():
    state = {"value": 0}
    shown: list[int] = []

    async def edit(poll_id: int) -> None:
        shown.append(state["value"])

    editor = EditCoalescer(edit, interval=0.05)
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < 0.2:  # a burst of changes lasting 4 intervals
        state["value"] += 1
        editor.touch(1)
        await asyncio.sleep(0.002)
    await editor.idle()
    assert shown[-1] == state["value"]  # the trailing edit shows the final state
    assert 2 <= len(shown) <= 6  # about one per interval, never one per change
    assert editor.edits_made == len(shown)


async def test_polls_are_edited_independently_and_forget_cancels():
    edited: list[int] = []

    async def edit(poll_id: int) -> None:
        edited.append(poll_id)

    editor = EditCoalescer(edit, interval=10)
    editor.touch(1)
    editor.touch(2)
    await asyncio.sleep(0.01)
    editor.touch(1)  # within the interval: waits for a trailing edit
    editor.forget(1)
    await editor.idle()
    assert sorted(edited) == [1, 2]


async def test_failing_edit_is_logged_not_raised(caplog):
    async def edit(poll_id: int) -> None:
        raise RuntimeError("boom")

    editor = EditCoalescer(edit, interval=0.01)
    editor.touch(1)
    await editor.idle()
    assert "live edit failed" in caplog.text


async def test_virtual_clock_moving_past_the_interval_makes_the_trailing_edit():
    from core.clock import FakeClock

    clock = FakeClock()
    shown: list[int] = []
    state = {"value": 0}

    async def edit(poll_id: int) -> None:
        shown.append(state["value"])

    editor = EditCoalescer(edit, interval=10)
    editor.follow(clock)
    for _ in range(3):
        state["value"] += 1
        editor.touch(1)
        await asyncio.sleep(0.005)
    assert shown == [1]  # the first change at once, the rest waits
    await clock.advance(5)
    assert shown == [1]  # not yet a full interval
    await clock.advance(5)
    assert shown == [1, 3]  # advance returns once the trailing edit is made
    await editor.stop()
    assert clock._listeners == []

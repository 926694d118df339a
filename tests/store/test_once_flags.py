"""core/once.py: once-flags on a real SQLite file, and the scheduler's cancel inside a
caller's transaction."""

from __future__ import annotations

from core.clock import FakeClock
from core.once import is_marked, mark_once
from core.scheduler import Scheduler

DAY = 86400.0


async def test_a_flag_is_set_once(store):
    assert not await is_marked(store, "x.done:1")
    assert await mark_once(store, "x.done:1", 1000.0) is True
    assert await mark_once(store, "x.done:1", 2000.0) is False
    assert await is_marked(store, "x.done:1")
    assert not await is_marked(store, "x.done:2")


async def test_a_flag_set_in_a_rolled_back_transaction_is_not_set(store):
    try:
        async with store.transaction() as tx:
            assert await mark_once(tx, "x.done:1", 1000.0) is True
            raise RuntimeError("the caller's other write failed")
    except RuntimeError:
        pass
    assert not await is_marked(store, "x.done:1")


async def test_old_flags_of_the_family_are_pruned_and_others_kept(store):
    await mark_once(store, "x.done:old", 0.0)
    await mark_once(store, "x.done:recent", 20 * DAY)
    await mark_once(store, "other.done:old", 0.0)
    await mark_once(store, "x.one-off", 0.0)  # no family: never pruned
    await mark_once(store, "x.done:new", 31 * DAY, keep=30 * DAY)
    assert not await is_marked(store, "x.done:old")
    assert await is_marked(store, "x.done:recent")
    assert await is_marked(store, "x.done:new")
    assert await is_marked(store, "other.done:old")
    assert await is_marked(store, "x.one-off")


async def test_flags_from_before_timestamps_are_kept_one_more_period(store):
    await store.execute("INSERT INTO meta (key, value) VALUES ('x.done:legacy', '1')")
    await mark_once(store, "x.done:a", 100 * DAY, keep=30 * DAY)
    assert await is_marked(store, "x.done:legacy")  # stamped now, not dropped
    await mark_once(store, "x.done:b", 131 * DAY, keep=30 * DAY)
    assert not await is_marked(store, "x.done:legacy")


async def test_cancel_inside_a_transaction_goes_with_it(store):
    scheduler = Scheduler(store, FakeClock(0))
    kept = await scheduler.schedule("k", 10, key="a")
    try:
        async with store.transaction() as tx:
            assert await scheduler.cancel(kept, tx=tx) is True
            assert await scheduler.cancel_key("a", tx=tx) == 0  # already gone in tx
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert [job.id for job in await scheduler.pending(key="a")] == [kept]
    await scheduler.schedule("other", 10, key="a")
    async with store.transaction() as tx:
        assert await scheduler.cancel_key("a", kind="k", tx=tx) == 1
    assert [job.kind for job in await scheduler.pending(key="a")] == ["other"]

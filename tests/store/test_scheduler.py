from __future__ import annotations

import asyncio

from core.clock import Clock, FakeClock
from core.scheduler import MAX_ATTEMPTS, Scheduler, backoff_seconds
from core.store import Store


def make(store, clock):
    scheduler = Scheduler(store, clock)
    ran: list[tuple[str, dict]] = []

    async def handler(job):
        ran.append((job.kind, job.payload))

    scheduler.register("test.ping", handler)
    return scheduler, ran


async def test_jobs_run_in_due_order_when_the_clock_reaches_them(store, fake_clock):
    scheduler, ran = make(store, fake_clock)
    now = fake_clock.now()
    await scheduler.schedule("test.ping", now + 120, {"n": 2})
    await scheduler.schedule("test.ping", now + 60, {"n": 1})
    await fake_clock.advance(59)
    assert ran == []
    await fake_clock.advance(1)
    assert ran == [("test.ping", {"n": 1})]
    await fake_clock.advance(3600)
    assert ran == [("test.ping", {"n": 1}), ("test.ping", {"n": 2})]
    assert await scheduler.pending() == []


async def test_cancel_by_id_and_key(store, fake_clock):
    scheduler, ran = make(store, fake_clock)
    now = fake_clock.now()
    first = await scheduler.schedule("test.ping", now + 10, {"n": 1})
    await scheduler.schedule("test.ping", now + 10, {"n": 2}, key="poll:7")
    await scheduler.schedule("test.ping", now + 10, {"n": 3}, key="poll:8")
    assert await scheduler.cancel(first)
    assert await scheduler.cancel_key("poll:7") == 1
    await fake_clock.advance(10)
    assert ran == [("test.ping", {"n": 3})]


async def test_failing_job_retries_with_backoff_then_dies_logged(store, fake_clock, caplog):
    scheduler = Scheduler(store, fake_clock)
    calls = 0

    async def flaky(job):
        nonlocal calls
        calls += 1
        raise RuntimeError("discord said no")

    scheduler.register("test.flaky", flaky)
    await scheduler.schedule("test.flaky", fake_clock.now(), {})
    await scheduler.run_due()
    assert calls == 1
    [job] = await scheduler.pending()
    assert job.attempts == 1
    assert job.run_at == fake_clock.now() + backoff_seconds(1)
    assert job.due_at == fake_clock.now()  # what the feature asked for does not move
    for _ in range(MAX_ATTEMPTS):
        await fake_clock.advance(3600)
    assert calls == MAX_ATTEMPTS
    assert await scheduler.pending() == []
    row = await store.fetchone("SELECT dead, last_error FROM jobs")
    assert row["dead"] == 1 and "discord said no" in row["last_error"]
    assert "gave up" in caplog.text


async def test_unknown_kind_is_not_lost(store, fake_clock):
    scheduler = Scheduler(store, fake_clock)
    await scheduler.schedule("nobody.handles", fake_clock.now(), {})
    await scheduler.run_due()
    [job] = await scheduler.pending()
    assert job.attempts == 1


async def test_jobs_survive_a_restart_and_overdue_ones_run_at_start(tmp_path):
    clock = FakeClock(1_000_000)
    path = tmp_path / "db.sqlite"
    async with Store(path) as first:
        scheduler, _ = make(first, clock)
        await scheduler.schedule("test.ping", clock.now() + 60, {"n": 1}, guild_id=5)
    clock = FakeClock(1_000_000 + 3600)  # the bot was down for an hour
    async with Store(path) as second:
        scheduler, ran = make(second, clock)
        gate = asyncio.Event()
        scheduler.start(gate=gate.wait)
        await asyncio.sleep(0)
        assert ran == []  # waits for the gate (the bot being ready)
        gate.set()
        for _ in range(50):
            if ran:
                break
            await asyncio.sleep(0.002)
        await scheduler.stop()
        assert ran == [("test.ping", {"n": 1})]


async def test_real_clock_timer_is_woken_by_an_earlier_job(store):
    scheduler, ran = make(store, Clock())
    now = Clock().now()
    await scheduler.schedule("test.ping", now + 3600, {"n": "late"})
    scheduler.start()
    await asyncio.sleep(0.01)
    await scheduler.schedule("test.ping", Clock().now() + 0.02, {"n": "soon"})
    for _ in range(100):
        if ran:
            break
        await asyncio.sleep(0.005)
    await scheduler.stop()
    assert ran == [("test.ping", {"n": "soon"})]


async def test_handler_can_reschedule_itself(store, fake_clock):
    scheduler = Scheduler(store, fake_clock)
    seen: list[float] = []

    async def daily(job):
        seen.append(job.due_at)
        await scheduler.schedule("test.daily", job.due_at + 86400, {}, key="d")

    scheduler.register("test.daily", daily)
    await scheduler.schedule("test.daily", fake_clock.now() + 10, {}, key="d")
    await fake_clock.advance(3 * 86400)
    assert len(seen) == 3
    assert len(await scheduler.pending(key="d")) == 1


async def test_handler_that_cancels_its_own_key_and_reschedules_keeps_the_new_job(
    store, fake_clock
):
    """Job ids are never reused, so deleting the finished job cannot delete its successor."""
    scheduler = Scheduler(store, fake_clock)
    runs = 0

    async def rearm(job):
        nonlocal runs
        runs += 1
        await scheduler.cancel_key("k")
        await scheduler.schedule("test.rearm", job.due_at + 60, {}, key="k")

    scheduler.register("test.rearm", rearm)
    await scheduler.schedule("test.rearm", fake_clock.now() + 60, {}, key="k")
    await fake_clock.advance(60)
    assert runs == 1
    assert len(await scheduler.pending(key="k")) == 1
    await fake_clock.advance(60)
    assert runs == 2

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


# -- concurrency, keys, claims, shutdown, dead jobs ------------------------------------------


async def settled(condition, rounds: int = 2000) -> bool:
    """Let the loop (and SQLite's thread) work, a millisecond at a time, until `condition()`
    holds; False if it never does."""
    for _ in range(rounds):
        if condition():
            return True
        await asyncio.sleep(0.001)
    return condition()


async def test_a_slow_job_does_not_hold_up_a_job_of_another_key(store, fake_clock):
    scheduler = Scheduler(store, fake_clock)
    release_a = asyncio.Event()
    a_started, b_ran = asyncio.Event(), asyncio.Event()

    async def slow(job):
        a_started.set()
        await release_a.wait()  # a reminder DMing 2,000 members

    async def quick(job):
        b_ran.set()

    scheduler.register("test.slow", slow)
    scheduler.register("test.quick", quick)
    now = fake_clock.now()
    await scheduler.schedule("test.slow", now + 10, {}, key="event:A")
    await scheduler.schedule("test.quick", now + 11, {}, key="group:B")
    advancing = asyncio.create_task(fake_clock.advance(60))
    await asyncio.wait_for(a_started.wait(), 5)
    # B is due after A, yet runs while A is still busy.
    await asyncio.wait_for(b_ran.wait(), 5)
    assert not release_a.is_set() and not advancing.done()
    release_a.set()
    await advancing  # advance still waits for every job it started
    assert await scheduler.pending() == []


async def test_jobs_of_one_key_never_overlap_and_run_in_due_order(store, fake_clock):
    scheduler = Scheduler(store, fake_clock)
    log: list[tuple[str, int]] = []
    active: set[str] = set()
    overlaps: list[str] = []

    async def step(job):
        key = job.key
        if key in active:
            overlaps.append(key)
        active.add(key)
        log.append((key, job.payload["n"]))
        for _ in range(3):
            await asyncio.sleep(0)  # let anything else that could run, run
        active.discard(key)

    scheduler.register("test.step", step)
    now = fake_clock.now()
    # Inserted out of order, some at the same instant (then id order decides).
    for n, offset in [(3, 30), (1, 10), (2, 20), (4, 30), (0, 5)]:
        await scheduler.schedule("test.step", now + offset, {"n": n}, key="poll:1")
    for n in range(5):
        await scheduler.schedule("test.step", now + 5, {"n": n}, key=f"other:{n}")
    await fake_clock.advance(60)
    assert overlaps == []
    assert [n for key, n in log if key == "poll:1"] == [0, 1, 2, 3, 4]
    assert len(log) == 10


async def test_the_concurrency_bound_is_respected(store, fake_clock):
    scheduler = Scheduler(store, fake_clock, concurrency=3)
    gate = asyncio.Event()
    active = 0
    peak = 0
    done = 0

    async def blocking(job):
        nonlocal active, peak, done
        active += 1
        peak = max(peak, active)
        await gate.wait()
        active -= 1
        done += 1

    scheduler.register("test.block", blocking)
    for n in range(10):
        await scheduler.schedule("test.block", fake_clock.now(), {"n": n})
    advancing = asyncio.create_task(fake_clock.advance(1))
    assert await settled(lambda: active == 3)
    await settled(lambda: active > 3, rounds=50)  # give a wrong bound the chance to show
    assert active == 3 and done == 0
    gate.set()
    await advancing
    assert peak == 3 and done == 10
    assert await scheduler.pending() == []


async def test_a_claimed_job_never_runs_twice_at_once(store, fake_clock):
    scheduler = Scheduler(store, fake_clock)
    runs = 0

    async def once(job):
        nonlocal runs
        runs += 1
        for _ in range(5):
            await asyncio.sleep(0)

    scheduler.register("test.once", once)
    await scheduler.schedule("test.once", fake_clock.now(), {})
    scheduler.start()  # the timer, plus two callers racing it
    await asyncio.gather(scheduler.run_due(), scheduler.run_due(), fake_clock.advance(0))
    await settled(lambda: runs > 1, rounds=50)
    await scheduler.stop()
    assert runs == 1
    assert await scheduler.pending() == []


async def test_stop_lets_a_running_job_finish_within_the_grace(store, fake_clock):
    scheduler = Scheduler(store, fake_clock, stop_grace=5.0)
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[int] = []

    async def sending(job):
        started.set()
        await release.wait()  # a REST call in flight
        finished.append(job.id)

    scheduler.register("test.send", sending)
    job_id = await scheduler.schedule("test.send", fake_clock.now(), {})
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(scheduler.stop())
    await settled(lambda: stopping.done(), rounds=20)
    assert not stopping.done()  # stop waits for the job …
    release.set()
    await stopping
    assert finished == [job_id]  # … which finished rather than being cut in half
    assert await scheduler.pending() == []


async def test_stop_cuts_a_job_after_the_grace_and_it_runs_again_at_start(store, fake_clock):
    scheduler = Scheduler(store, fake_clock, stop_grace=0.02)
    started = asyncio.Event()
    finished: list[int] = []

    async def stuck(job):
        started.set()
        await asyncio.Event().wait()  # never ends

    scheduler.register("test.stuck", stuck)
    job_id = await scheduler.schedule("test.stuck", fake_clock.now(), {"n": 1})
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await scheduler.stop()
    [left] = await scheduler.pending()
    assert left.id == job_id and left.attempts == 0  # cut off, not counted as a failure

    again = Scheduler(store, fake_clock)

    async def quick(job):
        finished.append(job.id)

    again.register("test.stuck", quick)
    again.start()
    assert await settled(lambda: bool(finished))
    await again.stop()
    assert finished == [job_id]
    assert await again.pending() == []


async def test_a_dead_job_is_reported_once_to_on_dead(store, fake_clock):
    scheduler = Scheduler(store, fake_clock)
    reports: list[tuple[int, str, int, int | None]] = []

    async def broken(job):
        raise RuntimeError("channel is gone")

    async def on_dead(job, error):
        reports.append((job.id, error, job.attempts, job.guild_id))

    scheduler.on_dead = on_dead
    scheduler.register("test.broken", broken)
    job_id = await scheduler.schedule("test.broken", fake_clock.now(), {}, guild_id=42)
    await scheduler.run_due()
    for _ in range(MAX_ATTEMPTS + 3):
        await fake_clock.advance(3600)
    assert reports == [(job_id, "RuntimeError: channel is gone", MAX_ATTEMPTS, 42)]


async def test_many_due_jobs_all_run_and_a_job_scheduled_for_now_runs_in_the_same_advance(
    store, fake_clock
):
    scheduler = Scheduler(store, fake_clock, concurrency=8)
    ran: list[int] = []

    async def fan(job):
        ran.append(job.payload["n"])
        if job.payload["n"] == 0:  # schedules follow-up work for "now"
            await scheduler.schedule("test.fan", fake_clock.now(), {"n": -1})

    scheduler.register("test.fan", fan)
    await scheduler.schedule_many(
        [("test.fan", fake_clock.now() + 1, {"n": n}, 1, None) for n in range(500)]
    )
    await fake_clock.advance(1)
    assert sorted(ran) == list(range(-1, 500))
    assert await scheduler.pending() == []

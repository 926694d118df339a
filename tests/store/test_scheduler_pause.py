"""The scheduler asks a feature's switch before running its job: a paused
feature's job is parked (not failed, not retried), woken when the feature is switched on,
and a moment-bound one whose moment passed is then dropped (its `on_drop` is told)."""

from __future__ import annotations

import asyncio

from core.scheduler import PARKED, Scheduler

GUILD = 1


def make(store, clock, switches: dict[str, bool]):
    scheduler = Scheduler(store, clock)
    ran: list[tuple[str, dict]] = []
    dropped: list[dict] = []

    async def switch(guild_id: int, feature: str) -> bool:
        return switches.get(feature, True)

    async def handler(job):
        ran.append((job.kind, job.payload))

    async def on_drop(job):
        dropped.append(job.payload)

    scheduler.feature_switch = switch
    scheduler.register("feat.close", handler, feature="feat")
    scheduler.register("feat.remind", handler, feature="feat", moment_bound=True, on_drop=on_drop)
    scheduler.register("other.ping", handler, feature="other")
    scheduler.register("core.ping", handler)
    return scheduler, ran, dropped


async def test_a_paused_features_job_is_parked_not_failed(store, fake_clock):
    switches = {"feat": False}
    scheduler, ran, _ = make(store, fake_clock, switches)
    now = fake_clock.now()
    await scheduler.schedule("feat.close", now + 60, {"n": 1}, GUILD)
    await scheduler.schedule("other.ping", now + 60, {"n": 2}, GUILD)
    await scheduler.schedule("core.ping", now + 60, {"n": 3}, None)
    await fake_clock.advance(60)
    assert ran == [("other.ping", {"n": 2}), ("core.ping", {"n": 3})]
    [parked] = await scheduler.parked(GUILD, "feat")
    assert parked.attempts == 0 and parked.payload == {"n": 1}
    await fake_clock.advance(86400)  # parked jobs are never retried while paused
    assert len(ran) == 2
    assert await store.fetchval("SELECT COUNT(*) FROM jobs WHERE dead = ?", (PARKED,)) == 1


async def test_switching_on_runs_parked_jobs_once_and_drops_passed_moments(store, fake_clock):
    switches = {"feat": False}
    scheduler, ran, dropped = make(store, fake_clock, switches)
    now = fake_clock.now()
    await scheduler.schedule("feat.close", now + 60, {"n": 1}, GUILD)
    await scheduler.schedule("feat.remind", now + 60, {"n": 2}, GUILD)
    await fake_clock.advance(120)
    assert ran == []
    switches["feat"] = True
    assert await scheduler.feature_switched(GUILD, "feat", True) == 1
    await scheduler.run_due()
    assert ran == [("feat.close", {"n": 1})]
    assert dropped == [{"n": 2}]
    assert await scheduler.pending() == [] and await scheduler.parked(GUILD) == []
    await scheduler.feature_switched(GUILD, "feat", True)  # again: nothing twice
    await scheduler.run_due()
    assert len(ran) == 1


async def test_a_moment_bound_job_not_yet_due_is_not_parked(store, fake_clock):
    switches = {"feat": False}
    scheduler, ran, dropped = make(store, fake_clock, switches)
    due = fake_clock.now() + 3600
    await scheduler.schedule("feat.remind", due, {"n": 1}, GUILD)
    await fake_clock.advance(60)
    switches["feat"] = True  # back on before its moment: it runs at its moment
    await scheduler.feature_switched(GUILD, "feat", True)
    await fake_clock.advance(3600)
    assert ran == [("feat.remind", {"n": 1})] and dropped == []


async def test_waking_one_server_leaves_another_servers_parked_jobs(store, fake_clock):
    switches = {"feat": False}
    scheduler, ran, _ = make(store, fake_clock, switches)
    now = fake_clock.now()
    await scheduler.schedule("feat.close", now, {"g": 1}, 1)
    await scheduler.schedule("feat.close", now, {"g": 2}, 2)
    await scheduler.run_due()
    switches["feat"] = True
    await scheduler.feature_switched(1, "feat", True)
    await scheduler.run_due()
    assert ran == [("feat.close", {"g": 1})]
    assert [j.payload for j in await scheduler.parked(2)] == [{"g": 2}]


async def test_at_start_parked_jobs_of_a_feature_on_again_are_woken(store, fake_clock):
    """A switch turned on without the wake (a restart cut it off): the next start wakes."""
    switches = {"feat": False}
    scheduler, ran, _ = make(store, fake_clock, switches)
    await scheduler.schedule("feat.close", fake_clock.now(), {"n": 1}, GUILD)
    await scheduler.run_due()
    assert ran == [] and len(await scheduler.parked(GUILD)) == 1
    await scheduler.stop()

    switches["feat"] = True
    again, ran_again, _ = make(store, fake_clock, switches)
    again.start()
    for _ in range(50):
        if ran_again:
            break
        await asyncio.sleep(0.01)
    await again.stop()
    assert ran_again == [("feat.close", {"n": 1})]

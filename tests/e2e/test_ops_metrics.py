"""/metrics on the running bot, scraped over real HTTP and read with prometheus_client's own
text parser: every series in core/metrics.py's table is there, and moves after a command, a
vote, a job, REST calls and a 429."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core import metrics as core_metrics
from core.scheduler import MAX_ATTEMPTS
from tests.support.groups import create
from tests.support.polls import A, B, fast_edits, last_poll, quiet

FAMILIES = {
    "huddle_commands": "counter",
    "huddle_command_seconds": "histogram",
    "huddle_votes_counted": "counter",
    "huddle_jobs_due": "gauge",
    "huddle_jobs_late": "gauge",
    "huddle_jobs_dead": "gauge",
    "huddle_jobs_run": "counter",
    "huddle_rest_requests": "counter",
    "huddle_rest_rate_limited": "counter",
    "huddle_dms": "counter",
    "huddle_event_loop_lag_seconds": "gauge",
    "huddle_database_bytes": "gauge",
    "huddle_gateway_connected": "gauge",
}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


class Scrape:
    def __init__(self, text: str) -> None:
        self.types = {}
        self.samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        for family in text_string_to_metric_families(text):
            self.types[family.name] = family.type
            for s in family.samples:
                self.samples[(s.name, tuple(sorted(s.labels.items())))] = s.value

    def value(self, name: str, **labels: str) -> float:
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def labels_of(self, name: str) -> list[dict[str, str]]:
        return [dict(labels) for (n, labels) in self.samples if n == name]


async def scrape(bot, http) -> Scrape:
    async with http.get(bot.web.url("/metrics")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        return Scrape(await resp.text())


async def test_every_series_is_there_from_the_start(bot_with_web, http):
    first = await scrape(bot_with_web, http)
    for name, kind in FAMILIES.items():
        assert first.types.get(name) == kind, (name, first.types.get(name))
    assert first.value("huddle_gateway_connected") == 1
    assert first.value("huddle_database_bytes", file="main") > 0
    assert first.value("huddle_dms_total", outcome="sent") == 0
    assert first.value("huddle_dms_total", outcome="refused") == 0
    assert first.value("huddle_event_loop_lag_seconds") >= 0


@pytest.fixture
async def bot_with_web(start_bot):
    return fast_edits(await start_bot(http_port=0))


async def test_a_command_and_its_latency_move(bot_with_web, guild, http):
    before = await scrape(bot_with_web, http)
    r = await guild.alice.slash("poll create", question="Which book?", options="Dune; Emma")
    assert "posted" in r.text
    r = await guild.alice.slash("poll create", question="Q?", options="just one")
    assert r.ephemeral
    after = await scrape(bot_with_web, http)
    ok = {"command": "poll create", "outcome": "ok"}
    refused = {"command": "poll create", "outcome": "refused"}
    assert (
        after.value("huddle_commands_total", **ok)
        == before.value("huddle_commands_total", **ok) + 1
    )
    assert after.value("huddle_commands_total", **refused) == 1
    assert after.value("huddle_command_seconds_count", command="poll create") == 2
    assert after.value("huddle_command_seconds_sum", command="poll create") > 0


async def test_votes_move_after_a_vote(bot_with_web, guild, emulator, http):
    await guild.alice.slash("poll create", question="Which book?", options="Dune; Emma")
    message = int(last_poll(guild)["id"])
    before = (await scrape(bot_with_web, http)).value("huddle_votes_counted_total")
    await guild.alice.react(message, A)
    await guild.bob.react(message, B)
    await quiet(bot_with_web, emulator)
    after = (await scrape(bot_with_web, http)).value("huddle_votes_counted_total")
    assert after == before + 2


async def test_rest_calls_and_429s_per_route_bucket(bot_with_web, guild, emulator, http):
    emulator.inject("PUT", r"/reactions/", status=429, times=1)
    await guild.alice.slash("poll create", question="Which book?", options="Dune; Emma")
    await emulator.settle()
    after = await scrape(bot_with_web, http)
    react = "PUT /channels/:id/messages/:id/reactions/:emoji/@me"
    assert after.value("huddle_rest_rate_limited_total", bucket=react) == 1
    assert after.value("huddle_rest_requests_total", bucket=react, status="4xx") == 1
    assert after.value("huddle_rest_requests_total", bucket=react, status="2xx") == 2
    buckets = {labels["bucket"] for labels in after.labels_of("huddle_rest_requests_total")}
    assert "POST /interactions/:id/:token/callback" in buckets
    assert not any(re.search(r"\d{6,}", b) for b in buckets), buckets  # no ids in labels


async def test_jobs_due_run_and_dead_per_kind(bot_with_web, clock, http):
    bot = bot_with_web
    calls = 0

    async def fine(job):
        nonlocal calls
        calls += 1

    async def broken(job):
        raise RuntimeError("always")

    bot.scheduler.register("test.fine", fine)
    bot.scheduler.register("test.broken", broken)
    await bot.scheduler.stop()  # nothing runs: the due job waits and shows as due, then late
    await bot.scheduler.schedule("test.fine", clock.now() + 60, {})
    await clock.advance(60)
    held = await scrape(bot, http)
    assert held.value("huddle_jobs_due", kind="test.fine") == 1
    assert held.value("huddle_jobs_late", kind="test.fine") == 0
    await clock.advance(120)
    assert (await scrape(bot, http)).value("huddle_jobs_late", kind="test.fine") == 1
    bot.scheduler.start()
    await bot.scheduler.run_due()
    assert calls == 1
    await bot.scheduler.schedule("test.broken", clock.now(), {})
    for _ in range(MAX_ATTEMPTS + 1):
        await clock.advance(3600)
    after = await scrape(bot, http)
    assert after.value("huddle_jobs_run_total", kind="test.fine", outcome="done") == 1
    assert after.value("huddle_jobs_run_total", kind="test.broken", outcome="retry") == (
        MAX_ATTEMPTS - 1
    )
    assert after.value("huddle_jobs_run_total", kind="test.broken", outcome="dead") == 1
    assert after.value("huddle_jobs_dead", kind="test.broken") == 1
    assert after.value("huddle_jobs_due", kind="test.fine") == 0


async def test_dms_sent_and_refused(bot_with_web, guild, http):
    await create(guild.alice, "Duo")
    guild.carol.close_dms()
    await guild.alice.slash("group invite", group="Duo", member=guild.bob)
    await guild.alice.slash("group invite", group="Duo", member=guild.carol)
    after = await scrape(bot_with_web, http)
    assert after.value("huddle_dms_total", outcome="sent") == 1
    assert after.value("huddle_dms_total", outcome="refused") == 1


@pytest.mark.extensions()
async def test_event_loop_lag_shows_code_that_holds_the_loop(start_bot, http, monkeypatch):
    monkeypatch.setattr(core_metrics, "LAG_INTERVAL", 0.01)
    bot = await start_bot(http_port=0)
    await scrape(bot, http)  # the worst since this scrape is what the next one shows
    time.sleep(0.1)  # noqa: ASYNC251 - holding the loop is the point
    await asyncio.sleep(0.02)  # the late probe fires, and more on time after it
    held = (await scrape(bot, http)).value("huddle_event_loop_lag_seconds")
    assert held >= 0.08

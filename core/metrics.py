"""Prometheus series of one bot (`bot.metrics`), served at `/metrics` (core/health.py).

Each bot keeps its own figures (tests run several bots in one process). What the hot paths
pay is one add to a plain dict (no lock: everything runs on the event loop): votes are
counted once per committed batch, REST calls once per response, commands once per answer.
prometheus-client is imported only when `/metrics` is first scraped, and turns the figures
into its text format then (a custom collector): a bot nobody scrapes doesn't carry it
(~1.5 MiB of idle memory). Whatever needs a query or a file (jobs per kind, database
size) is read when scraped.

| series | what |
|---|---|
| `huddle_commands_total{command,outcome}` | slash commands answered: `ok`, `refused` (a user error, a check), `error` (a bug) |
| `huddle_command_seconds{command}` | histogram: from the interaction reaching the bot to the command's end |
| `huddle_votes_counted_total` | reaction votes (added or taken back) applied to open polls' tallies |
| `huddle_jobs_due{kind}` / `huddle_jobs_late{kind}` / `huddle_jobs_dead{kind}` | scheduled jobs due now, due for over a minute and not running, given up for good |
| `huddle_jobs_run_total{kind,outcome}` | jobs run: `done`, `retry`, `dead` |
| `huddle_rest_requests_total{bucket,status}` | REST calls to Discord per route (ids replaced by `:id`), by status class |
| `huddle_rest_rate_limited_total{bucket}` | of those, 429 answers |
| `huddle_dms_total{outcome}` | direct messages `sent` and `refused` (closed DMs, blocked, gone) |
| `huddle_event_loop_lag_seconds` | the worst lateness of a 1-second timer since the previous scrape: how long others waited behind busy code |
| `huddle_database_bytes{file}` | the database file and its write-ahead log |
| `huddle_gateway_connected` | 1 while every shard's gateway socket is open |
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import functools
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

COMMAND_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_INTERVAL = 1.0  # seconds between event-loop lag probes
_SNOWFLAKE = re.compile(r"^\d{6,}$")
_TOKEN_AFTER = ("interactions", "webhooks")  # /interactions/<id>/<token>/…, /webhooks/<id>/<token>


class Histogram:
    """Counts per upper bound (the last is +Inf), a sum and a count: Prometheus' shape."""

    __slots__ = ("buckets", "count", "total")

    def __init__(self) -> None:
        self.buckets = [0] * (len(COMMAND_BUCKETS) + 1)
        self.count = 0
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.buckets[bisect.bisect_left(COMMAND_BUCKETS, seconds)] += 1
        self.count += 1
        self.total += seconds


class Metrics:
    def __init__(self) -> None:
        self.commands: Counter[tuple[str, str]] = Counter()  # (command, outcome)
        self.command_seconds: dict[str, Histogram] = {}
        self.votes = 0
        self.jobs_run: Counter[tuple[str, str]] = Counter()  # (kind, outcome)
        self.rest: Counter[tuple[str, str]] = Counter()  # (bucket, status class)
        self.rest_429: Counter[str] = Counter()
        self.dms: Counter[str] = Counter({"sent": 0, "refused": 0})  # present from the start
        # read when scraped
        self.job_counts: list[tuple[str, int, int, int]] = []  # (kind, due, late, dead)
        self.loop_lag = 0.0
        self._worst_lag = 0.0
        self.database_bytes: dict[str, int] = {}
        self.gateway_connected = 0
        self._lag_task: asyncio.Task[None] | None = None

    # -- hot-path hooks: one add each ------------------------------------------------------

    def count_votes(self, applied: int) -> None:
        self.votes += applied

    def count_dm(self, delivered: bool) -> None:
        self.dms["sent" if delivered else "refused"] += 1

    def count_command(self, command: str, outcome: str, seconds: float | None) -> None:
        self.commands[(command, outcome)] += 1
        if seconds is not None:
            histogram = self.command_seconds.get(command)
            if histogram is None:
                histogram = self.command_seconds[command] = Histogram()
            histogram.observe(seconds)

    def count_job(self, kind: str, outcome: str) -> None:
        self.jobs_run[(kind, outcome)] += 1

    def count_rest(self, bucket: str, status: int) -> None:
        self.rest[(bucket, f"{status // 100}xx")] += 1
        if status == 429:
            self.rest_429[bucket] += 1

    # -- read when scraped ----------------------------------------------------------------

    def set_job_counts(self, counts: list[tuple[str, int, int, int]]) -> None:
        """(kind, due, late, dead) rows: replace the per-kind gauges."""
        self.job_counts = list(counts)

    def publish_loop_lag(self) -> None:
        """The worst lag since the previous scrape (a spike between scrapes still shows)."""
        self.loop_lag = self._worst_lag
        self._worst_lag = 0.0

    def set_database_size(self, path: Path) -> None:
        for suffix, name in (("", "main"), ("-wal", "wal")):
            with contextlib.suppress(OSError):
                self.database_bytes[name] = Path(f"{path}{suffix}").stat().st_size

    def exposition(self) -> tuple[bytes, str]:
        """(body, content type) of `/metrics`: Prometheus' text format of the figures."""
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Collector(self))
        return generate_latest(registry), CONTENT_TYPE_LATEST

    # -- event-loop lag -----------------------------------------------------------------------

    def start_lag_probe(self) -> None:
        if self._lag_task is None or self._lag_task.done():
            self._lag_task = asyncio.create_task(self._probe_lag(), name="huddle-loop-lag")

    async def stop_lag_probe(self) -> None:
        task, self._lag_task = self._lag_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _probe_lag(self) -> None:
        """A timer asked for LAG_INTERVAL s fires late by however long other code held the
        loop; that lateness is what every vote, command and reminder waits too."""
        while True:
            asked = time.monotonic()
            await asyncio.sleep(LAG_INTERVAL)
            lag = max(0.0, time.monotonic() - asked - LAG_INTERVAL)
            self._worst_lag = max(self._worst_lag, lag)


class _Collector:
    """The figures as Prometheus metric families (built at each scrape)."""

    def __init__(self, metrics: Metrics) -> None:
        self.m = metrics

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            HistogramMetricFamily,
        )

        m = self.m

        def counter(name: str, doc: str, labels: list[str], values: dict) -> Any:
            family = CounterMetricFamily(name, doc, labels=labels)
            for key, value in values.items():
                family.add_metric(list(key) if isinstance(key, tuple) else [key], value)
            return family

        def gauge(name: str, doc: str, labels: list[str], values: dict) -> Any:
            family = GaugeMetricFamily(name, doc, labels=labels)
            for key, value in values.items():
                family.add_metric(list(key) if isinstance(key, tuple) else [key], value)
            return family

        yield counter(
            "huddle_commands", "Slash commands answered", ["command", "outcome"], m.commands
        )
        seconds = HistogramMetricFamily(
            "huddle_command_seconds",
            "Time from the interaction reaching the bot to the command's end",
            labels=["command"],
        )
        for command, histogram in m.command_seconds.items():
            running, buckets = 0, []
            for bound, count in zip(
                [*map(str, COMMAND_BUCKETS), "+Inf"], histogram.buckets, strict=True
            ):
                running += count
                buckets.append((bound, running))
            seconds.add_metric([command], buckets, histogram.total)
        yield seconds
        votes = CounterMetricFamily(
            "huddle_votes_counted", "Reaction votes applied to open polls' tallies"
        )
        votes.add_metric([], m.votes)
        yield votes
        for index, (name, doc) in enumerate(
            (
                ("huddle_jobs_due", "Scheduled jobs due now"),
                ("huddle_jobs_late", "Jobs due for over a minute, not running"),
                ("huddle_jobs_dead", "Jobs given up for good"),
            ),
            start=1,
        ):
            yield gauge(name, doc, ["kind"], {row[0]: row[index] for row in m.job_counts})
        yield counter("huddle_jobs_run", "Scheduled jobs run", ["kind", "outcome"], m.jobs_run)
        yield counter("huddle_rest_requests", "REST calls to Discord", ["bucket", "status"], m.rest)
        yield counter("huddle_rest_rate_limited", "REST calls answered 429", ["bucket"], m.rest_429)
        yield counter("huddle_dms", "Direct messages", ["outcome"], m.dms)
        yield gauge(
            "huddle_event_loop_lag_seconds",
            "Worst lateness of a loop timer since the previous scrape",
            [],
            {(): m.loop_lag},
        )
        yield gauge("huddle_database_bytes", "Database size on disk", ["file"], m.database_bytes)
        yield gauge(
            "huddle_gateway_connected",
            "1 while the gateway is connected",
            [],
            {(): m.gateway_connected},
        )


@functools.lru_cache(maxsize=2048)
def route_bucket(method: str, path: str) -> str:
    """`POST /channels/:id/messages`: the route with ids, tokens and emoji taken out, so a
    label has a handful of values rather than one per message."""
    parts = path.split("?", 1)[0].strip("/").split("/")
    if parts and re.fullmatch(r"v\d+", parts[0]):
        parts = parts[1:]
    out = []
    for i, part in enumerate(parts):
        if _SNOWFLAKE.match(part):
            out.append(":id")
        elif i > 1 and parts[i - 2] in _TOKEN_AFTER and out[i - 1] == ":id":
            out.append(":token")
        elif i > 0 and parts[i - 1] == "reactions" and part != "@me":
            out.append(":emoji")
        else:
            out.append(part)
    return f"{method} /{'/'.join(out)}"


def install_rest_metrics(
    trace: aiohttp.TraceConfig, metrics: Metrics, api_base: Callable[[], str]
) -> aiohttp.TraceConfig:
    """Count every REST response (and 429s) per route bucket through discord.py's
    `http_trace` (the same TraceConfig the global pacer uses)."""

    async def on_request_end(
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        url = str(params.url)
        base = api_base().rstrip("/")
        if not url.startswith(base + "/"):
            return  # the gateway, the CDN: not the REST API
        metrics.count_rest(route_bucket(params.method, url[len(base) :]), params.response.status)

    trace.on_request_end.append(on_request_end)
    return trace

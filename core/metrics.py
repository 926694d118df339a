"""Prometheus series of one bot (`bot.metrics`), served at `/metrics` (core/health.py).

Each bot has its own registry (tests run several bots in one process). What the hot paths
pay is one counter increment (a lock and an add: well under a microsecond): votes are
counted once per committed batch, REST calls once per response, commands once per answer.
Whatever needs a query or a file (jobs per kind, database size) is read when scraped.

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
import contextlib
import functools
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import aiohttp
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

log = logging.getLogger(__name__)

COMMAND_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_INTERVAL = 1.0  # seconds between event-loop lag probes
_SNOWFLAKE = re.compile(r"^\d{6,}$")
_TOKEN_AFTER = ("interactions", "webhooks")  # /interactions/<id>/<token>/…, /webhooks/<id>/<token>


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter(
            "huddle_commands", "Slash commands answered", ["command", "outcome"], registry=r
        )
        self.command_seconds = Histogram(
            "huddle_command_seconds",
            "Time from the interaction reaching the bot to the command's end",
            ["command"],
            buckets=COMMAND_BUCKETS,
            registry=r,
        )
        self.votes = Counter(
            "huddle_votes_counted", "Reaction votes applied to open polls' tallies", registry=r
        )
        self.jobs_due = Gauge("huddle_jobs_due", "Scheduled jobs due now", ["kind"], registry=r)
        self.jobs_late = Gauge(
            "huddle_jobs_late", "Jobs due for over a minute, not running", ["kind"], registry=r
        )
        self.jobs_dead = Gauge("huddle_jobs_dead", "Jobs given up for good", ["kind"], registry=r)
        self.jobs_run = Counter(
            "huddle_jobs_run", "Scheduled jobs run", ["kind", "outcome"], registry=r
        )
        self.rest = Counter(
            "huddle_rest_requests", "REST calls to Discord", ["bucket", "status"], registry=r
        )
        self.rest_429 = Counter(
            "huddle_rest_rate_limited", "REST calls answered 429", ["bucket"], registry=r
        )
        self.dms = Counter("huddle_dms", "Direct messages", ["outcome"], registry=r)
        self.loop_lag = Gauge(
            "huddle_event_loop_lag_seconds",
            "Worst lateness of a loop timer since the previous scrape",
            registry=r,
        )
        self._worst_lag = 0.0
        self.database_bytes = Gauge(
            "huddle_database_bytes", "Database size on disk", ["file"], registry=r
        )
        self.gateway_connected = Gauge(
            "huddle_gateway_connected", "1 while the gateway is connected", registry=r
        )
        for outcome in ("sent", "refused"):
            self.dms.labels(outcome)  # present from the start, at 0
        self._lag_task: asyncio.Task[None] | None = None

    # -- hot-path hooks: one increment each ------------------------------------------------

    def count_dm(self, delivered: bool) -> None:
        self.dms.labels("sent" if delivered else "refused").inc()

    def count_command(self, command: str, outcome: str, seconds: float | None) -> None:
        self.commands.labels(command, outcome).inc()
        if seconds is not None:
            self.command_seconds.labels(command).observe(seconds)

    def count_job(self, kind: str, outcome: str) -> None:
        self.jobs_run.labels(kind, outcome).inc()

    # -- read when scraped ----------------------------------------------------------------

    def set_job_counts(self, counts: list[tuple[str, int, int, int]]) -> None:
        """(kind, due, late, dead) rows: replace the per-kind gauges."""
        for gauge in (self.jobs_due, self.jobs_late, self.jobs_dead):
            gauge.clear()
        for kind, due, late, dead in counts:
            self.jobs_due.labels(kind).set(due)
            self.jobs_late.labels(kind).set(late)
            self.jobs_dead.labels(kind).set(dead)

    def publish_loop_lag(self) -> None:
        """The worst lag since the previous scrape (a spike between scrapes still shows)."""
        self.loop_lag.set(self._worst_lag)
        self._worst_lag = 0.0

    def set_database_size(self, path: Path) -> None:
        for suffix, name in (("", "main"), ("-wal", "wal")):
            with contextlib.suppress(OSError):
                self.database_bytes.labels(name).set(Path(f"{path}{suffix}").stat().st_size)

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
        bucket = route_bucket(params.method, url[len(base) :])
        status = params.response.status
        metrics.rest.labels(bucket, f"{status // 100}xx").inc()
        if status == 429:
            metrics.rest_429.labels(bucket).inc()

    trace.on_request_end.append(on_request_end)
    return trace

"""`/healthz` and `/metrics`: core's own routes on the bot's web server (core/web.py).

`/healthz` answers 200 when the bot is connected to Discord, its database takes a write
and its scheduler is not behind; otherwise 503. Either way the body is a small JSON
object naming each check, e.g.::

    {"status": "unhealthy", "failing": ["database"],
     "checks": {"discord": "ok", "database": "not writable: attempt to write a readonly
     database", "scheduler": "ok"}}

`/metrics` is Prometheus' text format (the series are listed in core/metrics.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from core import web as routes

if TYPE_CHECKING:
    from aiohttp import web

    from core.bot import HuddleBot
    from core.store import Store

log = logging.getLogger(__name__)

LATE_AFTER = 60.0  # a job due this long and not running means the scheduler is behind
CHECK_TIMEOUT = 3.0  # a database that can't take a tiny write in this long is unusable


async def job_counts(
    store: Store, now: float, running: frozenset[int]
) -> list[tuple[str, int, int, int]]:
    """(kind, due, late, dead) per job kind: due now, due for over LATE_AFTER seconds and
    not running, given up for good."""
    not_running = ""
    if running:
        not_running = f" AND id NOT IN ({','.join('?' * len(running))})"
    rows = await store.fetchall(
        "SELECT kind,"
        " SUM(dead = 0 AND due_at <= ?),"
        f" SUM(dead = 0 AND due_at <= ?{not_running}),"
        " SUM(dead = 1)"  # 1: gave up for good (other non-zero values are not failures)
        " FROM jobs GROUP BY kind ORDER BY kind",
        (now, now - LATE_AFTER, *running),
    )
    return [(r[0], int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows]


def discord_state(bot: HuddleBot) -> str:
    if bot.is_closed():
        return "closed"
    if not bot.is_ready():
        return "connecting"
    shards = bot.shards
    if not shards or any(shard.is_closed() for shard in shards.values()):
        return "disconnected"
    return "ok"


async def database_state(store: Store) -> str:
    """A real write (one meta row), so a read-only file, a full disk or a stuck lock shows."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await store.execute(
                "INSERT INTO meta (key, value) VALUES ('health_probe', '1')"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            )
    except TimeoutError:
        return f"not writable: no write within {CHECK_TIMEOUT:g} s"
    except Exception as exc:  # any failure is the answer
        return f"not writable: {exc}"
    return "ok"


async def scheduler_state(bot: HuddleBot) -> str:
    scheduler = bot.scheduler
    if not scheduler.is_running:
        return "stopped"
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            counts = await job_counts(bot.store, bot.clock.now(), scheduler.running_job_ids)
    except Exception as exc:
        return f"unknown: {exc or type(exc).__name__}"
    late = sum(c[2] for c in counts)
    if late:
        return f"behind: {late} job(s) due over {LATE_AFTER:g} s ago and not running"
    return "ok"


async def health(bot: HuddleBot) -> dict[str, object]:
    checks = {
        "discord": discord_state(bot),
        "database": await database_state(bot.store),
        "scheduler": await scheduler_state(bot),
    }
    failing = [name for name, state in checks.items() if state != "ok"]
    return {"status": "unhealthy" if failing else "ok", "failing": failing, "checks": checks}


def ops_routes(bot: HuddleBot) -> list[routes.Route]:
    """Core's routes, added under the owner "core" when the bot starts."""

    async def healthz(request: web.Request) -> web.Response:
        from aiohttp import web  # only a serving bot loads aiohttp's server (core/web.py)

        body = await health(bot)
        status = 200 if body["status"] == "ok" else 503
        if status != 200:
            log.info("health check failing: %s", body["checks"])
        return web.json_response(body, status=status, dumps=json.dumps)

    async def metrics(request: web.Request) -> web.Response:
        from aiohttp import web

        m = bot.metrics
        m.set_job_counts(
            await job_counts(bot.store, bot.clock.now(), bot.scheduler.running_job_ids)
        )
        m.set_database_size(bot.store.path)
        m.publish_loop_lag()
        m.gateway_connected = 1 if discord_state(bot) == "ok" else 0
        body, content_type = m.exposition()
        resp = web.Response(body=body)
        resp.headers["Content-Type"] = content_type
        return resp

    return [routes.get("/healthz", healthz), routes.get("/metrics", metrics)]

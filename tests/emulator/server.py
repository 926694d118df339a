"""The Emulator: an aiohttp server with REST under /api/v10 and the gateway at /gateway."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from tests.emulator import permissions as perms
from tests.emulator import (
    rest,  # noqa: F401  (registers the routes)
    validate,
)
from tests.emulator.builders import Builders
from tests.emulator.errors import ApiError
from tests.emulator.gateway import Gateway
from tests.emulator.ids import Snowflakes
from tests.emulator.quiescence import busy_tasks, describe, frames_parsed, untracked
from tests.emulator.ratelimit import DISCORD_RULES, RateLimiter
from tests.emulator.router import Req, match
from tests.emulator.state import World

NO_AUTH = re.compile(r"^/(interactions/\d+/[^/]+/callback|webhooks/\d+/[^/]+)")


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[str]
    time: float
    status: int = 0
    template: str | None = None
    rate_headers: dict[str, str] | None = None  # the limiter's, when rate limits are on


@dataclass
class Violation:
    method: str
    path: str
    body: Any
    problem: str

    def __str__(self) -> str:
        body = json.dumps(self.body, ensure_ascii=False, default=str)
        return f"{self.method} {self.path}: {self.problem}\n    body: {body[:600]}"


@dataclass
class Injection:
    method: str
    regex: re.Pattern[str]
    status: int
    times: int
    body: Any = None
    hits: list[str] = field(default_factory=list)
    when: Callable[[Any], bool] | None = None  # only requests whose JSON body it accepts


def json_response(body: Any, status: int, headers: dict[str, str]) -> web.Response:
    """Content-Type exactly `application/json` (discord.py compares it literally)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    return web.Response(
        body=data, status=status, headers={**headers, "Content-Type": "application/json"}
    )


class Emulator(Builders):
    def __init__(self, clock: Any = None, token: str = "test-token") -> None:
        self.clock = clock
        self.world = World(ids=Snowflakes(clock.now if clock else time.time))
        self.token = token
        self.handles = {}
        self.bot_user = self.create_user("Huddle", bot=True)
        self.application_id = int(self.bot_user["id"])
        self.gateway = Gateway(self)
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.injections: list[Injection] = []
        self.inflight = 0
        self.bots: list[Any] = []  # in-process bots (harness.start_bot), tracked by `settle`
        self.settle_timeouts: list[str] = []  # what kept a tracked settle busy to its cap
        # Discord-like rate limits: None (off, the default) or a RateLimiter (benchmarks).
        self.rate_limiter: RateLimiter | None = None
        self.last_activity = time.monotonic()
        self.port = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Emulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{channel}/{id}/{filename}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:  # type: ignore[override]
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def guild(self):  # the first guild's handle
        return next(iter(self.handles.values()))

    # -- activity / quiescence ------------------------------------------------------------------

    def touch(self) -> None:
        self.last_activity = time.monotonic()

    async def dispatch(self, event: str, data: dict) -> None:
        await self.gateway.dispatch(event, data)

    async def settle(self, quiet: float = 0.03, cap: float = 3.0) -> None:
        """Wait until the bot has finished reacting (see quiescence.py): every frame parsed,
        no request in flight, no task of the bot's still at work, twice in a row across a
        turn of the event loop. A bot that cannot be tracked (a subprocess, or one between
        gateway connections): until no request is in flight and none started for `quiet`
        seconds. Gives up after `cap` seconds either way."""
        deadline = time.monotonic() + cap
        await asyncio.sleep(0)
        calm = 0
        while time.monotonic() < deadline:
            if untracked(self.bots, self.gateway.sessions.values()):
                calm = 0
                if self.inflight == 0 and time.monotonic() - self.last_activity >= quiet:
                    return
                await asyncio.sleep(0.005)
                continue
            if self._tracked_idle(quiet):
                calm += 1
                if calm >= 2:
                    return
                await asyncio.sleep(0)
                continue
            calm = 0
            await asyncio.sleep(0.001)
        if not untracked(self.bots, self.gateway.sessions.values()):
            self.settle_timeouts.append(
                f"inflight={self.inflight} frames_parsed="
                f"{frames_parsed(self.bots, self.gateway.sessions)} busy: {describe(busy_tasks(quiet))}"
            )

    def _tracked_idle(self, quiet: float) -> bool:
        return (
            self.inflight == 0
            and frames_parsed(self.bots, self.gateway.sessions)
            and not busy_tasks(quiet)
        )

    # -- test switches --------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        times: int = 1,
        body: Any = None,
        when: Callable[[Any], bool] | None = None,
    ) -> Injection:
        """Answer the next `times` requests matching (method, path regex) with `status`;
        `when(json_body)`: only those whose body it accepts (one message among several
        posted to a channel). Note: discord.py retries 500/502/504 after sleeping 1+2n s;
        use 503 for an immediate DiscordServerError."""
        inj = Injection(method.upper(), re.compile(path_regex), status, times, body, when=when)
        self.injections.append(inj)
        return inj

    def enable_rate_limits(self, limiter: RateLimiter | None = None) -> RateLimiter:
        """Answer like Discord does over its limits (per-route buckets, 50/s global)."""
        self.rate_limiter = limiter or RateLimiter()
        return self.rate_limiter

    def pace_reactions(self, limit: int = 1, per: float = 0.25) -> RateLimiter:
        """Discord's reaction pacing alone: every reaction request (add, remove, clear) is
        limited to `limit` per `per` seconds per channel and answered 429 with
        `retry_after` beyond it, as Discord does; nothing else is limited. Tests scale
        `per` down to milliseconds; the default is Discord's."""
        rule = next(r for r in DISCORD_RULES if r.name == "reactions")
        paced = replace(rule, limit=limit, per=per)
        return self.enable_rate_limits(RateLimiter(rules=(paced,), global_per_second=None))

    async def drop_gateway(self) -> None:
        await self.gateway.drop()

    def count_requests(self, method: str | None = None, path_regex: str = ".*") -> int:
        rx = re.compile(path_regex)
        return sum(
            1
            for r in self.requests
            if (method is None or r.method == method.upper()) and rx.search(r.path)
        )

    def find_requests(self, method: str | None = None, path_regex: str = ".*") -> list:
        rx = re.compile(path_regex)
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and rx.search(r.path)
        ]

    def reset_requests(self) -> None:
        self.requests.clear()

    def take_violations(self) -> list[Violation]:
        """Return and forget recorded violations (for tests that provoke them on purpose)."""
        out, self.violations = self.violations, []
        return out

    # -- the REST entry point -------------------------------------------------------------------

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.world.attachments.get(int(request.match_info["id"]))
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data)

    async def _api(self, request: web.Request) -> web.Response:
        self.inflight += 1
        self.touch()
        try:
            return await self._serve(request)
        finally:
            self.inflight -= 1
            self.touch()

    async def _serve(self, request: web.Request) -> web.Response:
        method = request.method
        path = "/" + request.match_info["tail"]
        query = dict(request.query)
        body, files, problems = await self._read_body(request)
        record = RecordedRequest(
            method, path, query, body, [f["filename"] for f in files], time.monotonic()
        )
        self.requests.append(record)

        op = validate.find_operation(method, path)
        if op is None:
            problems.append("route not in Discord's OpenAPI spec")
        else:
            record.template = op.template
            kind = (
                "multipart/form-data"
                if files or request.content_type.startswith("multipart/")
                else "application/json"
            )
            problems.extend(validate.validate_body(method, op.template, kind, body))
        for problem in problems:
            self.violations.append(Violation(method, path, body, problem))

        if not NO_AUTH.match(path) and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._respond(record, 401, {"message": "401: Unauthorized", "code": 0})

        for inj in self.injections:
            if (
                inj.times > 0
                and inj.method == method
                and inj.regex.search(path)
                and (inj.when is None or inj.when(body))
            ):
                inj.times -= 1
                inj.hits.append(path)
                return self._injected(record, inj)

        if op is None:
            return self._respond(record, 404, {"message": "404: Not Found", "code": 0})
        if self.rate_limiter is not None:
            verdict = self.rate_limiter.check(method, path, record.template)
            record.rate_headers = verdict.headers
            if verdict.limited:
                record.status = 429
                return json_response(
                    verdict.body(), 429, {**self._headers(record), **verdict.headers}
                )
        if problems:
            return self._respond(
                record,
                400,
                {"message": "Invalid Form Body", "code": 50035, "errors": {"_emulator": problems}},
            )
        found = match(method, path)
        if found is None:
            self.violations.append(
                Violation(method, path, body, "unimplemented route in the emulator")
            )
            return self._respond(
                record, 404, {"message": "Unimplemented route in the emulator", "code": 0}
            )
        route, params = found
        req = Req(
            method, path, params, query, body, files, request.headers.get("X-Audit-Log-Reason")
        )
        try:
            result = await route.handler(self, req)
        except ApiError as exc:
            return self._respond(record, exc.status, exc.body)
        if isinstance(result, tuple):
            return self._respond(record, result[0], result[1])
        return self._respond(record, 200 if result is not None else 204, result)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict], list[str]]:
        problems: list[str] = []
        if not request.can_read_body:
            return None, [], problems
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            body: Any = None
            files: list[dict] = []
            reader = await request.multipart()
            async for part in reader:
                name = part.name or ""
                if name == "payload_json":
                    body = json.loads(await part.text())
                elif m := re.fullmatch(r"files\[(\d+)\]", name):
                    files.append(
                        {
                            "index": int(m.group(1)),
                            "filename": part.filename or name,
                            "content": bytes(await part.read()),
                            "content_type": part.headers.get("Content-Type"),
                        }
                    )
                else:
                    problems.append(f"unexpected multipart field {name!r}")
            return body, files, problems
        raw = await request.read()
        if not raw:
            return None, [], problems
        if ctype != "application/json":
            problems.append(f"Content-Type must be exactly application/json, got {ctype!r}")
        try:
            return json.loads(raw), [], problems
        except ValueError:
            problems.append("body is not JSON")
            return raw.decode(errors="replace"), [], problems

    def _headers(self, record: RecordedRequest) -> dict[str, str]:
        if record.rate_headers:
            return {**record.rate_headers, "Via": "1.1 google"}
        bucket = f"{abs(hash(record.template or record.path)):x}"[:16]
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": bucket,
            "Via": "1.1 google",
        }

    def _respond(self, record: RecordedRequest, status: int, body: Any) -> web.Response:
        record.status = status
        headers = self._headers(record)
        if status == 204 or body is None:
            return web.Response(status=204, headers=headers)
        return json_response(body, status, headers)

    def _injected(self, record: RecordedRequest, inj: Injection) -> web.Response:
        if inj.status == 429:
            body = inj.body or {
                "message": "You are being rate limited.",
                "retry_after": 0.05,
                "global": False,
            }
            record.status = 429
            headers = {
                **self._headers(record),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(body.get("retry_after", 0.05)),
                "X-RateLimit-Scope": "user",
                "Retry-After": "1",
            }
            return json_response(body, 429, headers)
        default = {
            403: {"message": "Missing Permissions", "code": 50013},
            404: {"message": "Unknown Message", "code": 10008},
        }.get(inj.status, {"message": f"{inj.status}: Injected failure", "code": 0})
        return self._respond(record, inj.status, inj.body or default)

    # -- humans doing things by hand (state change + gateway event) --------------------------------

    async def deny_bot_permission(self, guild_id: int, name: str) -> None:
        guild = self.world.guilds[guild_id]
        bot_id = int(self.bot_user["id"])
        removed = perms.bit(name)
        for role_id in guild.members[bot_id]["roles"]:
            role = guild.roles[int(role_id)]
            if int(role["permissions"]) & removed:
                role["permissions"] = str(int(role["permissions"]) & ~removed)
                await self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role})
        everyone = guild.roles[guild.id]
        if int(everyone["permissions"]) & removed:
            everyone["permissions"] = str(int(everyone["permissions"]) & ~removed)
            await self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": everyone})

    async def grant_bot_permission(self, guild_id: int, name: str) -> None:
        """Give the bot's own role a permission (back), as an admin does by hand."""
        guild = self.world.guilds[guild_id]
        bot_id = int(self.bot_user["id"])
        role = guild.roles[int(guild.members[bot_id]["roles"][0])]
        role["permissions"] = str(int(role["permissions"]) | perms.bit(name))
        await self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role})

    async def delete_channel_by_hand(self, channel_id: int) -> None:
        guild, channel = self.world.find_channel(channel_id)
        assert guild is not None and channel is not None, f"no guild channel {channel_id}"
        del guild.channels[channel_id]
        await self.dispatch("CHANNEL_DELETE", channel)

    async def delete_role_by_hand(self, role_id: int) -> None:
        for guild in self.world.guilds.values():
            if role_id in guild.roles:
                del guild.roles[role_id]
                for member in guild.members.values():
                    if str(role_id) in member["roles"]:
                        member["roles"].remove(str(role_id))
                await self.dispatch(
                    "GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role_id)}
                )
                return
        raise AssertionError(f"no role {role_id}")

    def react_raw(self, message_id: int, user_id: int, emoji: str) -> None:
        """Add a reaction without dispatching (e.g. votes cast while the bot was offline)."""
        users = self.world.reactions.setdefault(message_id, {}).setdefault(emoji, [])  # type: ignore[arg-type]
        if user_id not in users:
            users.append(user_id)

    def unreact_raw(self, message_id: int, user_id: int, emoji: str) -> None:
        users = self.world.reactions.get(message_id, {}).get(emoji, [])
        if user_id in users:
            users.remove(user_id)

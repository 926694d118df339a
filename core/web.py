"""The bot's web server: one aiohttp application in the bot's own process.

It serves only the routes someone named: core's `/healthz` and `/metrics`, and whatever a
feature adds (the calendar feeds). Anything else is a 404, a known path with another
method a 405.

Route API (for features)
------------------------
A feature adds its routes when its cog loads and removes them when it unloads, like its
commands; `owner` is any stable name (the feature's), and one owner's routes come and go
together::

    from core import web

    async def cog_load(self) -> None:
        self.bot.web.add_routes("events", [web.get("/calendar/{token}.ics", self.feed)])

    async def cog_unload(self) -> None:
        self.bot.web.remove_routes("events")

    async def feed(self, request: aiohttp.web.Request) -> aiohttp.web.StreamResponse:
        from aiohttp import web   # here, not at the top of the module: see below
        token = request.match_info["token"]   # path parameters work as in aiohttp
        ...

`routes` are `core.web.Route`s (`get`, `post`, `route`; a GET also answers HEAD); aiohttp's
own `web.get(...)` route definitions are taken too. aiohttp's server half
(`aiohttp.web`, about 2.3 MiB of modules) is imported only when the server starts, and
handlers import it inside themselves: a bot run with `HTTP_PORT=0` never loads it (idle
memory). Adding routes for an owner replaces that owner's previous ones; a path
another owner already serves with the same method is refused (`ValueError`), so two
features cannot silently shadow each other. Routes may be added before or after the
server starts and while it runs: the aiohttp application itself has one catch-all route
and dispatches through a private router that is rebuilt on every change (aiohttp freezes
an application's own router once it serves).

`bot.web.url(path)` is the address the server answers on (tests reach it there), and
`bot.web.public_url(path)` the one to show users (`PUBLIC_URL`, the reverse proxy's https
address), or None when that is not set.

Bounds
------
Every request is bounded: the body (`MAX_BODY` bytes: the routes are body-less GETs),
the request line and headers (`MAX_LINE`), a handler's time (`HANDLER_TIMEOUT` s, then
503), requests handled at once (`MAX_CONCURRENT`, beyond that 503 at once) and idle
keep-alive connections (`KEEPALIVE` s). A handler's unexpected error is logged and
answered 500 without details. Rate limits per link are the feature's business.

Settings: `HTTP_HOST` (default 127.0.0.1: only this machine; a reverse proxy publishes
what should be public), `HTTP_PORT` (default 8080, `0` turns the server off). In code,
`port=0` means any free port (what tests use, so parallel tests never collide); the
bound port is then `server.port`. If the address is taken the bot logs one line and
runs without the server.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
MAX_LINE = 8 * 1024
HANDLER_TIMEOUT = 10.0
MAX_CONCURRENT = 64
KEEPALIVE = 15.0


Handler = Callable[[Any], Awaitable[Any]]  # (aiohttp.web.Request) -> web.StreamResponse


class RouteLike(Protocol):
    """A `Route`, or one of aiohttp's own route definitions (`aiohttp.web.get(...)`)."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def handler(self) -> Any: ...


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler


def route(method: str, path: str, handler: Handler) -> Route:
    return Route(method.upper(), path, handler)


def get(path: str, handler: Handler) -> Route:
    """A GET route (it answers HEAD too)."""
    return Route("GET", path, handler)


def post(path: str, handler: Handler) -> Route:
    return Route("POST", path, handler)


class WebServer:
    """Start with `await start()`, stop with `await stop()`; routes via `add_routes`."""

    def __init__(self, host: str, port: int | None, public_url: str | None = None) -> None:
        self.host = host
        self.requested_port = port  # None: off; 0: any free port
        self.public_base = public_url.rstrip("/") if public_url else None
        self.port: int | None = None  # the bound port while serving
        self._owners: dict[str, list[RouteLike]] = {}
        self._router: web.UrlDispatcher | None = None  # built while serving
        self._slots = asyncio.Semaphore(MAX_CONCURRENT)
        self._runner: web.AppRunner | None = None

    # -- routes -----------------------------------------------------------------------

    def add_routes(self, owner: str, routes: Iterable[RouteLike]) -> None:
        """Serve `routes` for `owner` (replacing that owner's earlier ones)."""
        candidate = {**self._owners, owner: list(routes)}
        _check_conflicts(candidate)  # raises before anything changes
        if self.serving:
            self._router = _build_router(candidate)
        self._owners = candidate

    def remove_routes(self, owner: str) -> None:
        """Stop serving `owner`'s routes (no error when it has none)."""
        if self._owners.pop(owner, None) is not None and self.serving:
            self._router = _build_router(self._owners)

    def owners(self) -> list[str]:
        return sorted(self._owners)

    # -- addresses ----------------------------------------------------------------------

    @property
    def serving(self) -> bool:
        return self._runner is not None

    def url(self, path: str = "/") -> str:
        """Where this server answers (http://host:port/path); only while serving."""
        if self.port is None:
            raise RuntimeError("the web server is not serving")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def public_url(self, path: str = "/") -> str | None:
        """The address users should follow (PUBLIC_URL + path), None when not set up."""
        return None if self.public_base is None else f"{self.public_base}{path}"

    # -- running ------------------------------------------------------------------------

    async def start(self) -> bool:
        """Bind and serve; False (after one log line) when off or the address is taken."""
        if self.requested_port is None or self._runner is not None:
            return False
        try:
            sock = _bind(self.host, self.requested_port)
        except OSError as exc:
            log.error(
                "web server not started: cannot listen on %s:%s (%s); running without"
                " /healthz, /metrics and calendar feeds (set HTTP_PORT to a free port)",
                self.host,
                self.requested_port,
                exc.strerror or exc,
            )
            return False
        from aiohttp import web  # the server half of aiohttp: only a bot that serves loads it

        self._router = _build_router(self._owners)
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            keepalive_timeout=KEEPALIVE,
            max_line_size=MAX_LINE,
            max_field_size=MAX_LINE,
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self.port = sock.getsockname()[1]
        log.info("web server listening on %s", self.url(""))
        return True

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        self.port = None
        if runner is not None:
            await runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web  # loaded by start() already: a dictionary lookup

        assert self._router is not None  # built by start(), before the first request
        match = await self._router.resolve(request)
        if match.http_exception is not None:
            raise match.http_exception  # 404 unknown path, 405 known path other method
        if self._slots.locked():
            raise web.HTTPServiceUnavailable(text="busy, try again shortly")
        async with self._slots:
            request.match_info.update(match)  # the route's own path parameters
            try:
                async with asyncio.timeout(HANDLER_TIMEOUT):
                    return await match.handler(request)
            except web.HTTPException:
                raise
            except TimeoutError:
                log.warning("web request timed out: %s %s", request.method, request.path)
                raise web.HTTPServiceUnavailable(text="timed out") from None
            except Exception:
                log.exception("web handler failed: %s %s", request.method, request.path)
                raise web.HTTPInternalServerError(text="internal error") from None


def _check_conflicts(owners: dict[str, list[RouteLike]]) -> None:
    """A method and path served by two owners is refused (ValueError)."""
    served: dict[tuple[str, str], str] = {}
    for owner, routes in owners.items():
        for each in routes:
            key = (each.method.upper(), each.path)
            if key in served and served[key] != owner:
                raise ValueError(f"{key[0]} {key[1]} is already served by {served[key]!r}")
            served[key] = owner


def _build_router(owners: dict[str, list[RouteLike]]) -> web.UrlDispatcher:
    from aiohttp import web

    router = web.UrlDispatcher()
    for routes in owners.values():
        for each in routes:
            if each.method.upper() == "GET":
                router.add_get(each.path, each.handler)  # and HEAD
            else:
                router.add_route(each.method.upper(), each.path, each.handler)
    return router


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock

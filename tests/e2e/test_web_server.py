"""core/web.py: the bot's web server serves only named routes, bounded, on an ephemeral
port reached through a real HTTP client on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from core import web as core_web
from core.web import WebServer


@pytest.fixture
async def server() -> AsyncIterator[WebServer]:
    srv = WebServer("127.0.0.1", 0)
    assert await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        yield session


async def hello(request: web.Request) -> web.Response:
    return web.Response(text=f"hello {request.match_info.get('name', 'you')}")


async def test_named_routes_only_with_path_parameters(server, http) -> None:
    server.add_routes("feature", [web.get("/hello/{name}.txt", hello)])
    async with http.get(server.url("/hello/ada.txt")) as resp:
        assert (resp.status, await resp.text()) == (200, "hello ada")
    async with http.head(server.url("/hello/ada.txt")) as resp:
        assert resp.status == 200
    async with http.get(server.url("/")) as resp:
        assert resp.status == 404
    async with http.get(server.url("/hello/ada.json")) as resp:
        assert resp.status == 404
    async with http.post(server.url("/hello/ada.txt")) as resp:
        assert resp.status == 405


async def test_routes_come_and_go_with_their_owner_while_serving(server, http) -> None:
    server.add_routes("one", [web.get("/a", hello)])
    server.add_routes("two", [web.get("/b", hello)])
    server.remove_routes("one")
    async with http.get(server.url("/a")) as resp:
        assert resp.status == 404
    async with http.get(server.url("/b")) as resp:
        assert resp.status == 200
    server.add_routes("two", [web.get("/c", hello)])  # replaces two's routes
    async with http.get(server.url("/b")) as resp:
        assert resp.status == 404
    assert server.owners() == ["two"]
    server.remove_routes("nobody")  # harmless


async def test_an_owner_cannot_shadow_another(server) -> None:
    server.add_routes("one", [web.get("/a", hello)])
    with pytest.raises(ValueError, match="already served by 'one'"):
        server.add_routes("two", [web.get("/b", hello), web.get("/a", hello)])
    assert server.owners() == ["one"]  # the refused add changed nothing


async def test_a_slow_handler_gets_503_and_a_failing_one_500(server, http, monkeypatch) -> None:
    monkeypatch.setattr(core_web, "HANDLER_TIMEOUT", 0.05)
    never = asyncio.Event()

    async def stuck(request: web.Request) -> web.Response:
        await never.wait()
        return web.Response()

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("secret detail")

    server.add_routes("f", [web.get("/stuck", stuck), web.get("/broken", broken)])
    async with http.get(server.url("/stuck")) as resp:
        assert resp.status == 503
    async with http.get(server.url("/broken")) as resp:
        assert resp.status == 500
        assert "secret" not in await resp.text()


async def test_request_bodies_are_bounded(server, http) -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=str(len(await request.read())))

    server.add_routes("f", [web.post("/echo", echo)])
    async with http.post(server.url("/echo"), data=b"x" * 100) as resp:
        assert (resp.status, await resp.text()) == (200, "100")
    async with http.post(server.url("/echo"), data=b"x" * (core_web.MAX_BODY + 1)) as resp:
        assert resp.status == 413


async def test_too_many_requests_at_once_are_turned_away(server, http, monkeypatch) -> None:
    monkeypatch.setattr(server, "_slots", asyncio.Semaphore(1))
    release = asyncio.Event()
    entered = asyncio.Event()

    async def hold(request: web.Request) -> web.Response:
        entered.set()
        await release.wait()
        return web.Response(text="done")

    server.add_routes("f", [web.get("/hold", hold)])
    first = asyncio.create_task(http.get(server.url("/hold")))
    await entered.wait()
    async with http.get(server.url("/hold")) as resp:
        assert resp.status == 503
    release.set()
    async with await first as resp:
        assert resp.status == 200


async def test_a_taken_address_is_one_log_line_and_no_server(caplog) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        srv = WebServer("127.0.0.1", taken.getsockname()[1])
        with caplog.at_level(logging.ERROR, logger="core.web"):
            assert not await srv.start()
        assert not srv.serving
        assert len(caplog.records) == 1
        assert "cannot listen" in caplog.records[0].getMessage()
    finally:
        taken.close()


async def test_off_means_no_server() -> None:
    srv = WebServer("127.0.0.1", None)
    assert not await srv.start()
    assert not srv.serving
    with pytest.raises(RuntimeError):
        srv.url("/")


async def test_the_bot_serves_from_setup_hook_until_close(start_bot, http) -> None:
    bot = await start_bot(http_port=0)
    assert bot.web.serving
    bot.web.add_routes("test", [web.get("/hello", hello)])
    url = bot.web.url("/hello")
    async with http.get(url) as resp:
        assert (resp.status, await resp.text()) == (200, "hello you")
    await bot.close()
    assert not bot.web.serving
    with pytest.raises(aiohttp.ClientConnectionError):
        async with http.get(url):
            pass


async def test_public_url_is_what_users_are_shown() -> None:
    assert WebServer("127.0.0.1", 0, "https://h.example.org/").public_url("/c/x.ics") == (
        "https://h.example.org/c/x.ics"
    )
    assert WebServer("127.0.0.1", 0).public_url("/c/x.ics") is None

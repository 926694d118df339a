"""core.pacing: token buckets on an injected clock (no real sleeps), and the global limit
on discord.py's REST requests through the `http_trace` hook."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import yarl
from multidict import CIMultiDict

from core.pacing import (
    GLOBAL_BURST,
    GLOBAL_RATE_PER_SECOND,
    Pacer,
    counts_globally,
    install_global_limit,
)


class FakeTime:
    """monotonic() and sleep() for a Pacer: sleeping moves the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def most_in_any_second(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    best, lo = 0, 0
    for hi, t in enumerate(stamps):
        while t - stamps[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def test_pacer_spaces_sends_after_the_burst() -> None:
    t = FakeTime()
    pacer = Pacer(rate=5.0, burst=3, monotonic=t.monotonic, sleep=t.sleep)
    stamps = []
    for _ in range(7):
        async with pacer:
            stamps.append(t.now - 1000.0)
    assert stamps[:3] == [0.0, 0.0, 0.0]  # the burst did not wait
    assert [round(s, 6) for s in stamps[3:]] == [0.2, 0.4, 0.6, 0.8]  # then 1/rate apart
    assert round(pacer.waited, 6) == 0.8 and pacer.delayed == 4 and pacer.taken == 7


async def test_pacer_refills_while_idle_but_never_beyond_the_burst() -> None:
    t = FakeTime()
    pacer = Pacer(rate=10.0, burst=2, monotonic=t.monotonic, sleep=t.sleep)
    for _ in range(2):
        await pacer.acquire()
    t.now += 60  # a long quiet spell refills two tokens, not 600
    start = t.now
    for _ in range(3):
        await pacer.acquire()
    assert round(t.now - start, 6) == 0.1


async def test_global_pacer_keeps_concurrent_senders_under_50_in_any_second() -> None:
    t = FakeTime()
    pacer = Pacer(GLOBAL_RATE_PER_SECOND, GLOBAL_BURST, monotonic=t.monotonic, sleep=t.sleep)
    stamps: list[float] = []

    async def sender(n: int) -> None:
        for _ in range(n):
            await pacer.acquire()
            stamps.append(t.now)

    await asyncio.gather(*(sender(25) for _ in range(20)))  # 500 requests from 20 tasks
    assert len(stamps) == 500
    assert most_in_any_second(stamps) <= GLOBAL_RATE_PER_SECOND + GLOBAL_BURST < 50
    # and it is not slower than it must be: 500 requests take about 500/45 s
    assert stamps[-1] - stamps[0] < 500 / GLOBAL_RATE_PER_SECOND + 0.1


def test_what_counts_against_the_global_limit() -> None:
    base = "https://discord.com/api/v10"
    assert counts_globally(f"{base}/channels/1/messages", base)
    assert counts_globally(f"{base}/users/@me/channels", base)
    assert counts_globally(f"{base}/guilds/5/members/6/roles/7", base)
    # interaction answers are exempt on Discord: never paced
    assert not counts_globally(f"{base}/interactions/123/tok-en/callback", base)
    assert not counts_globally(f"{base}/webhooks/99/tok/messages/@original", base)
    assert not counts_globally(f"{base}/webhooks/99/tok?wait=true", base)
    # not the REST API
    assert not counts_globally("wss://gateway.discord.gg/?v=10", base)
    assert not counts_globally("https://cdn.discordapp.com/avatars/1/a.png", base)
    # an emulator base without the version
    emu = "http://127.0.0.1:5000/api"
    assert counts_globally(f"{emu}/channels/1/messages", emu + "/")
    assert not counts_globally(f"{emu}/interactions/1/t/callback", emu)


async def test_the_trace_hook_waits_for_a_token_only_for_counted_requests() -> None:
    t = FakeTime()
    pacer = Pacer(rate=10.0, burst=1, monotonic=t.monotonic, sleep=t.sleep)
    base = "https://discord.com/api/v10"
    trace = install_global_limit(aiohttp.TraceConfig(), lambda: pacer, lambda: base)
    (hook,) = trace.on_request_start

    async def request(url: str) -> None:
        params = aiohttp.TraceRequestStartParams("POST", yarl.URL(url), CIMultiDict())
        await hook(None, None, params)  # type: ignore[arg-type]

    for _ in range(3):
        await request(f"{base}/channels/1/messages")
    assert pacer.taken == 3 and round(t.now - 1000.0, 6) == 0.2
    before = t.now
    for _ in range(50):  # interaction answers go straight through, however many
        await request(f"{base}/interactions/1/tok/callback")
    assert pacer.taken == 3 and t.now == before


def test_the_bot_hands_discord_py_the_paced_trace() -> None:
    from core.bot import HuddleBot
    from core.settings import Settings

    bot = HuddleBot(Settings(token="x", database_path=Path("unused.db")), extensions=[])
    assert bot.http.http_trace is not None
    assert len(bot.http.http_trace.on_request_start) == 1
    assert bot.global_pacer.rate == GLOBAL_RATE_PER_SECOND

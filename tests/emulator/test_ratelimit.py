"""The emulator's Discord-like rate limits: buckets per route and major parameter, the
global limit, Discord's headers and 429 bodies, and discord.py living with them."""

from __future__ import annotations

import asyncio

import pytest

from core.pacing import Pacer
from tests.emulator.ratelimit import DISCORD_RULES, RateLimiter, Rule

pytestmark = pytest.mark.extensions("tests.emulator.testext")

SEND = ("POST", "/channels/{channel_id}/messages")
REACT = ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me")
UNREACT = ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me")


class Ticks:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def limiter(**kw) -> tuple[RateLimiter, Ticks]:
    ticks = Ticks()
    return RateLimiter(clock=ticks, wall=lambda: 1_800_000_000.0 + ticks.t, **kw), ticks


def send(rl: RateLimiter, channel: int):
    return rl.check("POST", f"/channels/{channel}/messages", SEND[1])


def test_message_sends_are_five_per_five_seconds_per_channel():
    rl, ticks = limiter()
    verdicts = [send(rl, 1) for _ in range(5)]
    assert [v.limited for v in verdicts] == [None] * 5
    assert [v.headers["X-RateLimit-Remaining"] for v in verdicts] == ["4", "3", "2", "1", "0"]
    first = verdicts[0].headers
    assert first["X-RateLimit-Limit"] == "5"
    assert first["X-RateLimit-Reset-After"] == "5.000"
    assert float(first["X-RateLimit-Reset"]) == pytest.approx(1_800_000_000.0 + 1005.0)
    ticks.t += 2.0
    over = send(rl, 1)
    assert over.limited == "route"
    assert over.body() == {
        "message": "You are being rate limited.",
        "retry_after": 3.0,
        "global": False,
    }
    assert over.headers["X-RateLimit-Scope"] == "user"
    assert over.headers["X-RateLimit-Remaining"] == "0"
    # another channel has its own bucket, with the same bucket hash (as Discord does)
    other = send(rl, 2)
    assert other.limited is None
    assert other.headers["X-RateLimit-Bucket"] == first["X-RateLimit-Bucket"]
    ticks.t += 3.0  # the window is over
    assert send(rl, 1).limited is None
    assert rl.calls["POST /channels/{channel_id}/messages"] == 8
    assert rl.limited["POST /channels/{channel_id}/messages"] == 1
    assert rl.limited_route == 1 and rl.limited_global == 0


def test_reactions_share_one_bucket_per_channel_one_per_quarter_second():
    rl, ticks = limiter()
    path = "/channels/1/messages/9/reactions/%F0%9F%91%8D/@me"
    assert rl.check(*REACT[:1], path, REACT[1]).limited is None
    assert rl.check(UNREACT[0], path, UNREACT[1]).limited == "route"  # same bucket
    assert rl.check(REACT[0], "/channels/2/messages/9/reactions/x/@me", REACT[1]).limited is None
    ticks.t += 0.25
    assert rl.check(UNREACT[0], path, UNREACT[1]).limited is None


def test_member_roles_are_per_guild():
    rl, _ = limiter()
    template = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
    for user in range(10):
        assert rl.check("PUT", f"/guilds/5/members/{user}/roles/7", template).limited is None
    assert rl.check("DELETE", "/guilds/5/members/99/roles/7", template).limited == "route"
    assert rl.check("PUT", "/guilds/6/members/1/roles/7", template).limited is None


def test_global_limit_is_fifty_a_second_and_exempts_interactions():
    rl, ticks = limiter()
    for channel in range(50):  # 50 different buckets: only the global limit applies
        assert send(rl, channel).limited is None
    over = send(rl, 999)
    assert over.limited == "global"
    assert over.body()["global"] is True and 0 < over.body()["retry_after"] <= 1.0
    assert over.headers["X-RateLimit-Global"] == "true"
    assert over.headers["X-RateLimit-Scope"] == "global"
    callback = "/interactions/1/tok/callback"
    template = "/interactions/{interaction_id}/{interaction_token}/callback"
    assert rl.check("POST", callback, template).limited is None
    followup = "/webhooks/1/tok/messages/@original"
    assert (
        rl.check(
            "PATCH", followup, "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
        ).limited
        is None
    )
    ticks.t += 1.0
    assert send(rl, 999).limited is None
    assert rl.limited_global == 1
    report = rl.report()
    assert report["429s"] == 1 and report["calls"] == 54


def test_routes_without_a_rule_only_count():
    rl, _ = limiter(global_per_second=None)
    for _ in range(500):
        v = rl.check("GET", "/guilds/1/roles", "/guilds/{guild_id}/roles")
        assert v.limited is None and v.headers == {}
    assert rl.total_calls == 500 and rl.total_limited == 0


def test_every_rule_names_routes_of_discords_spec():
    from tests.emulator.validate import spec

    paths = spec()["paths"]
    for rule in DISCORD_RULES:
        for method, template in rule.routes:
            assert method.lower() in paths.get(template, {}), (rule.name, method, template)


# -- discord.py against the limits (short windows, so the test stays fast) ------------------


async def test_discord_py_waits_on_the_bucket_headers_and_never_gets_a_429(emulator, guild, bot):
    rl = emulator.enable_rate_limits(
        RateLimiter(rules=(Rule("sends", (SEND,), 2, 0.05, "channel_id"),), global_per_second=None)
    )
    channel = bot.get_partial_messageable(guild.general)
    for n in range(6):
        await channel.send(f"line {n}")
    assert [m["content"] for m in guild.messages(guild.general)][-6:] == [
        f"line {n}" for n in range(6)
    ]
    assert rl.calls["POST /channels/{channel_id}/messages"] == 6
    assert rl.total_limited == 0  # the headers told discord.py when to wait


async def test_discord_py_retries_global_429s_and_everything_arrives(emulator, guild, bot):
    rl = emulator.enable_rate_limits(RateLimiter(rules=(), global_per_second=3, global_window=0.05))
    # The bot's own global pacer (45/s, a burst of 3) would hold the burst under the limit
    # whenever its bucket is low after start-up: the 429s under test would not come.
    bot.global_pacer = Pacer(rate=1e9, burst=10**6)
    channel = bot.get_partial_messageable(guild.general)
    await asyncio.gather(*(channel.send(f"burst {n}") for n in range(8)))
    sent = {m["content"] for m in guild.messages(guild.general)}
    assert {f"burst {n}" for n in range(8)} <= sent
    assert rl.limited_global > 0  # it did hit the limit, and discord.py retried
    assert rl.calls["POST /channels/{channel_id}/messages"] == 8 + rl.limited_global
    statuses = {
        r.status for r in emulator.find_requests("POST", rf"/channels/{guild.general}/messages$")
    }
    assert statuses == {200, 429}

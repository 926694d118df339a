"""Discord-like rate limits for the emulator (off by default; benchmarks turn them on).

Per-route buckets keyed by Discord's *major parameter* (channel, guild, webhook), with the
headers Discord sends (`X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket`), plus the
global limit of 50 requests per second per bot. Over a limit the answer is a 429 whose
JSON carries `retry_after` and `global`, with `X-RateLimit-Scope` (`user`/`global`) and the
`Via` header discord.py checks to tell Discord's 429s from a Cloudflare ban.

Interaction callbacks and interaction webhooks are exempt from the global limit (as on
Discord). Windows are fixed: the first request opens one, it resets `per` seconds later.
The limits Discord does not publish are the commonly observed ones; each is a `Rule`.

Every REST call and every 429 is counted per route template (`calls`, `limited`), and
the 429s per scope (`limited_global`, `limited_route`), for benchmarks.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """`limit` requests per `per` seconds on a bucket shared by `routes`, per major
    parameter (`channel_id`, `guild_id`, `webhook_id`, or none: per bot)."""

    name: str
    routes: tuple[tuple[str, str], ...]  # (METHOD, OpenAPI template)
    limit: int
    per: float
    major: str | None

    @property
    def bucket_hash(self) -> str:
        return hashlib.sha1(self.name.encode()).hexdigest()[:16]


REACTIONS = "/channels/{channel_id}/messages/{message_id}/reactions"

DISCORD_RULES: tuple[Rule, ...] = (
    Rule(
        "message send",
        (("POST", "/channels/{channel_id}/messages"),),
        5,
        5.0,
        "channel_id",
    ),
    Rule(
        "message edit",
        (("PATCH", "/channels/{channel_id}/messages/{message_id}"),),
        5,
        5.0,
        "channel_id",
    ),
    Rule(
        "message delete",
        (("DELETE", "/channels/{channel_id}/messages/{message_id}"),),
        5,
        1.0,
        "channel_id",
    ),
    Rule(
        "reactions",
        (
            ("PUT", REACTIONS + "/{emoji_name}/@me"),
            ("DELETE", REACTIONS + "/{emoji_name}/@me"),
            ("DELETE", REACTIONS + "/{emoji_name}/{user_id}"),
            ("DELETE", REACTIONS + "/{emoji_name}"),
            ("DELETE", REACTIONS),
        ),
        1,
        0.25,
        "channel_id",
    ),
    Rule("reaction users", (("GET", REACTIONS + "/{emoji_name}"),), 5, 1.0, "channel_id"),
    Rule("dm channel", (("POST", "/users/@me/channels"),), 10, 1.0, None),
    Rule(
        "member roles",
        (
            ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"),
            ("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"),
        ),
        10,
        10.0,
        "guild_id",
    ),
    Rule("member edit", (("PATCH", "/guilds/{guild_id}/members/{user_id}"),), 10, 10.0, "guild_id"),
    Rule("channel create", (("POST", "/guilds/{guild_id}/channels"),), 5, 5.0, "guild_id"),
    Rule("channel edit", (("PATCH", "/channels/{channel_id}"),), 5, 5.0, "channel_id"),
    Rule("role create", (("POST", "/guilds/{guild_id}/roles"),), 5, 5.0, "guild_id"),
    Rule(
        "scheduled events",
        (
            ("POST", "/guilds/{guild_id}/scheduled-events"),
            ("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"),
            ("DELETE", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"),
        ),
        5,
        5.0,
        "guild_id",
    ),
)

GLOBAL_PER_SECOND = 50
# Interaction endpoints don't count against (nor are stopped by) the global limit.
GLOBAL_EXEMPT = re.compile(r"^/(interactions/\d+/[^/]+/callback|webhooks/\d+/[^/]+)")


@dataclass
class _Window:
    remaining: int
    resets_at: float


@dataclass
class Verdict:
    """What the limiter says about one request: `status` 429 or None, and headers."""

    headers: dict[str, str]
    limited: str | None = None  # None, "route" or "global"
    retry_after: float = 0.0

    def body(self) -> dict:
        return {
            "message": "You are being rate limited.",
            "retry_after": round(self.retry_after, 3),
            "global": self.limited == "global",
        }


@dataclass
class RateLimiter:
    rules: tuple[Rule, ...] = DISCORD_RULES
    global_per_second: int | None = GLOBAL_PER_SECOND
    global_window: float = 1.0  # seconds (tests shorten it)
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    calls: Counter[str] = field(default_factory=Counter)
    limited: Counter[str] = field(default_factory=Counter)
    limited_global: int = 0
    limited_route: int = 0
    _by_route: dict[tuple[str, str], Rule] = field(default_factory=dict)
    _windows: dict[tuple[str, str], _Window] = field(default_factory=dict)
    _global: _Window | None = None

    def __post_init__(self) -> None:
        for rule in self.rules:
            for method, template in rule.routes:
                self._by_route[(method, template)] = rule

    def rule_for(self, method: str, template: str | None) -> Rule | None:
        return self._by_route.get((method, template or ""))

    def check(self, method: str, path: str, template: str | None) -> Verdict:
        """Count the request and decide: pass (with the bucket's headers) or 429."""
        now = self.clock()
        label = f"{method} {template or path}"
        self.calls[label] += 1
        rule = self.rule_for(method, template)
        window = None
        if rule is not None:
            key = (rule.name, _major(rule, template or "", path))
            window = self._windows.get(key)
            if window is None or now >= window.resets_at:
                window = self._windows[key] = _Window(rule.limit, now + rule.per)
        # the global limit first: a request it stops doesn't use the route's bucket
        if self.global_per_second and not GLOBAL_EXEMPT.match(path):
            g = self._global
            if g is None or now >= g.resets_at:
                g = self._global = _Window(self.global_per_second, now + self.global_window)
            if g.remaining <= 0:
                retry = max(g.resets_at - now, 0.001)
                self.limited[label] += 1
                self.limited_global += 1
                headers = {
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                    "Retry-After": str(max(1, round(retry))),
                }
                return Verdict(headers, "global", retry)
            g.remaining -= 1
        if rule is None or window is None:
            return Verdict({})
        reset_after = max(window.resets_at - now, 0.0)
        if window.remaining <= 0:
            self.limited[label] += 1
            self.limited_route += 1
            headers = self._bucket_headers(rule, 0, reset_after)
            headers["X-RateLimit-Scope"] = "user"
            headers["Retry-After"] = str(max(1, round(reset_after)))
            return Verdict(headers, "route", max(reset_after, 0.001))
        window.remaining -= 1
        return Verdict(self._bucket_headers(rule, window.remaining, reset_after))

    def _bucket_headers(self, rule: Rule, remaining: int, reset_after: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{self.wall() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": rule.bucket_hash,
        }

    # -- figures -------------------------------------------------------------------------------

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def total_limited(self) -> int:
        return self.limited_global + self.limited_route

    def report(self) -> dict:
        return {
            "calls": self.total_calls,
            "429s": self.total_limited,
            "429s_global": self.limited_global,
            "429s_route": self.limited_route,
            "by_route": {k: (self.calls[k], self.limited[k]) for k, _ in self.calls.most_common()},
        }


def _major(rule: Rule, template: str, path: str) -> str:
    if rule.major is None:
        return ""
    names = re.findall(r"\{(\w+)\}", template)
    pattern = re.sub(r"\\\{(\w+)\\\}", r"([^/]+)", re.escape(template))
    m = re.match(f"^{pattern}$", path)
    if m is None:
        return path
    return dict(zip(names, m.groups(), strict=True)).get(rule.major, "")

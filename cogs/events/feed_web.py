"""The calendar feed on the bot's web server (core/web.py): `GET|HEAD /calendar/<secret>.ics`.

The secret is `secrets.token_urlsafe(32)`, shown once to its member; only its SHA-256 is
stored. An unknown or revoked link, and the link of a member who left the server, get the
very same 404. The feed is built through `events.api` with the member's viewer; answers
carry ETag/Last-Modified (304 when unchanged) and Cache-Control, and one link gets at most
60 answers an hour (429 with Retry-After)."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from email.utils import formatdate, parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

import discord

from cogs.events import api, store_calendar
from cogs.events.ratelimit import AnswerLimit
from cogs.groups import api as groups
from core import web as routes
from core.checks import is_admin

if TYPE_CHECKING:
    from aiohttp import web

    from core.bot import HuddleBot

log = logging.getLogger(__name__)

OWNER = "events"
PATH = "/calendar/{token}.ics"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 43 characters
MEMBER_TTL = 60.0  # how long a fetched member (present, roles) is trusted
BODY_CACHE_BYTES = 32 * 2**20  # last feed per link, for apps that poll unconditionally
CACHE_CONTROL = "private, max-age=300"
NOT_FOUND = "No such calendar. Ask the bot for your link with /event calendar."


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_path(token: str) -> str:
    return PATH.replace("{token}", token)


def subscribe_links(https_url: str, name: str) -> dict[str, str]:
    """Where a member adds the feed: Google Calendar, Outlook, and Apple's webcal://."""
    webcal = "webcal://" + https_url.split("://", 1)[1]
    return {
        "Google Calendar": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        "Outlook": (
            "https://outlook.live.com/calendar/0/addfromweb?url="
            + quote(https_url, safe="")
            + "&name="
            + quote(name, safe="")
        ),
        "webcal": webcal,
    }


class CalendarFeed:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.limit = AnswerLimit()
        self._members: dict[tuple[int, int], tuple[float, discord.Member | None]] = {}
        self._bodies: dict[str, tuple[str, bytes]] = {}  # link hash -> (ETag, body)

    # -- links ----------------------------------------------------------------------------

    async def new_link(self, guild_id: int, user_id: int) -> str:
        """A new secret for the member; their older link stops at once. Returns the path."""
        token = secrets.token_urlsafe(32)
        old = await store_calendar.has_link(self.bot.store, guild_id, user_id)
        await store_calendar.replace_link(
            self.bot.store, guild_id, user_id, hash_of(token), self.bot.clock.now()
        )
        if old:
            log.info("calendar link of %s in guild %s reset", user_id, guild_id)
        return feed_path(token)

    async def has_link(self, guild_id: int, user_id: int) -> bool:
        return await store_calendar.has_link(self.bot.store, guild_id, user_id)

    # -- serving --------------------------------------------------------------------------

    def routes(self) -> list[routes.Route]:
        return [routes.get(PATH, self.serve)]  # a GET route answers HEAD too

    async def serve(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web  # only a serving bot loads aiohttp's server (core/web.py)

        token = request.match_info.get("token", "")
        if not TOKEN.fullmatch(token):
            raise web.HTTPNotFound(text=NOT_FOUND)
        token_hash = hash_of(token)
        owner = await store_calendar.link_owner(self.bot.store, token_hash)
        if owner is None:
            raise web.HTTPNotFound(text=NOT_FOUND)
        now = self.bot.clock.now()
        if len(self.limit) > 10_000:
            self.limit.prune(now)
        wait = self.limit.take(token_hash, now)
        if wait:
            raise web.HTTPTooManyRequests(
                text="Too many requests for this calendar; try again later.",
                headers={"Retry-After": str(int(wait + 0.999))},
            )
        viewer = await self.viewer_of(owner.guild_id, owner.user_id)
        if viewer is None:
            raise web.HTTPNotFound(text=NOT_FOUND)
        tag = await api.calendar_tag(self.bot, viewer)
        headers = {
            "ETag": tag.etag,
            "Last-Modified": formatdate(tag.last_modified, usegmt=True),
            "Cache-Control": CACHE_CONTROL,
        }
        if _not_modified(request, tag):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = "text/calendar; charset=utf-8"
        if request.method == "HEAD":
            return web.Response(status=200, headers=headers)
        body = await self._body(token_hash, tag.etag, viewer, owner.guild_id)
        return web.Response(body=body, headers=headers)

    async def _body(
        self, token_hash: str, etag: str, viewer: groups.Viewer, guild_id: int
    ) -> bytes:
        cached = self._bodies.get(token_hash)
        if cached is not None and cached[0] == etag:
            return cached[1]
        body = await api.calendar_feed(self.bot, viewer, self._calendar_name(guild_id))
        self._bodies.pop(token_hash, None)
        while (
            self._bodies
            and sum(len(b) for _, b in self._bodies.values()) + len(body) > BODY_CACHE_BYTES
        ):
            self._bodies.pop(next(iter(self._bodies)))  # the oldest first
        if len(body) <= BODY_CACHE_BYTES:
            self._bodies[token_hash] = (etag, body)
        return body

    def _calendar_name(self, guild_id: int) -> str:
        guild = self.bot.get_guild(guild_id)
        return f"{guild.name} events" if guild else "Huddle events"

    async def viewer_of(self, guild_id: int, user_id: int) -> groups.Viewer | None:
        """The link's member as a viewer, or None when they (or the bot) left the server."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return None
        member = await self._member(guild, user_id)
        if member is None:
            return None
        return groups.Viewer(guild_id, user_id, await self._sees_every_group(member))

    async def _member(self, guild: discord.Guild, user_id: int) -> discord.Member | None:
        """Fetched from Discord (the bot has no member intent, so no leave event tells
        it), trusted for a minute: one REST call per member per minute at most."""
        now = self.bot.clock.now()
        key = (guild.id, user_id)
        cached = self._members.get(key)
        if cached is not None and cached[0] > now - MEMBER_TTL:
            return cached[1]
        try:
            member: discord.Member | None = await guild.fetch_member(user_id)
        except discord.NotFound:
            member = None
        except (discord.HTTPException, OSError) as exc:  # Discord unreachable: ask later
            log.warning("calendar feed: member %s of %s not fetched: %s", user_id, guild.id, exc)
            from aiohttp import web  # serving: loaded already (core/web.py)

            raise web.HTTPServiceUnavailable(headers={"Retry-After": "300"}) from None
        if len(self._members) > 10_000:
            self._members.clear()
        self._members[key] = (now, member)
        return member

    async def _sees_every_group(self, member: discord.Member) -> bool:
        """Managers and admins see every group (as `groups.viewer_of` decides)."""
        if is_admin(member):
            return True
        role_id = await self.bot.config.get(member.guild.id, "manager_role")
        return bool(role_id) and any(r.id == int(role_id) for r in member.roles)

    def forget(self, guild_id: int, user_id: int) -> None:
        self._members.pop((guild_id, user_id), None)


def _not_modified(request: web.Request, tag: api.FeedTag) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    match = request.headers.get("If-None-Match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or tag.etag in tags
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return int(tag.last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


async def link_reply(
    feed: CalendarFeed, guild: discord.Guild, user_id: int, reset: bool
) -> tuple[str, discord.ui.View | None]:
    """`/event calendar [reset]`: the text and link buttons of the ephemeral answer."""
    web_server = feed.bot.web
    if web_server.public_url("/") is None:
        return (
            "Calendar links are not set up on this bot: its owner has not given it a public "
            "address (`PUBLIC_URL`).",
            None,
        )
    if not web_server.serving:
        return (
            "Calendar links are not available right now: the bot's web server is not running "
            "(its owner can check `HTTP_PORT` and the bot's log).",
            None,
        )
    if not reset and await feed.has_link(guild.id, user_id):
        return (
            "You already have a calendar link. It is shown only once, when it is made (the bot "
            "keeps just a fingerprint of it). Lost it? `/event calendar reset:true` makes a new "
            "one, and the old one stops working at once.",
            None,
        )
    url = web_server.public_url(await feed.new_link(guild.id, user_id))
    assert url is not None
    name = f"{guild.name} events"
    links = subscribe_links(url, name)
    view = discord.ui.View()
    for label in ("Google Calendar", "Outlook"):
        view.add_item(discord.ui.Button(label=f"Add to {label}", url=links[label]))
    lines = [
        ("Your new private calendar link" if reset else "Your private calendar link")
        + f" — every event of {discord.utils.escape_markdown(guild.name)} you may see, "
        "the events of your groups included, kept up to date:",
        f"<{url}>",
        f"Apple Calendar: subscribe to `{links['webcal']}`",
        "Keep it to yourself: anyone with it sees what you see. "
        "`/event calendar reset:true` makes a new one and stops this one.",
    ]
    if reset:
        lines.insert(1, "Your old link has stopped working.")
    return "\n".join(lines), view

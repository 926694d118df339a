"""Calendar feeds (docs/rules.md, "Calendar feed"), fetched through a real HTTP client on
127.0.0.1 from the running bot's web server: each member sees the server's events and
their groups', never another group's; the feed follows joining, leaving and leaving the
server; reset revokes; 304/200 with ETag; 429 after 60; both parsers read it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import icalendar
import pytest

from tests.support.calendars import both_parsers
from tests.support.events import button_ids, event_message, make_group, new_channel

PUBLIC = "https://huddle.example.org"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


@pytest.fixture
async def bot(start_bot):
    return await start_bot(http_port=0, public_url=PUBLIC)


async def link_of(user, bot, reset: bool = False) -> str:
    """The member's feed address on the test server (from the ephemeral answer)."""
    options = {"reset": True} if reset else {}
    reply = await user.slash("event calendar", **options)
    assert reply.ephemeral, reply.text
    [url] = re.findall(r"<(https://[^>]+)>", reply.text)
    assert url.startswith(f"{PUBLIC}/calendar/") and url.endswith(".ics")
    return bot.web.url(url.removeprefix(PUBLIC))


async def fetch(http, url: str, **headers: str) -> tuple[int, Any, bytes]:
    async with http.get(url, headers=headers) as resp:
        return resp.status, resp.headers.copy(), await resp.read()  # case-insensitive


def titles(body: bytes) -> set[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


async def world(emulator, guild, bot) -> dict[str, int]:
    """Knitters (Alice leads, Bob) and Chess (Carol leads), a server-wide event and one
    event per group; returns the groups' ids."""
    knit = await new_channel(emulator, guild, "knitters", 0)
    chess = await new_channel(emulator, guild, "chess", 0)
    ids = {
        "Knitters": await make_group(bot, guild, "Knitters", knit, None, guild.alice, [guild.bob]),
        "Chess": await make_group(bot, guild, "Chess", chess, None, guild.carol, []),
    }
    await guild.alice.slash("event create", title="Town hall", when="2026-12-10 18:00")
    made = await guild.alice.slash(
        "event create", title="Knit night", when="2026-12-11 18:00", group="Knitters", where="Cafe"
    )
    assert "Created" in made.text, made.text
    made = await guild.carol.slash(
        "event create", title="Chess club", when="2026-12-12 18:00", group="Chess"
    )
    assert "Created" in made.text, made.text
    return ids


async def test_without_public_url_links_are_not_set_up(emulator, guild, start_bot):
    await start_bot(http_port=0)  # no PUBLIC_URL
    reply = await guild.bob.slash("event calendar")
    assert reply.ephemeral and "not set up" in reply.text


async def test_each_member_sees_exactly_their_events(emulator, guild, bot, http):
    await world(emulator, guild, bot)
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    reply = await guild.bob.slash("event calendar")
    buttons = [b for row in reply.message["components"] for b in row["components"]]
    assert [b["label"] for b in buttons] == ["Add to Google Calendar", "Add to Outlook"]
    assert buttons[0]["url"].startswith(
        "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F"
    )
    assert "webcal://huddle.example.org/calendar/" in reply.text
    again = await guild.bob.slash("event calendar")
    assert "already have a calendar link" in again.text and PUBLIC not in again.text

    expected = {
        "alice": {"Town hall", "Knit night"},  # leader of Knitters
        "carol": {"Town hall", "Chess club"},  # leader of Chess
        "dave": {"Town hall"},  # an outsider
        "manager": {"Town hall", "Knit night", "Chess club"},  # managers see every group
        "admin": {"Town hall", "Knit night", "Chess club"},
    }
    for name, shown in expected.items():
        user = getattr(guild, name)
        status, _, body = await fetch(http, await link_of(user, bot))
        assert status == 200 and titles(body) == shown, name
        listed = await user.slash("event list")  # exactly what /event list shows them
        assert {t for t in ("Town hall", "Knit night", "Chess club") if t in listed.text} == shown


async def test_the_feed_follows_joining_leaving_and_leaving_the_server(
    emulator, guild, bot, http, clock
):
    await world(emulator, guild, bot)
    url = await link_of(guild.bob, bot)
    status, headers, body = await fetch(http, url)
    assert titles(body) == {"Town hall", "Knit night"}
    await guild.carol.slash("group invite", group="Chess", member=guild.bob.id)
    status, headers, body = await fetch(http, url, **{"If-None-Match": headers["ETag"]})
    assert status == 200 and titles(body) == {"Town hall", "Knit night", "Chess club"}
    left = await guild.bob.slash("group leave", group="Knitters")
    assert "You left" in left.text, left.text
    status, headers, body = await fetch(http, url, **{"If-None-Match": headers["ETag"]})
    assert status == 200 and titles(body) == {"Town hall", "Chess club"}  # left the group

    unknown = await fetch(http, bot.web.url("/calendar/" + "A" * 43 + ".ics"))
    del guild.guild.members[guild.bob.id]  # Bob leaves the server (no event: no intent)
    await clock.advance(61)  # what the bot knew of him a minute ago is stale now
    gone = await fetch(http, url)
    assert gone[0] == 404 and gone[2] == unknown[2] and unknown[0] == 404


async def test_reset_revokes_the_old_link_at_once(emulator, guild, bot, http):
    await world(emulator, guild, bot)
    old = await link_of(guild.carol, bot)
    assert (await fetch(http, old))[0] == 200
    new = await link_of(guild.carol, bot, reset=True)
    assert new != old
    revoked, fresh = await fetch(http, old), await fetch(http, new)
    assert revoked[0] == 404 and fresh[0] == 200 and "Chess club" in titles(fresh[2])
    row = await bot.store.fetchone("SELECT token_hash FROM calendar_links")
    assert new.rsplit("/", 1)[1].removesuffix(".ics") not in str(tuple(row))  # only a hash


async def test_304_until_an_edit_then_200_with_a_new_sequence(emulator, guild, bot, http):
    await world(emulator, guild, bot)
    url = await link_of(guild.bob, bot)
    status, headers, body = await fetch(http, url)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    assert headers["Cache-Control"] and headers["Last-Modified"]
    async with http.head(url) as resp:
        assert resp.status == 200 and resp.headers["ETag"] == headers["ETag"]
    unchanged = await fetch(http, url, **{"If-None-Match": headers["ETag"]})
    assert unchanged[0] == 304 and unchanged[2] == b""
    since = await fetch(http, url, **{"If-Modified-Since": headers["Last-Modified"]})
    assert since[0] == 304
    before = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    await guild.alice.slash("event edit", event="Knit night", where="The library")
    status, new_headers, new_body = await fetch(http, url, **{"If-None-Match": headers["ETag"]})
    assert status == 200 and new_headers["ETag"] != headers["ETag"]
    after = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(new_body).walk("VEVENT")}
    assert str(after["Knit night"]["LOCATION"]) == "The library"
    assert after["Knit night"]["UID"] == before["Knit night"]["UID"]
    assert int(after["Knit night"]["SEQUENCE"]) > int(before["Knit night"]["SEQUENCE"])
    assert after["Town hall"]["SEQUENCE"] == before["Town hall"]["SEQUENCE"]

    # The member's own answer is part of their feed (and of its ETag).
    message = event_message(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    status, _, answered = await fetch(http, url, **{"If-None-Match": new_headers["ETag"]})
    assert status == 200
    vevent = next(
        e
        for e in icalendar.Calendar.from_ical(answered).walk("VEVENT")
        if "Your answer" in str(e.get("DESCRIPTION", ""))
    )
    assert "Your answer: Going" in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]).startswith("https://discord.com/channels/")


async def test_cancelled_stays_30_days_marked_cancelled(emulator, guild, bot, http, clock):
    await world(emulator, guild, bot)
    url = await link_of(guild.bob, bot)
    await guild.alice.slash("event cancel", event="Town hall")
    _, _, body = await fetch(http, url)
    status = {
        str(e["SUMMARY"]): str(e["STATUS"])
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }
    assert status == {"Town hall": "CANCELLED", "Knit night": "CONFIRMED"}
    await clock.advance(31 * 86400)
    _, _, body = await fetch(http, url)
    assert "Town hall" not in titles(body)


async def test_429_after_60_answers_an_hour(emulator, guild, bot, http, clock):
    url = await link_of(guild.bob, bot)
    etag = None
    for _ in range(60):
        status, headers, _ = await fetch(http, url, **({"If-None-Match": etag} if etag else {}))
        assert status in (200, 304)
        etag = headers["ETag"]
    status, headers, _ = await fetch(http, url)
    assert status == 429 and 0 < int(headers["Retry-After"]) <= 3600
    other = await link_of(guild.carol, bot)
    assert (await fetch(http, other))[0] == 200  # per link
    await clock.advance(int(headers["Retry-After"]))
    assert (await fetch(http, url))[0] == 200


async def test_a_skipped_and_a_moved_meeting_across_dst_in_the_feed(emulator, guild, bot, http):
    """Thursdays 19:00 Berlin over the start of summer time (28 March 2027): 25 March
    skipped, 1 April moved to Friday 2 April 20:00; both parsers read the feed so."""
    await guild.alice.slash("timezone set", zone="Europe/Berlin")
    await guild.alice.slash(
        "event create", title="Knit night", when="2027-03-18 19:00", repeat="weekly"
    )
    mar25 = int(datetime(2027, 3, 25, 18, tzinfo=UTC).timestamp())
    apr1 = int(datetime(2027, 4, 1, 17, tzinfo=UTC).timestamp())
    await guild.alice.slash("event cancel", event="Knit night", occurrence=str(mar25))
    await guild.alice.slash(
        "event edit", event="Knit night", occurrence=str(apr1), when="2027-04-02 20:00"
    )
    _, _, body = await fetch(http, await link_of(guild.bob, bot))
    since, until = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 16, tzinfo=UTC)
    starts = [o["start"][:16] for o in both_parsers(body, since, until)]
    assert starts == [
        "2027-03-18T18:00",
        "2027-04-02T18:00",
        "2027-04-08T17:00",
        "2027-04-15T17:00",
    ]
    calendar = icalendar.Calendar.from_ical(body)
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == 1  # master + override

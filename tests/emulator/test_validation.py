"""Every bot request is checked against Discord's OpenAPI spec; bad ones are caught."""

from __future__ import annotations

import io

import discord
import pytest
from discord.http import Route

from tests.emulator import validate

pytestmark = pytest.mark.extensions("tests.emulator.testext")

MESSAGES = "/channels/{channel_id}/messages"


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [
        ("POST", MESSAGES, {"content": "hi", "embeds": [{"title": "t", "fields": []}]}),
        ("POST", "/guilds/{guild_id}/roles", {"name": "r", "permissions": "0", "hoist": False}),
        ("PATCH", "/channels/{channel_id}", {"name": "x", "topic": None}),
        (
            "PUT",
            "/channels/{channel_id}/permissions/{overwrite_id}",
            {"allow": "1024", "deny": "0", "type": 0},
        ),
        (
            "POST",
            "/interactions/{interaction_id}/{interaction_token}/callback",
            {"type": 4, "data": {"content": "ok", "flags": 64}},
        ),
    ],
)
def test_known_good_bodies(method, template, body):
    assert validate.validate_body(method, template, "application/json", body) == []


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [
        ("POST", MESSAGES, {"content": 5}),
        ("POST", MESSAGES, {"embeds": "not a list"}),
        ("POST", "/guilds/{guild_id}/roles", {"permissions": [8]}),
        ("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", {"type": "role"}),
        ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", {"type": "x"}),
    ],
)
def test_known_bad_bodies(method, template, body):
    assert validate.validate_body(method, template, "application/json", body)


def test_route_matching_prefers_literal_segments():
    op = validate.find_operation("DELETE", "/channels/1/messages/2/reactions/%F0%9F/@me")
    assert op is not None and op.template.endswith("/@me")
    assert validate.find_operation("GET", "/no/such/route") is None


async def test_bad_body_from_the_bot_is_recorded(emulator, guild, bot):
    route = Route("POST", MESSAGES, channel_id=guild.general)
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(route, json={"content": 5})
    assert err.value.status == 400
    violations = emulator.take_violations()
    assert len(violations) == 1
    assert "content" in violations[0].problem


async def test_multipart_payload_json_is_validated(emulator, guild, bot):
    channel = bot.get_channel(guild.general)
    await channel.send("file", file=discord.File(io.BytesIO(b"BEGIN:VCALENDAR"), filename="e.ics"))
    assert emulator.violations == []
    message = guild.messages(guild.general)[-1]
    assert message["attachments"][0]["filename"] == "e.ics"
    assert emulator.world.attachments[int(message["attachments"][0]["id"])] == b"BEGIN:VCALENDAR"


async def test_unimplemented_route_fails_loudly(emulator, guild, bot):
    with pytest.raises(discord.NotFound):
        await bot.http.request(
            Route("POST", "/channels/{channel_id}/typing", channel_id=guild.general)
        )
    with pytest.raises(discord.NotFound):
        await bot.http.request(Route("GET", "/definitely/not/discord"))
    problems = [v.problem for v in emulator.take_violations()]
    assert problems == [
        "unimplemented route in the emulator",
        "route not in Discord's OpenAPI spec",
    ]

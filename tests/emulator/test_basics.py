"""Emulator self-tests: login, commands, one slash command round trip."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.extensions("tests.emulator.testext")


async def test_bot_logs_in_and_syncs(emulator, guild, bot):
    assert bot.is_ready()
    assert bot.get_guild(guild.id) is not None
    assert emulator.count_requests("PUT", r"/applications/\d+/commands$") == 1
    names = {c["name"] for c in guild.commands()}
    assert {"ping", "emu"} <= names


async def test_slash_roundtrip(guild, bot):
    reply = await guild.alice.slash("ping", text="hello")
    assert reply.content == "pong hello"
    assert not reply.ephemeral
    assert "ping:again" in reply.custom_ids()
    assert guild.messages(guild.general)[-1]["id"] == reply.message["id"]

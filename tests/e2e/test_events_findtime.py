"""Events end to end: a find-a-time poll, voted on and turned into an event."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.events import (
    embed_text,
    event_message,
)


async def test_findtime_to_event(emulator, guild, bot, clock):
    reply = await guild.alice.slash(
        "event findtime",
        title="Planning",
        options="2026-12-05 18:00; 2026-12-04 18:00; 2026-12-06 10:00",
        closes="1d",
    )
    assert "Posted" in reply.text
    poll = guild.messages(guild.general)[-1]
    assert reply.text.endswith(f"/{guild.general}/{poll['id']}")  # the jump link works
    assert list(guild.reactions(int(poll["id"]))) == ["🇦", "🇧", "🇨"]
    assert "<t:" in embed_text(poll)
    for user, emoji in [
        (guild.bob, "🇦"),
        (guild.carol, "🇦"),
        (guild.bob, "🇧"),
        (guild.dave, "🇧"),
        (guild.carol, "🇨"),
    ]:
        await user.react(poll, emoji)
    await clock.advance(86400 + 1)
    await emulator.settle()
    result = guild.messages(guild.general)[-1]
    friday = int(datetime(2026, 12, 4, 18, 0, tzinfo=UTC).timestamp())  # 🇦: earliest of the tie
    assert f"<t:{friday}:F>" in result["content"]
    [create] = [b for row in result["components"] for b in row["components"]]
    refused = await guild.bob.click(result, create["custom_id"])
    assert refused.ephemeral and "Only the poll's creator" in refused.text
    await guild.alice.click(result, create["custom_id"])
    message = event_message(guild)
    assert "Planning" in embed_text(message) and f"<t:{friday}:F>" in embed_text(message)
    assert len(guild.scheduled_events()) == 1

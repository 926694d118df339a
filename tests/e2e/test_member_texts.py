"""What members read (issue 26): the texts of a book-club month as members see them.

Each test drives the bot through the emulator and asserts on the visible text: where
Discord shows a timestamp raw, how an event lists its answers, counts in words, what an
outsider is told, `/help`, join requests, pictures' text alternatives and find-a-time."""

from __future__ import annotations

import re

from tests.support.events import button_ids, event_message
from tests.support.polls import last_poll, quiet

RAW_TIME = re.compile(r"<t:-?\d+(:[tTdDfFR])?>|<t:[-\d:tTdDfFR]*…")
MEETING = 1798743600  # 31 Dec 2026 19:00 UTC


def raw_where_not_rendered(message: dict) -> list[str]:
    """Titles, author names, field names and footers showing a `<t:…>` token."""
    found = []
    for embed in message.get("embeds") or []:
        places = [embed.get("title"), (embed.get("author") or {}).get("name")]
        places += [(embed.get("footer") or {}).get("text")]
        places += [f.get("name") for f in embed.get("fields") or []]
        found += [p for p in places if p and RAW_TIME.search(p)]
    return found


async def use_manager(bot, guild):
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    return guild.manager


# -- 1. raw <t:…> where Discord does not render it


async def test_timestamps_are_written_out_where_discord_shows_them_raw(emulator, guild, bot):
    question = f"Book of the month: what do we pick? (meeting <t:{MEETING}:D>)"
    made = await guild.alice.slash("poll create", question=question, options="Piranesi; Circe")
    assert made.ephemeral, made.text
    await quiet(bot, emulator)
    poll = last_poll(guild)
    assert raw_where_not_rendered(poll) == [], poll["embeds"][0]["title"]
    assert "31 Dec 2026" in poll["embeds"][0]["title"]

    choices = await guild.bob.autocomplete("poll results", "poll", "book")
    assert choices and all(not RAW_TIME.search(c["name"]) for c in choices), choices
    assert "31 Dec 2026" in choices[0]["name"]

    await guild.alice.slash("event create", title=f"Meet <t:{MEETING}:F>", when="friday 7pm")
    assert raw_where_not_rendered(event_message(guild)) == []
    choices = await guild.bob.autocomplete("event info", "event", "meet")
    assert choices and all(not RAW_TIME.search(c["name"]) for c in choices), choices

    manager = await use_manager(bot, guild)
    exported = await manager.slash("insights export")
    for attachment in exported.attachments:
        assert not RAW_TIME.search(attachment["filename"])
        assert not RAW_TIME.search(attachment["content"].decode()), attachment["content"]


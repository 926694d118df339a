"""The article's story end to end, every feature together, as members would live it: a book
club inside a big server gets its own space, votes on the monthly book, meets, and keeps
each other accountable."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.channels import staff_channel
from tests.support.messages import button_id as button
from tests.support.messages import text_of
from tests.support.polls import fast_edits


def find(guild, channel_id: int, needle: str) -> dict:
    for message in reversed(guild.messages(channel_id)):
        if needle in text_of(message):
            return message
    raise AssertionError(f"no message with {needle!r} in channel {channel_id}")


async def test_a_book_club_grows_inside_a_big_server(emulator, guild, bot, clock):
    fast_edits(bot)
    admin, alice, bob, carol = guild.admin, guild.alice, guild.bob, guild.carol
    await admin.slash("config manager-role", role=guild.manager_role_id)
    await admin.slash("config log-channel", channel=staff_channel(emulator, guild))

    # A small private space of its own.
    await alice.slash("group create", name="Book Club", description="One book a month")
    club = guild.channel("book-club")
    assert guild.role("Book Club") is not None
    for member in (bob, carol):
        joined = await member.slash("group join", group="book club")
        assert joined.ephemeral, joined.text
    info = await bob.slash("group info", group="Book Club")
    assert "3" in info.text and "Book Club" in info.text

    # Deciding together: the monthly book vote, in the group's channel.
    await alice.slash(
        "poll create", question="December book?", options="Dune;Emma;Ulysses", group="Book Club"
    )
    poll = find(guild, int(club["id"]), "December book?")
    await alice.react(poll["id"], "🇧")
    await bob.react(poll["id"], "🇧")
    await carol.react(poll["id"], "🇦")
    closed = await alice.slash("poll close", poll="December book?")
    assert closed.ephemeral
    announced = find(guild, int(club["id"]), "Emma")
    assert "Emma" in text_of(announced) and "2 votes" in text_of(guild.message(poll["id"]))

    # Meeting at a time that suits everyone.
    await alice.slash(
        "event create",
        title="Emma discussion",
        when="2026-12-03 18:30",
        group="Book Club",
        remind="1h",
    )
    event = find(guild, int(club["id"]), "Emma discussion")
    await bob.click(event, button(event, "Going"))
    assert "Bob" in text_of(guild.message(event["id"])) or str(bob.id) in text_of(
        guild.message(event["id"])
    )
    start = datetime(2026, 12, 3, 18, 30, tzinfo=UTC).timestamp()
    await clock.set(start - 3600)
    reminder = guild.messages(int(club["id"]))[-1]
    assert f"<@{bob.id}>" in (reminder.get("content") or "")

    # Accountability: a daily check-in; missing it is noticeable.
    scheduled = await alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="20:00"
    )
    assert "scheduled at 20:00" in scheduled.text, scheduled.text
    await clock.set(datetime(2026, 12, 3, 20, 0, tzinfo=UTC).timestamp())
    prompt = find(guild, int(club["id"]), "Check in")
    shown = await bob.click(prompt, button(prompt, "Check in"))
    await bob.submit_modal(shown, {"note": "Read chapters 1-5", "status": "done"})
    await clock.set(datetime(2026, 12, 4, 20, 0, tzinfo=UTC).timestamp())
    summary = find(guild, int(club["id"]), "Missed")
    body = text_of(summary)
    missed = body.split("Missed", 1)[1]
    assert str(alice.id) in missed and str(carol.id) in missed
    assert str(bob.id) not in missed and str(bob.id) in body.split("Missed", 1)[0]
    streak = await bob.slash("checkin streak", group="Book Club")
    assert "%" in streak.text

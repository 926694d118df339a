"""One meeting of a series (docs/rules.md): `/event cancel … occurrence` skips any one meeting,
`/event edit … occurrence` moves one; the rest of the series stays, across a DST change.
The roll-over, the message, the reminders, the scheduled event and the `.ics` export (read
by two parsers) all follow."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.calendars import both_parsers
from tests.support.events import button_ids, embed_text, event_message


def utc(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())


# Thursdays 19:00 Berlin; the clocks go forward on Sunday 28 March 2027.
MAR18, MAR25, APR1, APR8 = (
    utc(2027, 3, 18, 18),
    utc(2027, 3, 25, 18),
    utc(2027, 4, 1, 17),
    utc(2027, 4, 8, 17),
)
APR2_20H = utc(2027, 4, 2, 18)  # Friday 2 April 20:00 CEST


async def _series(guild) -> dict:
    await guild.alice.slash("timezone set", zone="Europe/Berlin")
    await guild.alice.slash(
        "event create", title="Knit night", when="2027-03-18 19:00", repeat="weekly", remind="1h"
    )
    return event_message(guild)


def _choices(found: list[dict]) -> dict[str, str]:
    return {c["name"]: c["value"] for c in found}


async def test_skip_and_move_later_meetings_across_dst(emulator, guild, bot, clock):
    message = await _series(guild)
    offered = _choices(
        await guild.alice.autocomplete("event cancel", "occurrence", "", event="Knit night")
    )
    names = list(offered)
    assert names[:4] == [
        "Thu 18 Mar 2027 19:00",
        "Thu 25 Mar 2027 19:00",
        "Thu 01 Apr 2027 19:00",
        "Thu 08 Apr 2027 19:00",
    ]
    assert offered[names[1]] == str(MAR25)

    skipped = await guild.alice.slash("event cancel", event="Knit night", occurrence=str(MAR25))
    assert skipped.ephemeral and "Cancelled the meeting of" in skipped.text
    moved = await guild.alice.slash(
        "event edit", event="Knit night", occurrence=str(APR1), when="2027-04-02 20:00"
    )
    assert moved.ephemeral and "Updated" in moved.text, moved.text
    posts = [
        m["content"]
        for m in guild.messages(guild.general)
        if "rest of the series" in (m.get("content") or "")
    ]
    assert len(posts) == 2  # the channel was told of both
    after = list(
        _choices(await guild.bob.autocomplete("event edit", "occurrence", "", event="Knit night"))
    )
    assert after[1] == "Thu 25 Mar 2027 19:00 (skipped)"
    assert after[2] == "Thu 01 Apr 2027 19:00 (moved to Fri 02 Apr 20:00)"
    # The current meeting is untouched.
    assert f"<t:{MAR18}:F>" in embed_text(guild.message(int(message["id"])))

    exported = await guild.bob.slash("event export")
    since, until = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 16, tzinfo=UTC)
    starts = [
        o["start"][:16] for o in both_parsers(exported.attachments[0]["content"], since, until)
    ]
    assert starts == [
        "2027-03-18T18:00",
        "2027-04-02T18:00",
        "2027-04-08T17:00",
        "2027-04-15T17:00",
    ]

    # The roll-over honours both: after 18 March comes the moved meeting, not 25 March.
    await clock.set(MAR18 + 3600 + 1)
    await emulator.settle()
    assert f"<t:{APR2_20H}:F>" in embed_text(guild.message(int(message["id"])))
    scheduled = [e for e in guild.scheduled_events() if e["status"] == 1]
    assert [e["scheduled_start_time"][:16] for e in scheduled] == ["2027-04-02T18:00"]
    await guild.bob.click(guild.message(int(message["id"])), button_ids(message)["Going"])
    # The reminder follows the moved meeting: none an hour before 1 April 19:00 …
    await clock.set(APR1 - 3600 + 60)
    await emulator.settle()
    reminders = [m for m in guild.messages(guild.general) if "⏰" in (m.get("content") or "")]
    assert reminders == []
    # … one an hour before 2 April 20:00, pinging Bob.
    await clock.set(APR2_20H - 3600 + 1)
    await emulator.settle()
    reminders = [m for m in guild.messages(guild.general) if "⏰" in (m.get("content") or "")]
    assert len(reminders) == 1 and str(guild.bob.id) in reminders[0]["content"]
    # Then the series is back on its rule: Thursday 19:00 in summer time (DST shifted nothing).
    await clock.set(APR2_20H + 3600 + 1)
    await emulator.settle()
    assert f"<t:{APR8}:F>" in embed_text(guild.message(int(message["id"])))


async def test_move_the_current_meeting_and_refusals(emulator, guild, bot, clock):
    message = await _series(guild)
    await guild.bob.click(message, button_ids(message)["Going"])
    moved = await guild.alice.slash(
        "event edit", event="Knit night", occurrence=str(MAR18), when="2027-03-19 20:00"
    )
    assert "Updated" in moved.text, moved.text
    fri = utc(2027, 3, 19, 19)
    text = embed_text(guild.message(int(message["id"])))
    assert f"<t:{fri}:F>" in text and f"<@{guild.bob.id}>" in text  # same meeting: answers kept
    scheduled = [e for e in guild.scheduled_events() if e["status"] == 1]
    assert [e["scheduled_start_time"][:16] for e in scheduled] == ["2027-03-19T19:00"]
    told = [
        m for m in guild.messages(guild.general) if "rest of the series" in (m.get("content") or "")
    ]
    assert len(told) == 1 and str(guild.bob.id) in told[0]["content"]

    # Refused, each with a clear reply and nothing changed:
    too_late = await guild.alice.slash(
        "event edit", event="Knit night", occurrence=str(MAR25), when="2027-04-02 20:00"
    )
    assert too_late.ephemeral and "stays between" in too_late.text
    whole = await guild.alice.slash(
        "event edit", event="Knit night", occurrence=str(MAR25), title="Other"
    )
    assert "without `occurrence`" in whole.text
    unknown = await guild.alice.slash(
        "event cancel", event="Knit night", occurrence=str(MAR25 + 3600)
    )
    assert "not one of the next meetings" in unknown.text
    not_organiser = await guild.bob.slash("event cancel", event="Knit night", occurrence=str(MAR25))
    assert "Only the event's creator" in not_organiser.text
    await guild.alice.slash("event create", title="Once", when="2027-03-20 10:00")
    once = await guild.alice.slash("event cancel", event="Once", occurrence=str(MAR25))
    assert "not a series" in once.text
    offered = list(
        _choices(
            await guild.alice.autocomplete("event cancel", "occurrence", "", event="Knit night")
        )
    )
    assert offered[0] == "Thu 18 Mar 2027 19:00 (moved to Fri 19 Mar 20:00)"
    assert "skipped" not in " ".join(offered)

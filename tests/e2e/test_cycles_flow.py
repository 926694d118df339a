"""Club cycles end to end through the emulator, in fake time: two whole months of a book
club's rhythm (nominate, vote, pick, meet, the next period), and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.cycles import book_club, button_id, polls_in, posts, settle, start, text_of


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


async def test_two_months_of_a_book_club(guild, bot, emulator, clock):
    # The fake clock starts Tue 1 Dec 2026 12:00 UTC; the server's zone is UTC.
    channel = await book_club(guild, bot)
    started = await start(guild.alice)
    assert started.ephemeral and "Started" in started.text, started.text
    # cycle texts read like people talk, not like settings
    assert "we meet the last Thursday of each month at 19:00 (UTC)" in started.text
    assert "then voting runs 2 days" in started.text, started.text
    announced = posts(guild, channel, "nominations are open")
    assert len(announced) == 1
    said = text_of(announced[0])
    assert "; then voting runs 2 days." in said and "we vote for" not in said, said
    assert "Cycle period" not in said and "One nomination per member" in said
    assert f"<t:{int(at(2026, 12, 31, 19))}:F>" in text_of(announced[0])  # last Thursday of Dec

    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune", note="Frank Herbert")
    await clock.advance(60)
    seconded = await guild.carol.slash("cycle nominate", group="Book Club", pick="  dune ")
    assert "seconded" in seconded.text and "1 seconder" in seconded.text, seconded.text
    await clock.advance(60)
    await guild.alice.slash("cycle nominate", group="Book Club", pick="Emma", note="Jane Austen")
    await clock.advance(60)
    # bob's second nomination replaces his first (per_member 1), through the button's modal
    shown = await guild.bob.click(announced[0], button_id(announced[0], "Nominate"))
    assert shown.modal is not None
    done = await guild.bob.submit_modal(shown, {"pick": "Ulysses", "note": ""})
    assert "replaces" in done.text and "Dune" in done.text, done.text
    status = await guild.carol.slash("cycle status", group="Book Club")
    assert "Nominations open" in status.text and "Ulysses" in status.text and "Dune" in status.text
    assert (
        "We meet the last Thursday of each month at 19:00 (UTC). Nominations stay open 5 days, "
        "then voting runs 2 days." in status.text
    ), status.text
    assert "nominations 5d" not in status.text

    await clock.set(at(2026, 12, 6, 12) + 1)  # the nomination deadline (5 days)
    await settle(bot, emulator)
    ballots = polls_in(guild, channel)
    assert len(ballots) == 1
    poll = ballots[0]
    body = text_of(poll)
    assert body.index("Dune") < body.index("Emma") < body.index("Ulysses")  # most seconded first
    # the ballot shows what /cycle status knows: the note and who nominated each option;
    # the title has no timestamp (Discord shows <t:…> raw there), the description the meeting
    embed = poll["embeds"][0]
    assert embed["title"] == "Book of the month: what do we pick?", embed["title"]
    assert f"We meet <t:{int(at(2026, 12, 31, 19))}:F>" in embed["description"]
    assert f"🇦 Dune — 0 votes\nnominated by <@{guild.carol.id}>" in embed["description"]
    assert (
        f"🇧 Emma — 0 votes\nJane Austen · nominated by <@{guild.alice.id}>"
        in (embed["description"])
    ), embed["description"]
    await guild.bob.react(poll["id"], "🇦")
    await guild.carol.react(poll["id"], "🇦")
    await guild.alice.react(poll["id"], "🇧")
    await settle(bot, emulator)

    await clock.set(at(2026, 12, 8, 12) + 1)  # the vote (2 days) closes
    await settle(bot, emulator)
    picks = posts(guild, channel, "we picked")
    assert len(picks) == 1 and "Dune" in text_of(picks[0]), text_of(picks[0])
    said = picks[0]["embeds"][0]["description"]
    assert "**Dune** won with **2 of 3 votes**, nominated by <@" in said, said
    assert f"We meet <t:{int(at(2026, 12, 31, 19))}:F>" in said
    meeting = posts(guild, channel, "Book of the month: Dune")
    assert len(meeting) == 1
    assert "meeting about" not in text_of(meeting[0])  # no filler description
    # pick day is one announcement followed directly by the event: no "the poll is closed"
    after_ballot = [m for m in guild.messages(channel) if int(m["id"]) > int(poll["id"])]
    assert [m["id"] for m in after_ballot] == [picks[0]["id"], meeting[0]["id"]], [
        text_of(m)[:80] for m in after_ballot
    ]
    assert not posts(guild, channel, "is closed")
    assert "[Closed]" in text_of(guild.message(poll["id"]))
    await guild.bob.click(meeting[0], button_id(meeting[0], "Going"))

    await clock.set(at(2026, 12, 14, 19) + 1)  # the weekly reading check-in names the pick
    await settle(bot, emulator)
    assert posts(guild, channel, "how far are you into Dune")

    await clock.set(at(2026, 12, 31, 20) + 1)  # the meeting ended: period 2 opens
    await settle(bot, emulator)
    second = posts(guild, channel, "nominations are open")
    assert len(second) == 2
    assert f"<t:{int(at(2027, 1, 28, 19))}:F>" in text_of(second[1])  # last Thursday of Jan
    shelf = await guild.carol.slash("cycle history", group="Book Club")
    assert "Dune" in shelf.text and "2 votes" in shelf.text and "1 went" in shelf.text

    await clock.set(at(2027, 1, 7, 20) + 1)  # nobody nominated
    await settle(bot, emulator)
    assert len(posts(guild, channel, "no nominations")) == 1
    assert len(polls_in(guild, channel)) == 1
    await clock.set(at(2027, 1, 28, 19) + 1)  # its meeting slot: period 3 opens
    await settle(bot, emulator)
    third = posts(guild, channel, "nominations are open")
    assert len(third) == 3
    assert f"<t:{int(at(2027, 2, 25, 19))}:F>" in text_of(third[2])
    # nothing was ever announced twice
    assert len(posts(guild, channel, "we picked")) == 1
    assert len(posts(guild, channel, "Book of the month: Dune")) == 1

"""Messages posted before the component router keep working after the upgrade: an event
message with `huddle:rsvp:<event>:<status>` buttons, a check-in prompt with a
`huddle:checkin:<group>` button, and a check-in modal opened as
`huddle:checkin-modal:<group>`.

The emulator holds the messages as Discord would: the bot posts them with today's ids,
then each button's custom id is set back to the old format, which is what a message
posted by the earlier version looks like (Discord keeps a message's components as sent).
"""

from __future__ import annotations

import pytest

from tests.support.checkins import HOUR, book_club, prompts
from tests.support.events import button_ids, event_message

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.events", "cogs.checkins")


def posted_with_old_ids(emulator, message: dict, old_id_of: dict[str, str]) -> dict:
    """Give the stored message's buttons their pre-router custom ids."""
    stored = emulator.world.messages[int(message["id"])]
    for row in stored["components"]:
        for item in row["components"]:
            item["custom_id"] = old_id_of[item["custom_id"]]
    return stored


async def test_old_rsvp_buttons_record_answers(guild, bot, emulator):
    await guild.alice.slash("event create", title="Board games", when="tomorrow 18:00")
    message = event_message(guild)
    event_id = int(await bot.store.fetchval("SELECT id FROM events"))
    old_ids = {f"huddle:events:{s}:{event_id}": f"huddle:rsvp:{event_id}:{s}"
               for s in ("going", "maybe", "cant")}  # fmt: skip
    stored = posted_with_old_ids(emulator, message, old_ids)
    assert button_ids(stored)["Going"] == f"huddle:rsvp:{event_id}:going"
    click = await guild.bob.click(stored, f"huddle:rsvp:{event_id}:going")
    assert click.type == 7, click.text  # the message itself was updated
    # Answering re-renders the message: it now carries today's ids.
    assert (
        button_ids(guild.message(int(message["id"])))["Can't"] == f"huddle:events:cant:{event_id}"
    )
    await guild.carol.click(message, f"huddle:events:cant:{event_id}")
    answers = await bot.store.fetchall(
        "SELECT user_id, status FROM event_rsvps WHERE event_id = ?", (event_id,)
    )
    assert {(r["user_id"], r["status"]) for r in answers} == {
        (guild.bob.id, "going"), (guild.carol.id, "cant"),
    }  # fmt: skip


async def test_old_checkin_button_and_modal_record_a_checkin(guild, bot, emulator, clock):
    gid, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    [prompt] = prompts(guild, channel)
    old_button = f"huddle:checkin:{gid}"
    stored = posted_with_old_ids(emulator, prompt, {f"huddle:checkins:checkin:{gid}": old_button})
    shown = await guild.bob.click(stored, old_button)
    assert shown.modal is not None, shown.text
    # A modal opened by the earlier version, submitted after the upgrade.
    old_modal = {**shown.modal, "custom_id": f"huddle:checkin-modal:{gid}"}
    done = await guild.bob.submit_modal(old_modal, {"note": "Chapter 1", "status": "partial"})
    assert done.ephemeral and "Checked in" in done.text, done.text
    rows = await bot.store.fetchall(
        "SELECT user_id, status, note FROM checkins WHERE group_id = ?", (gid,)
    )
    assert [(r["user_id"], r["status"], r["note"]) for r in rows] == [
        (guild.bob.id, "partial", "Chapter 1")
    ]

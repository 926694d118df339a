"""Who came (docs/rules.md): members present in the group's voice channel for 10
minutes during a group event are marked as having come, across a restart during the
meeting (a stay that began before it still counts); a member who left after 5 minutes is
not; **I'm here** marks anyone else from 30 minutes before the start to the end; the
ended event's message shows who came beside who said Going; a series keeps it per
occurrence; `/event nudge` reaches exactly the members who haven't answered."""

from __future__ import annotations

import pytest

from tests.emulator.voice import set_voice_channel
from tests.support.events import button_ids, embed_text, event_message
from tests.support.groups import create, group_id
from tests.support.restart import restart

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.events")

MINUTE = 60
HOUR = 3600
NUDGE = "haven't answered"


async def voice_club(guild, bot) -> tuple[int, int, int]:
    """Alice leads Book Club (with a voice channel); Bob and Carol are members."""
    r = await create(guild.alice, "Book Club", voice=True)
    assert "Created" in r.text, r.text
    for user in (guild.bob, guild.carol):
        r = await user.slash("group join", group="Book Club")
        assert "joined" in r.text, r.text
    gid = await group_id(bot, "Book Club")
    row = await bot.store.fetchone(
        "SELECT channel_id, voice_channel_id FROM groups WHERE id = ?", (gid,)
    )
    return gid, int(row[0]), int(row[1])


async def meeting(guild, bot, **options) -> tuple[int, int, dict]:
    """A one-hour group event starting in one hour, in the group's voice channel."""
    _, channel, voice = await voice_club(guild, bot)
    r = await guild.alice.slash(
        "event create", title="Chapter talk", when="in 1 hour", group="Book Club", **options
    )
    assert "Created" in r.text, r.text
    return channel, voice, event_message(guild, channel)


def field(message: dict, name: str) -> str:
    for f in message["embeds"][0].get("fields") or []:
        label = f["name"].lstrip("✅❔❌ ")  # answers carry their emoji: `✅ Going (2)`
        if label.startswith(name):
            return f"{label}: {f['value']}"
    raise AssertionError(f"no field {name!r} in {embed_text(message)}")


async def came_ids(bot) -> set[int]:
    rows = await bot.store.fetchall("SELECT user_id FROM event_attendance")
    return {r[0] for r in rows}


async def test_voice_presence_counts_across_a_restart_during_the_meeting(
    guild, bot, start_bot, emulator, clock
):
    _, voice, message = await meeting(guild, bot)
    await guild.bob.click(message, button_ids(message)["Going"])
    await guild.carol.click(message, button_ids(message)["Going"])
    await clock.advance(HOUR + 10 * MINUTE)  # 10 minutes into the meeting
    await guild.carol.join_voice(voice)
    await clock.advance(5 * MINUTE)
    await guild.carol.leave_voice()  # 5 minutes only: not counted
    await clock.advance(30 * MINUTE)  # 45 minutes in
    await guild.bob.join_voice(voice)
    await clock.advance(7 * MINUTE)  # 52 minutes in: the bot restarts
    bot = await restart(bot, start_bot, real_ready=False)
    await emulator.settle()
    await clock.advance(8 * MINUTE + 1)  # the end: Bob was there 15 minutes, 8 since the restart
    await emulator.settle()
    assert await came_ids(bot) == {guild.bob.id}
    ended = guild.message(int(message["id"]))
    assert "Ended" in embed_text(ended)
    came = field(ended, "Came")
    assert came.startswith("Came (1)") and f"<@{guild.bob.id}>" in came
    assert f"<@{guild.carol.id}>" not in came
    going = field(ended, "Going")  # who said Going, beside who came
    assert f"<@{guild.carol.id}>" in going and f"<@{guild.bob.id}>" in going


async def test_voice_changes_while_the_bot_was_down_are_read_from_guild_create(
    guild, bot, start_bot, emulator, clock
):
    _, voice, _ = await meeting(guild, bot)
    await clock.advance(HOUR + 5 * MINUTE)
    await guild.carol.join_voice(voice)
    await clock.advance(5 * MINUTE)
    await bot.close()  # down for 2 minutes: Carol leaves, Bob joins meanwhile
    await set_voice_channel(emulator, guild.guild, guild.carol.id, None)
    await set_voice_channel(emulator, guild.guild, guild.bob.id, voice)
    await clock.advance(2 * MINUTE)
    bot = await start_bot()
    await emulator.settle()
    await clock.advance(48 * MINUTE + 1)  # the end
    await emulator.settle()
    # Bob: there from the restart on (48 min); Carol: 5 min before the stop + 2 unknown.
    assert await came_ids(bot) == {guild.bob.id}


async def test_a_stay_that_began_before_the_start_counts_from_the_start(
    guild, bot, emulator, clock
):
    _, voice, _ = await meeting(guild, bot)
    await clock.advance(55 * MINUTE)
    await guild.bob.join_voice(voice)  # 5 minutes early, then 9 minutes of the meeting
    await clock.advance(14 * MINUTE)
    await guild.bob.leave_voice()
    await guild.carol.join_voice(voice)  # two stays of 6 minutes: 12 in total
    await clock.advance(6 * MINUTE)
    await guild.carol.leave_voice()
    await clock.advance(10 * MINUTE)
    await guild.carol.join_voice(voice)
    await clock.advance(6 * MINUTE)
    await guild.carol.leave_voice()
    await clock.advance(HOUR)
    await emulator.settle()
    assert await came_ids(bot) == {guild.carol.id}


async def test_im_here_button_window(guild, bot, emulator, clock):
    _, _, message = await meeting(guild, bot)
    here = button_ids(message)["I'm here"]
    await clock.advance(29 * MINUTE)  # 31 minutes before the start
    r = await guild.bob.click(message, here)
    assert r.ephemeral and "opens 30 minutes before the start" in r.text, r.text
    assert await came_ids(bot) == set()
    await clock.advance(2 * MINUTE)  # 29 minutes before
    r = await guild.bob.click(message, here)
    assert r.ephemeral and "Marked" in r.text, r.text
    r = await guild.bob.click(message, here)
    assert "already marked" in r.text, r.text
    r = await guild.dave.click(message, here)  # an outsider: nothing of the event
    assert r.ephemeral and "no longer exists" in r.text, r.text
    await clock.advance(HOUR + 29 * MINUTE)  # the end
    await emulator.settle()
    ended = guild.message(int(message["id"]))
    assert all(  # after the end the button can't be pressed
        b["disabled"] for row in ended["components"] for b in row["components"]
    )
    assert await came_ids(bot) == {guild.bob.id}
    came = field(guild.message(int(message["id"])), "Came")
    assert came.startswith("Came (1)") and f"<@{guild.bob.id}>" in came


async def test_a_series_keeps_who_came_per_occurrence(guild, bot, emulator, clock):
    _, voice, message = await meeting(guild, bot, repeat="weekly")
    await guild.bob.click(message, button_ids(message)["Going"])
    await clock.advance(HOUR)
    await guild.carol.join_voice(voice)
    await clock.advance(20 * MINUTE)
    await guild.carol.leave_voice()
    await clock.advance(40 * MINUTE + 1)  # the end: the series moves to next week
    await emulator.settle()
    now = guild.message(int(message["id"]))
    assert f"<@{guild.bob.id}>" in field(now, "Last meeting")  # said Going last time
    assert field(now, "Going").startswith("Going (0)")  # answers start afresh
    came = field(now, "Came")
    assert came.startswith("Came (1)") and f"<@{guild.carol.id}>" in came
    # Next week nobody comes: that occurrence's record is its own.
    await clock.advance(7 * 24 * HOUR)
    await emulator.settle()
    rows = await bot.store.fetchall(
        "SELECT occurrence_start, came FROM event_occurrences_ended ORDER BY occurrence_start"
    )
    assert [r[1] for r in rows] == [1, 0]
    assert field(guild.message(int(message["id"])), "Came").startswith("Came (0)")


async def test_event_nudge_reaches_exactly_who_has_not_answered(guild, bot, emulator, clock):
    channel, _, message = await meeting(guild, bot)
    await guild.bob.click(message, button_ids(message)["Can't"])  # answered
    guild.carol.close_dms()
    emulator.reset_requests()
    r = await guild.bob.slash("event nudge", event="Chapter talk")  # a member: refused
    assert r.ephemeral and "Only the event's creator" in r.text, r.text
    r = await guild.alice.slash("event nudge", event="Chapter talk")
    assert r.ephemeral and "Nudging 2 members" in r.text, r.text
    await clock.advance(1)
    await emulator.settle()
    assert len([m for m in guild.alice.dm_messages() if NUDGE in m["content"]]) == 1
    for user in (guild.bob, guild.carol, guild.dave, guild.manager):
        assert not [m for m in user.dm_messages() if NUDGE in m["content"]], user
    posts = [
        req.json
        for req in emulator.find_requests("POST", rf"/channels/{channel}/messages$")
        if req.json and NUDGE in (req.json.get("content") or "")
    ]
    assert len(posts) == 1
    assert [int(u) for u in posts[0]["allowed_mentions"]["users"]] == [guild.carol.id]
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    await clock.advance(30 * MINUTE)
    r = await guild.manager.slash("event nudge", event="Chapter talk")
    assert r.ephemeral and "less than 12 hours ago" in r.text, r.text


async def test_event_nudge_refuses_server_events(guild, bot):
    await guild.alice.slash("event create", title="Picnic", when="in 2 days")
    r = await guild.alice.slash("event nudge", event="Picnic")
    assert r.ephemeral and "Only a group's events can be nudged" in r.text, r.text


@pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.events", "cogs.insights")
async def test_insights_use_came_and_the_csv_has_both(guild, bot, emulator, clock):
    _, voice, message = await meeting(guild, bot)
    for user in (guild.alice, guild.bob, guild.carol):
        await user.click(message, button_ids(message)["Going"])
    await clock.advance(HOUR)
    await guild.bob.join_voice(voice)
    await clock.advance(HOUR + 1)  # Bob came; Alice and Carol said Going only
    await emulator.settle()
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    r = await guild.alice.slash("insights group", group="Book Club")
    assert "Event attendance: 33% (came)" in r.text, r.text
    assert "Chapter talk: 1 came, 3 going of 3 answered (33% came)" in r.text, r.text
    export = await guild.manager.slash("insights export", group="Book Club")
    rows = export.attachments[0]["content"].decode().splitlines()
    assert any(row.startswith("Book Club,event,Chapter talk,") and ",3,3," in row for row in rows)
    assert any(
        row.startswith("Book Club,event_came,Chapter talk,") and ",1,3," in row for row in rows
    )

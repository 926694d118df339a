"""Check-ins at the edges: members who left the server, a nudge to more than 100
members, and a schedule read overlapping a write."""

from __future__ import annotations

import pytest

from core.pacing import Pacer
from tests.support.checkins import HOUR, book_club, missed_part, summaries
from tests.support.groups import slash

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.checkins")


async def test_a_member_who_left_the_server_frees_the_seat_and_is_not_missed(
    guild, bot, emulator, clock
):
    gid, channel = await book_club(guild, bot)
    r = await slash(guild.alice, "group edit", group="Book Club", max_members=3)
    assert "max members: 3" in r.text, r.text
    r = await guild.dave.slash("group join", group="Book Club")
    assert "full" in r.text
    await guild.dave.click(r, r.custom_ids()[0])  # join the waitlist
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    del guild.guild.members[guild.bob.id]  # Bob leaves the server (no event: no intent)
    await clock.advance(24 * HOUR)  # the summary asks Discord who is still here
    await emulator.settle()
    posted = summaries(guild, channel)
    assert len(posted) == 1
    assert f"<@{guild.bob.id}>" not in missed_part(posted[0])
    assert f"<@{guild.carol.id}>" in missed_part(posted[0])
    members = await bot.store.fetchall(
        "SELECT user_id FROM group_members WHERE group_id = ?", (gid,)
    )
    ids = {row[0] for row in members}
    assert guild.bob.id not in ids and guild.dave.id in ids  # the waitlist moved up
    assert (
        await bot.store.fetchval(
            "SELECT COUNT(*) FROM group_departures WHERE group_id = ? AND user_id = ?",
            (gid, guild.bob.id),
        )
        == 1
    )
    assert any("you're in" in m["content"] for m in guild.dave.dm_messages())


async def test_kick_names_a_user_who_left_the_server(guild, bot):
    gid, _ = await book_club(guild, bot)
    del guild.guild.members[guild.carol.id]
    r = await guild.alice.slash("group kick", group="Book Club", member=guild.carol)
    assert "removed" in r.text, r.text
    assert not await bot.store.fetchval(
        "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?", (gid, guild.carol.id)
    )


async def test_a_channel_nudge_to_150_members_mentions_at_most_100_per_message(
    guild, bot, emulator, clock
):
    gid, channel = await book_club(guild, bot)
    bot.dm_pacer = Pacer(rate=1e9, burst=10**6)  # pacing is measured in tests/bench
    bot.global_pacer = Pacer(rate=1e9, burst=10**6)  # ~300 requests: not 45/s here either
    people = [guild.add_member(f"reader{i}") for i in range(150)]
    for person in people:
        person.close_dms()
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
            " VALUES (?, ?, ?, 0, 0)",
            [(guild.id, gid, p.id) for p in people],
        )
    await guild.alice.slash(
        "checkin schedule", group="Book Club", cadence="daily", time="18:00", nudge=2
    )
    await clock.advance(5 * HOUR)
    await emulator.settle()
    emulator.reset_requests()
    await clock.advance(22 * HOUR)
    await clock.advance(1)  # the batches are spread at the DM pace (here: microseconds)
    await emulator.settle()
    bodies = [
        r.json
        for r in emulator.find_requests("POST", rf"/channels/{channel}/messages$")
        if r.json and "haven't checked in" in (r.json.get("content") or "")
    ]
    assert bodies and all(len(b["allowed_mentions"]["users"]) <= 100 for b in bodies)
    assert all(len(b["content"]) <= 2000 for b in bodies)
    mentioned = [int(u) for b in bodies for u in b["allowed_mentions"]["users"]]
    assert sorted(mentioned) == sorted(p.id for p in people)  # each once, nobody lost
    # The fan-out ran as batch jobs under one key of their own, not inside the group's job.
    assert (
        await bot.store.fetchval("SELECT COUNT(*) FROM jobs WHERE kind LIKE 'checkin.nudge%'") == 0
    )

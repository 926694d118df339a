"""Who hasn't voted (docs/rules.md, "Who hasn't answered"): `/poll nudge` DMs exactly the
group's members who have not voted, mentions those whose DMs are closed in one channel
message (≤100 mentions, pinging only them), at most once per poll per 12 hours; the `nudge`
option of `/poll create` and a cycle's ballot do it by themselves."""

from __future__ import annotations

import pytest

from core.pacing import Pacer
from tests.support.checkins import book_club
from tests.support.polls import last_poll, quiet

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")

HOUR = 3600
NUDGE = "haven't voted yet"


def nudge_dms(user) -> list[dict]:
    return [m for m in user.dm_messages() if NUDGE in (m.get("content") or "")]


def channel_nudges(emulator, channel: int) -> list[dict]:
    """The bodies of the bot's nudge posts in the channel."""
    return [
        r.json
        for r in emulator.find_requests("POST", rf"/channels/{channel}/messages$")
        if r.json and NUDGE in (r.json.get("content") or "")
    ]


async def group_poll(guild, bot, emulator, **options) -> tuple[int, int, dict]:
    gid, channel = await book_club(guild, bot)
    r = await guild.alice.slash(
        "poll create", question="Next book?", options="Dune;Emma", group="Book Club", **options
    )
    assert "posted" in r.text, r.text
    message = last_poll(guild, channel)
    assert message is not None
    await quiet(bot, emulator)
    return gid, channel, message


async def test_nudge_reaches_exactly_the_members_who_have_not_voted(guild, bot, emulator, clock):
    _, channel, message = await group_poll(guild, bot, emulator)
    await guild.bob.react(message["id"], "🇦")  # Bob voted
    guild.carol.close_dms()  # Carol hasn't, and her DMs are closed
    await quiet(bot, emulator)
    emulator.reset_requests()
    r = await guild.alice.slash("poll nudge", poll="Next book?")
    assert r.ephemeral and "Nudging 2 members" in r.text, r.text
    await clock.advance(1)
    await quiet(bot, emulator)
    assert len(nudge_dms(guild.alice)) == 1  # the creator hasn't voted either
    assert nudge_dms(guild.bob) == []
    assert nudge_dms(guild.carol) == []
    for outsider in (guild.dave, guild.manager, guild.owner):
        assert nudge_dms(outsider) == []  # nobody outside the group
    posts = channel_nudges(emulator, channel)
    assert len(posts) == 1  # one fallback message for the closed DMs
    assert [int(u) for u in posts[0]["allowed_mentions"]["users"]] == [guild.carol.id]
    assert f"<@{guild.carol.id}>" in posts[0]["content"]
    assert f"<@{guild.alice.id}>" not in posts[0]["content"]  # DM'd: never both
    assert not posts[0]["allowed_mentions"].get("parse")


async def test_not_twice_within_12_hours_and_says_when(guild, bot, emulator, clock):
    await group_poll(guild, bot, emulator, closes="3d")
    r = await guild.alice.slash("poll nudge", poll="Next book?")
    assert "Nudging 3 members" in r.text, r.text
    await clock.advance(1)
    await quiet(bot, emulator)
    await clock.advance(11 * HOUR)
    r = await guild.alice.slash("poll nudge", poll="Next book?")  # a leader, 11 h later
    assert r.ephemeral and "less than 12 hours ago" in r.text, r.text
    assert "<t:" in r.text  # when the next is possible
    await clock.advance(1)
    await quiet(bot, emulator)
    assert len(nudge_dms(guild.bob)) == 1
    await clock.advance(HOUR)  # 12 h after the first
    r = await guild.alice.slash("poll nudge", poll="Next book?")
    assert "Nudging 3 members" in r.text, r.text
    await clock.advance(1)
    await quiet(bot, emulator)
    assert len(nudge_dms(guild.bob)) == 2


async def test_refusals_are_clear_and_ephemeral(guild, bot, emulator, clock):
    await group_poll(guild, bot, emulator)
    r = await guild.bob.slash("poll nudge", poll="Next book?")  # a member, not a runner
    assert r.ephemeral and "Only the poll's creator" in r.text, r.text
    r = await guild.dave.slash("poll nudge", poll="Next book?")  # an outsider: no such poll
    assert r.ephemeral and "There is no poll" in r.text, r.text
    await guild.alice.slash("poll create", question="Picnic?", options="Sat;Sun")
    r = await guild.alice.slash("poll nudge", poll="Picnic?")
    assert r.ephemeral and "Only a group's polls can be nudged" in r.text, r.text
    await guild.alice.slash("poll close", poll="Next book?")
    r = await guild.alice.slash("poll nudge", poll="Next book?")
    assert r.ephemeral and "closed" in r.text, r.text
    await clock.advance(1)
    await quiet(bot, emulator)
    assert all(nudge_dms(u) == [] for u in (guild.alice, guild.bob, guild.carol))
    assert await bot.store.fetchval("SELECT COUNT(*) FROM nudge_rounds") == 0


async def test_closed_dms_of_150_members_make_messages_of_at_most_100_mentions(
    guild, bot, emulator, clock
):
    gid, channel, _ = await group_poll(guild, bot, emulator)
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
    emulator.reset_requests()
    r = await guild.alice.slash("poll nudge", poll="Next book?")
    assert "Nudging 153 members" in r.text, r.text
    await clock.advance(1)
    await quiet(bot, emulator)
    posts = channel_nudges(emulator, channel)
    # Two batches of ≤100 members; 2,000 characters hold ~86 mentions: 3 messages.
    assert len(posts) == 3
    assert all(len(p["allowed_mentions"]["users"]) <= 100 for p in posts)
    assert all(len(p["content"]) <= 2000 for p in posts)
    mentioned = [int(u) for p in posts for u in p["allowed_mentions"]["users"]]
    assert sorted(mentioned) == sorted(p.id for p in people)  # each once, nobody lost


async def test_the_nudge_option_nudges_by_itself_before_the_close(guild, bot, emulator, clock):
    _, _, message = await group_poll(guild, bot, emulator, closes="2d", nudge=6)
    await guild.bob.react(message["id"], "🇧")
    await quiet(bot, emulator)
    await clock.advance(41 * HOUR)  # 7 h before the close
    await quiet(bot, emulator)
    assert nudge_dms(guild.alice) == [] and nudge_dms(guild.carol) == []
    await clock.advance(HOUR + 1)  # 6 h before
    await clock.advance(1)
    await quiet(bot, emulator)
    assert len(nudge_dms(guild.alice)) == 1 and len(nudge_dms(guild.carol)) == 1
    assert nudge_dms(guild.bob) == []
    # The scheduled round counts: a leader's nudge within 12 h of it is refused.
    r = await guild.alice.slash("poll nudge", poll="Next book?")
    assert "less than 12 hours ago" in r.text, r.text


async def test_the_nudge_option_needs_a_group_poll_with_a_close(guild, bot, emulator):
    await book_club(guild, bot)
    r = await guild.alice.slash("poll create", question="Q?", options="a;b", nudge=3)
    assert r.ephemeral and "group polls" in r.text, r.text
    r = await guild.alice.slash(
        "poll create", question="Q?", options="a;b", group="Book Club", nudge=3
    )
    assert r.ephemeral and "closes" in r.text, r.text
    r = await guild.alice.slash(
        "poll create", question="Q?", options="a;b", group="Book Club", closes="2h", nudge=3
    )
    assert r.ephemeral and "less than 3 hours" in r.text, r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM polls") == 0

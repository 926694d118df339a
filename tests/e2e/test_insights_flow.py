"""Insights through the whole bot: /insights group|server|export pictures (decoded) and the
figures beside them against the data the test wrote; privacy; weeks range; the Monday
digest (durable, once a week, off means off); the streak heatmap."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.channels import staff_channel
from tests.support.insights import (
    DAY,
    WEEK,
    add_event,
    add_group,
    add_period,
    add_poll,
    decode,
    one_picture,
)
from tests.support.restart import restart, until_ready

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.checkins", "cogs.insights")

BIG = [10**15 + i for i in range(1000)]


async def world(guild, bot) -> dict[str, int]:
    """Book Club (Alice leads; Bob, Carol), Solo (Dave alone), Quiet (no activity ever),
    Big (1,000 members, check-ins fell from 60% to 20% in the last 4 weeks)."""
    now = bot.clock.now()
    old = now - 20 * WEEK
    ids = {
        "book": await add_group(bot, guild, "Book Club", [guild.alice.id, guild.bob.id, guild.carol.id], old),
        "solo": await add_group(bot, guild, "Solo", [guild.dave.id], old),
        "quiet": await add_group(bot, guild, "Quiet", [guild.owner.id, guild.admin.id], old),
        "big": await add_group(bot, guild, "Big", BIG, old),
    }  # fmt: skip
    book = ids["book"]
    await add_period(bot, guild, book, now - 2 * WEEK, [guild.bob.id, guild.carol.id])
    await add_period(bot, guild, book, now - WEEK, [guild.bob.id])
    going = {guild.bob.id: "going", guild.carol.id: "going", guild.alice.id: "cant"}
    await add_event(bot, guild, book, "Picnic", now - 3 * DAY, going)
    await add_poll(bot, guild, book, "Next book?", now - 2 * DAY, [guild.bob.id, guild.carol.id])
    await add_period(bot, guild, ids["solo"], now - WEEK, [guild.dave.id])
    for k in range(12, 0, -1):
        await add_period(bot, guild, ids["big"], now - k * WEEK, BIG[: 600 if k > 4 else 200])
    return ids


async def manager(guild, bot):
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    return guild.manager


async def test_group_picture_and_its_figures(guild, bot):
    await world(guild, bot)
    r = await guild.alice.slash("insights group", group="Book Club")
    assert r.ephemeral
    one_picture(r, "insights-group.png")
    for line in (
        "Members: 3",
        "Check-in completion: 50%",
        "Event attendance: 67%",
        "Poll participation: 67%",
        "Last activity: yesterday",
        "1/3 (33%)",
        "2/3 (67%)",
        "Picnic: 2 going of 3 answered (67%)",
        "Next book?: 2/3 voted (67%)",
    ):
        assert line in r.text, (line, r.text)
    assert "Needs attention" not in r.text


async def test_one_member_no_activity_and_a_thousand_members(guild, bot):
    await world(guild, bot)
    m = await manager(guild, bot)
    solo = await m.slash("insights group", group="Solo")
    one_picture(solo, "insights-group.png")
    assert "Members: 1" in solo.text and "Check-in completion: 100%" in solo.text
    quiet = await m.slash("insights group", group="Quiet", weeks=4)
    one_picture(quiet, "insights-group.png")
    assert "last 4 weeks" in quiet.text and "Last activity: never" in quiet.text
    assert "no check-ins" in quiet.text and "no events" in quiet.text and "no polls" in quiet.text
    assert "Needs attention: no activity since it was created 140 days ago" in quiet.text
    big = await m.slash("insights group", group="Big")
    one_picture(big, "insights-group.png")
    assert "Members: 1000" in big.text
    assert "Check-in completion: 47%" in big.text  # 5,600 of 12,000
    assert "check-ins fell from 60% to 20% in the last 4 weeks" in big.text


async def test_server_picture_attention_first(guild, bot):
    await world(guild, bot)
    m = await manager(guild, bot)
    r = await m.slash("insights server")
    assert r.ephemeral
    one_picture(r, "insights-server.png")
    assert "4 groups, 1006 memberships; 2 need attention." in r.text, r.text
    urgent = r.text.index("Needing attention")
    quiet, big = r.text.index("⚠ Quiet: 2 members"), r.text.index("⚠ Big: 1000 members")
    assert urgent < quiet < big, r.text  # the longer quiet first
    assert "no activity since it was created 140 days ago" in r.text
    assert "Solo: 1 member," in r.text and "Book Club: 3 members" in r.text
    assert "⚠ Solo" not in r.text and "⚠ Book Club" not in r.text


async def test_export_csv_has_the_same_figures(guild, bot):
    await world(guild, bot)
    m = await manager(guild, bot)
    r = await m.slash("insights export")
    [attachment] = r.attachments
    assert attachment["filename"] == "insights.csv" and r.ephemeral
    rows = list(csv.reader(io.StringIO(attachment["content"].decode("utf-8"))))
    assert rows[0] == ["group", "figure", "item", "date", "value", "out_of", "percent"]
    assert ["Big", "members", "", "", "1000", "", ""] in rows
    picnic = [x for x in rows if x[1] == "event"]
    assert [(x[0], x[2], x[4], x[5], x[6]) for x in picnic] == [
        ("Book Club", "Picnic", "2", "3", "66.7")
    ]
    polls = [(x[0], x[4], x[5]) for x in rows if x[1] == "poll"]
    assert polls == [("Book Club", "2", "3")]
    one = await m.slash("insights export", group="Solo")
    solo = list(csv.reader(io.StringIO(one.attachments[0]["content"].decode())))
    assert {x[0] for x in solo[1:]} == {"Solo"}


async def test_privacy_and_who_may_ask(guild, bot):
    await world(guild, bot)
    missing = await guild.dave.slash("insights group", group="Nothing Here")
    assert missing.ephemeral and "There is no group called" in missing.text
    outsider = await guild.dave.slash("insights group", group="Book Club")
    assert outsider.ephemeral and not outsider.attachments
    # leaders-only, as every feature's leader actions say (groups.api.group_for)
    assert "Only leaders of **Book Club**" in outsider.text, outsider.text
    other = await guild.alice.slash("insights group", group="Big")  # a leader of another group
    assert not other.attachments and "Only leaders of **Big**" in other.text
    member = await guild.bob.slash("insights group", group="Book Club")
    assert member.ephemeral and not member.attachments and "Only leaders" in member.text
    for command in ("insights server", "insights export"):
        r = await guild.alice.slash(command)
        assert r.ephemeral and not r.attachments
        assert "Only community managers and admins" in r.text, r.text
    admin = await guild.admin.slash("insights group", group="Big")  # admins see all
    assert "Members: 1000" in admin.text


async def test_weeks_out_of_range_is_refused_with_the_range(guild, bot):
    await world(guild, bot)
    for weeks in (0, 53, -1):
        r = await guild.alice.slash("insights group", group="Book Club", weeks=weeks)
        assert r.ephemeral and not r.attachments and "between 1 and 52" in r.text, r.text
    r = await guild.admin.slash("insights server", weeks=100)
    assert "between 1 and 52" in r.text and not r.attachments


async def test_feature_off(guild, bot):
    await world(guild, bot)
    await guild.admin.slash("config feature", feature="insights", enabled=False)
    r = await guild.admin.slash("insights server")
    assert "off" in r.text and not r.attachments


def digests(guild) -> list[dict]:
    """Digests posted in any text channel (the digest channel is a staff-only one)."""
    return [
        m
        for c in guild.channels()
        if c.get("type") == 0
        for m in guild.messages(int(c["id"]))
        if "Weekly insights" in m["content"]
    ]


def next_monday_9(now: float) -> float:
    d = datetime.fromtimestamp(now, UTC)
    monday = (d - timedelta(days=d.weekday())).replace(hour=9, minute=0, second=0, microsecond=0)
    while monday.timestamp() <= now:
        monday += timedelta(weeks=1)
    return monday.timestamp()


async def test_monday_digest_once_a_week_until_turned_off(guild, emulator, bot, clock):
    await world(guild, bot)
    staff = staff_channel(emulator, guild, "staff")
    r = await guild.admin.slash("config insights", digest_channel=staff)
    assert "Monday digest channel" in r.text and f"<#{staff}>" in r.text, r.text
    shown = await guild.admin.slash("config show")
    assert "Monday digest channel" in shown.text
    monday = next_monday_9(bot.clock.now())
    await clock.advance(monday - bot.clock.now() - 60)
    assert digests(guild) == []  # not before 09:00
    await clock.advance(120)
    [post] = digests(guild)
    assert "2 groups need attention" in post["content"]
    assert post["content"].index("Quiet") < post["content"].index("Big")
    assert "Big: 1000 members" in post["content"] and "check-ins fell from" in post["content"]
    assert "Book Club: 3 members" in post["content"]  # every group, one line each
    [att] = post["attachments"]
    assert att["filename"] == "insights-server.png"
    assert att["description"].startswith("Server insights, last 12 weeks, 4 groups.")
    await clock.advance(DAY)
    assert len(digests(guild)) == 1  # once a week
    await clock.advance(6 * DAY)
    assert len(digests(guild)) == 2
    r = await guild.admin.slash("config insights", digest=False)
    await clock.advance(WEEK)
    assert len(digests(guild)) == 2  # off stops it
    await guild.admin.slash("config insights", digest_channel=staff)
    await guild.admin.slash("config feature", feature="insights", enabled=False)
    await clock.advance(WEEK)
    assert len(digests(guild)) == 2  # the feature off posts nothing
    await guild.admin.slash("config feature", feature="insights", enabled=True)
    await bot.scheduler.run_due()
    assert len(digests(guild)) == 3  # the Monday that fell due meanwhile, once
    await clock.advance(WEEK)
    assert len(digests(guild)) == 4
    jobs = await bot.scheduler.pending("insights.digest")
    assert len(jobs) == 1  # never more than one pending


async def test_digest_across_a_restart_neither_skips_nor_repeats(
    guild, emulator, bot, start_bot, clock
):
    await world(guild, bot)
    staff = staff_channel(emulator, guild, "staff")
    await guild.admin.slash("config insights", digest_channel=staff)
    monday = next_monday_9(bot.clock.now())
    await bot.close()
    await clock.advance(monday - bot.clock.now() + 3600)  # Monday passes while down
    bot = await restart(bot, start_bot)  # real ready timing
    await until_ready(bot)  # the scheduler's gate: the overdue digest runs then
    await clock.advance(1)
    assert len(digests(guild)) == 1
    bot = await restart(bot, start_bot)  # a second restart the same week posts nothing more
    await until_ready(bot)
    await clock.advance(60)
    assert len(digests(guild)) == 1
    assert len(await bot.scheduler.pending("insights.digest")) == 1


async def test_streak_shows_the_heatmap(guild, bot):
    await world(guild, bot)
    r = await guild.bob.slash("checkin streak", group="Book Club")
    assert r.ephemeral and "current streak" in r.text, r.text
    [att] = r.attachments
    im = decode(att["content"])
    assert im.size[0] == 1000
    assert "2 check-ins on 2 days in the last 26 weeks" in r.text, r.text


async def test_a_digest_cut_off_after_posting_is_not_posted_twice(
    guild, emulator, bot, clock, monkeypatch
):
    """The digest is sent with a nonce recorded before sending: the job dying between the
    post and noting its Monday reruns with the same nonce, and Discord (the emulator)
    answers with the digest already posted."""
    await world(guild, bot)
    staff = staff_channel(emulator, guild, "staff")
    await guild.admin.slash("config insights", digest_channel=staff)
    original = type(bot.config).set
    died: list[str] = []

    async def set_then_die(self, guild_id, key, value):
        if key == "insights.digest_last" and not died:
            died.append(key)
            raise RuntimeError("the process died before noting the Monday")
        return await original(self, guild_id, key, value)

    monkeypatch.setattr(type(bot.config), "set", set_then_die)
    monday = next_monday_9(bot.clock.now())
    await clock.advance(monday - bot.clock.now() + 60)
    assert died and len(digests(guild)) == 1
    await clock.advance(120)  # the failed job's retry
    assert len(digests(guild)) == 1
    assert await bot.config.get(guild.id, "insights.digest_last")

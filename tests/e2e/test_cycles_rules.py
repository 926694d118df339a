"""Who may do what with a cycle, privacy, the feature switch and the refusals."""

from __future__ import annotations

from tests.support.cycles import book_club, posts, start


async def test_leaders_start_members_nominate_outsiders_see_nothing(guild, bot, emulator):
    channel = await book_club(guild, bot)
    refused = await start(guild.bob)
    assert refused.ephemeral and "Only leaders" in refused.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM cycles") == 0
    await start(guild.alice)
    again = await start(guild.alice)
    assert again.ephemeral and "already runs a cycle" in again.text
    for command in ("cycle status", "cycle history"):
        r = await guild.dave.slash(command, group="Book Club")
        assert r.ephemeral and "for the members of **Book Club**" in r.text, r.text
    r = await guild.dave.slash("cycle nominate", group="Book Club", pick="Dune")
    assert "for the members of **Book Club**" in r.text and "/group join" in r.text
    r = await guild.bob.slash("cycle advance", group="Book Club")
    assert "Only leaders" in r.text
    pinged = await guild.bob.slash("cycle nominate", group="Book Club", pick="@everyone <@&1>")
    assert pinged.ephemeral
    assert len(posts(guild, channel, "nominations are open")) == 1


async def test_refusals_name_the_rule_and_make_nothing(guild, bot, emulator):
    await book_club(guild, bot)
    cases = [
        ({"nominate": "40d"}, "between 1h and 4w"),
        (
            {"meet": "thursday 19:00", "cadence": "weekly", "nominate": "5d", "vote": "3d"},
            "longer than the weekly cadence",
        ),
        (
            {"meet": "thursday 19:00", "cadence": "weekly", "nominate": "6d", "vote": "1d"},
            "inside the nomination or vote window",
        ),
        ({"meet": "whenever"}, "meeting slot"),
        ({"per_member": 9}, "between 1 and 5"),
    ]
    for options, needle in cases:
        r = await start(guild.alice, **options)
        assert r.ephemeral and needle in r.text, (options, r.text)
    assert await bot.store.fetchval("SELECT COUNT(*) FROM cycles") == 0


async def test_advance_and_stop(guild, bot, emulator, clock):
    channel = await book_club(guild, bot)
    await start(guild.alice)
    await guild.bob.slash("cycle nominate", group="Book Club", pick="Dune")
    await guild.carol.slash("cycle nominate", group="Book Club", pick="Emma")
    r = await guild.alice.slash("cycle advance", group="Book Club")
    assert "voting closes" in r.text, r.text
    stopped = await guild.alice.slash("cycle stop", group="Book Club")
    assert "Stopped" in stopped.text and "closed its open poll" in stopped.text
    assert await bot.store.fetchval("SELECT status FROM polls") == "closed"
    assert await bot.store.fetchval("SELECT COUNT(*) FROM jobs WHERE key LIKE 'cycle:%'") == 0
    status = await guild.bob.slash("cycle status", group="Book Club")
    assert "stopped" in status.text
    assert not posts(guild, channel, "we picked")


async def test_feature_off(guild, bot, emulator):
    await book_club(guild, bot)
    await guild.admin.slash("config feature", feature="cycles", enabled=False)
    r = await start(guild.alice)
    assert r.ephemeral and "**off**" in r.text

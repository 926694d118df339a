"""A group is private, for check-ins: the read paths go through the groups privacy filter
(an outsider is told a group is for its members and how to join, and sees none of it), and
the Check in button and modal only act on a group of the server they are pressed in."""

from __future__ import annotations

import pytest

from tests.support.checkins import HOUR, book_club, button_id, prompts

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.checkins")


def _members_only(private: str, name: str) -> None:
    """Told truthfully the group is for its members and how to join; none of its
    check-ins."""
    assert f"for the members of **{name}**" in private and "/group join" in private, private
    assert "read 30 pages" not in private


async def test_an_outsider_sees_no_board_or_streak_of_a_private_group(guild, bot):
    await book_club(guild, bot)
    await guild.bob.slash("checkin log", group="Book Club", note="read 30 pages")
    missing = await guild.dave.slash("checkin board", group="Nothing Here")
    assert missing.ephemeral and "There is no group called" in missing.text
    board = await guild.dave.slash("checkin board", group="Book Club")
    assert board.ephemeral
    _members_only(board.text, "Book Club")
    streak = await guild.dave.slash("checkin streak", member=guild.bob, group="Book Club")
    assert streak.ephemeral
    _members_only(streak.text, "Book Club")
    # Without a group: the outsider learns nothing of Bob's private groups.
    streak = await guild.dave.slash("checkin streak", member=guild.bob)
    assert streak.ephemeral and "Book Club" not in streak.text, streak.text
    # Members, and managers, do see them.
    assert (
        "Check-in board — Book Club"
        in (await guild.carol.slash("checkin board", group="Book Club")).text
    )
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    r = await guild.manager.slash("checkin streak", member=guild.bob, group="Book Club")
    assert "Book Club" in r.text and "current streak" in r.text, r.text


async def test_goal_list_of_another_member_shows_only_visible_groups(guild, bot):
    await book_club(guild, bot)
    await guild.bob.slash("goal set", group="Book Club", text="Finish Dune")
    r = await guild.dave.slash("goal list", member=guild.bob)
    assert "Finish Dune" not in r.text and "Book Club" not in r.text, r.text
    r = await guild.carol.slash("goal list", member=guild.bob)
    assert "Finish Dune" in r.text and "Book Club" in r.text, r.text


async def test_group_autocomplete_offers_only_visible_groups(guild, bot):
    await book_club(guild, bot)
    for command in ("checkin board", "checkin streak"):
        assert await guild.dave.autocomplete(command, "group", "bo") == []
        names = [c["name"] for c in await guild.carol.autocomplete(command, "group", "bo")]
        assert names == ["Book Club"]


async def test_check_in_button_of_a_group_on_another_server_is_not_found(
    guild, bot, emulator, clock
):
    gid, channel = await book_club(guild, bot)
    await guild.alice.slash("checkin schedule", group="Book Club", cadence="daily", time="18:00")
    await clock.advance(5 * HOUR)
    await emulator.settle()
    prompt = prompts(guild, channel)[-1]
    shown = await guild.bob.click(prompt, button_id(prompt))
    assert shown.modal is not None
    # The group id now belongs to another server (a forged or foreign custom id).
    await bot.store.execute("UPDATE groups SET guild_id = guild_id + 1 WHERE id = ?", (gid,))
    r = await guild.bob.click(prompt, button_id(prompt))
    assert r.modal is None and r.ephemeral and "no longer exists" in r.text, r.text
    r = await guild.bob.submit_modal(shown, {"note": "sneaky", "status": "done"})
    assert r.ephemeral and "no longer exists" in r.text, r.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM checkins") == 0

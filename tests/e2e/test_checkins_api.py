"""`cogs.checkins.api` for real, through the emulator: another feature schedules a
group's prompts with its own question, members check in on them, and it stops them."""

from __future__ import annotations

from datetime import time

import pytest

from cogs.checkins import api as checkins
from core.errors import UserError
from tests.support.checkins import DAY, book_club, check_in_by_button, prompts

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.checkins")


async def test_schedule_and_stop_prompts(guild, bot, emulator, clock):
    gid, channel = await book_club(guild, bot)
    first = await checkins.schedule_prompts(
        bot, gid, "daily", time(18, 0), created_by=guild.alice.id, prompt="Which chapter?"
    )
    assert first == clock.now() + 5 * 3600  # 18:00 Berlin, 1 December
    await clock.advance(first - clock.now())
    await emulator.settle()
    [prompt] = prompts(guild, channel)
    assert "Which chapter?" in prompt["content"]
    done = await check_in_by_button(guild.bob, prompt, "Chapter 3")
    assert "Checked in" in done.text
    assert await checkins.stop_prompts(bot, gid) is True
    assert await checkins.stop_prompts(bot, gid) is False
    await clock.advance(2 * DAY)
    await emulator.settle()
    assert len(prompts(guild, channel)) == 1  # no prompt after the stop


async def test_weekly_prompts_and_refusals(guild, bot, emulator, clock):
    gid, channel = await book_club(guild, bot)
    with pytest.raises(ValueError):
        await checkins.schedule_prompts(bot, gid, "weekly", time(9, 0), created_by=guild.alice.id)
    with pytest.raises(UserError):  # a daily period has no room for a 30-hour nudge
        await checkins.schedule_prompts(
            bot, gid, "daily", time(9, 0), created_by=guild.alice.id, nudge_hours=30
        )
    friday = 4  # 1 December 2026 is a Tuesday
    first = await checkins.schedule_prompts(
        bot, gid, "weekly", time(9, 0), created_by=guild.alice.id, weekday=friday
    )
    assert first == clock.now() + 3 * DAY - 4 * 3600  # Friday 09:00 Berlin = 08:00 UTC
    await clock.advance(first - clock.now())
    await emulator.settle()
    assert len(prompts(guild, channel)) == 1

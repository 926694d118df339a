"""Check-ins: goals, scheduled prompts with a Check in button, summaries that name who
missed, nudges, streaks and a leaderboard (rules: docs/rules.md, "Check-ins")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    from cogs.checkins.cog import Checkins

    await bot.add_cog(Checkins(bot))

"""Polls: members vote by reacting to the poll message (rules: docs/rules.md, "Polls")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    from cogs.polls.cog import PollsCog

    await bot.add_cog(PollsCog(bot))

"""Club cycles: a group's nominate → vote → read → meet rhythm, run by itself. The map of
its modules is in README.md beside this file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    from cogs.cycles.cog import Cycles

    await bot.add_cog(Cycles(bot))

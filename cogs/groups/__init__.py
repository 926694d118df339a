"""Groups: a role plus a private channel per micro-community.

Other features read groups through `cogs.groups.api` (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    from cogs.groups.cog import GroupsCog

    await bot.add_cog(GroupsCog(bot))

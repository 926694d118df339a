"""Server configuration (`/config`) and `/help`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    from cogs.admin.cog import AdminCog

    await bot.add_cog(AdminCog(bot))

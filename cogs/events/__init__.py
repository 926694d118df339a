"""Events: meetups with RSVP buttons, reminders, time zones, recurrence and find-a-time;
who came (voice presence, I'm here) and nudging who hasn't answered."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    from cogs.events.cog import EventsCog
    from cogs.events.timezone_cog import TimezoneCog

    await bot.add_cog(EventsCog(bot))
    await bot.add_cog(TimezoneCog(bot))

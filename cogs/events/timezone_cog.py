"""`/timezone set` and `/timezone show`: a member's own IANA zone (bot.prefs "timezone")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from core.components import HuddleInteraction
from core.timeparse import get_zone, suggest_zones
from core.ui import reply

if TYPE_CHECKING:
    from core.bot import HuddleBot


class TimezoneCog(commands.Cog):
    timezone = app_commands.Group(
        name="timezone", description="Your own time zone, used to read the times you type"
    )

    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot

    async def zone_autocomplete(
        self, interaction: HuddleInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_zones(current)]

    @timezone.command(name="set")
    @app_commands.describe(zone="An IANA time zone, e.g. Europe/Berlin")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def set_(self, interaction: HuddleInteraction, zone: str) -> None:
        """Set your time zone (times you type are read in it)."""
        key = get_zone(zone).key
        await self.bot.prefs.set(interaction.user.id, "timezone", key)
        await reply(interaction, f"Your time zone is now **{key}**. Times you type are read in it.")

    @timezone.command(name="show")
    async def show(self, interaction: HuddleInteraction) -> None:
        """Show your time zone (or the one used when you have none)."""
        zone = await self.bot.prefs.get(interaction.user.id, "timezone")
        if zone:
            await reply(
                interaction, f"Your time zone is **{zone}**. Change it with `/timezone set`."
            )
            return
        server = (
            await self.bot.config.server_timezone(interaction.guild_id)
            if interaction.guild_id
            else "UTC"
        )
        await reply(
            interaction,
            f"You haven't set a time zone, so times are read in the group's or the server's (**{server}**). "
            "Set yours with `/timezone set`.",
        )

"""A test-only extension: a command that fails unexpectedly, and one that raises a UserError."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from core.errors import UserError


class Boom(commands.Cog):
    @app_commands.command(name="boom", description="Fails on purpose (tests)")
    async def boom(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom: an unexpected bug")

    @app_commands.command(name="oops", description="A user error (tests)")
    async def oops(self, interaction: discord.Interaction) -> None:
        raise UserError("That group name is taken. Pick another name.")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Boom())

"""A tiny test-only extension for the emulator's self-tests: /ping with a button and a modal."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands


class PingModal(discord.ui.Modal, title="Say something"):
    words = discord.ui.TextInput(label="Words", custom_id="words")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"you said {self.words.value}", ephemeral=True)


class PingView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Again", custom_id="ping:again")
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="pong again", view=self)

    @discord.ui.button(label="Talk", custom_id="ping:talk")
    async def talk(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(PingModal())


class Ping(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="ping", description="Answer pong")
    @app_commands.describe(text="Something to echo")
    async def ping(self, interaction: discord.Interaction, text: str = "") -> None:
        await interaction.response.send_message(f"pong {text}".strip(), view=PingView())

    test = app_commands.Group(name="emu", description="Emulator self-test commands")

    @test.command(name="defer", description="Defer, then follow up")
    async def defer(self, interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.defer(ephemeral=True)
        await interaction.followup.send(f"looked at {member.display_name}", ephemeral=True)

    @test.command(name="pick", description="Autocomplete test")
    async def pick(self, interaction: discord.Interaction, fruit: str) -> None:
        await interaction.response.send_message(f"picked {fruit}", ephemeral=True)

    @pick.autocomplete("fruit")
    async def pick_fruit(self, interaction: discord.Interaction, current: str):
        fruits = ["apple", "banana", "blueberry"]
        return [app_commands.Choice(name=f, value=f) for f in fruits if f.startswith(current)]


async def setup(bot: commands.Bot) -> None:
    bot.add_view(PingView())
    await bot.add_cog(Ping(bot))

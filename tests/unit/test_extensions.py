"""Every extension loads into a real bot, and no two define the same top-level command
(python-discord's test_cogs). Each extension is loaded alone into a fresh bot, so a
duplicate is reported by name and owner rather than as the second one failing to load."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import discord
from discord import app_commands

from core.bot import HuddleBot, feature_extensions
from core.settings import Settings

Setup = Callable[[HuddleBot], Awaitable[None]]


@asynccontextmanager
async def offline_bot(db_path: Path) -> AsyncIterator[HuddleBot]:
    """A HuddleBot with its store open and migrated, never connected to Discord."""
    bot = HuddleBot(Settings(token="unused", database_path=db_path), extensions=[])
    await bot.store.open()
    try:
        yield bot
    finally:
        for name in list(bot.extensions):
            await bot.unload_extension(name)
        for name in list(bot.cogs):
            await bot.remove_cog(name)
        await bot.store.close()


def top_level_names(bot: HuddleBot) -> set[str]:
    return {command.name for command in bot.tree.get_commands()}


async def commands_of(setup: Setup, db_path: Path) -> set[str]:
    """The top-level slash commands one extension's `setup` adds to a fresh bot."""
    async with offline_bot(db_path) as bot:
        await setup(bot)
        return top_level_names(bot)


def shared_names(by_extension: dict[str, set[str]]) -> dict[str, list[str]]:
    """Command name -> the extensions defining it, for names defined more than once."""
    owners: dict[str, list[str]] = {}
    for extension, names in sorted(by_extension.items()):
        for name in names:
            owners.setdefault(name, []).append(extension)
    return {name: found for name, found in owners.items() if len(found) > 1}


async def commands_by_extension(tmp_path: Path) -> dict[str, set[str]]:
    found = {}
    for index, name in enumerate(feature_extensions()):
        setup = importlib.import_module(name).setup
        found[name] = await commands_of(setup, tmp_path / f"{index}.db")
    return found


def test_every_feature_is_an_extension():
    names = feature_extensions()
    assert names[0] == "cogs.admin"
    for expected in ("cogs.groups", "cogs.polls", "cogs.checkins", "cogs.events"):
        assert expected in names


async def test_every_extension_loads_and_no_two_share_a_command_name(tmp_path):
    by_extension = await commands_by_extension(tmp_path)
    assert {"config", "help"} <= by_extension["cogs.admin"]  # the loads really add commands
    assert "poll" in by_extension["cogs.polls"]
    assert shared_names(by_extension) == {}
    async with offline_bot(tmp_path / "all.db") as bot:
        for name in feature_extensions():
            await bot.load_extension(name)
        assert top_level_names(bot) == set().union(*by_extension.values())


async def test_a_planted_duplicate_command_name_is_detected(tmp_path):
    async def planted_setup(bot: HuddleBot) -> None:
        async def callback(interaction: discord.Interaction) -> None: ...

        bot.tree.add_command(app_commands.Command(name="poll", description="x", callback=callback))

    by_extension = await commands_by_extension(tmp_path)
    by_extension["tests.planted"] = await commands_of(planted_setup, tmp_path / "planted.db")
    assert shared_names(by_extension) == {"poll": ["cogs.polls", "tests.planted"]}

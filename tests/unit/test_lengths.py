"""core.lengths: every free-text option declares its limit by kind, and an over-long one
is found on arrival (subcommands walked), autocomplete partials too."""

from __future__ import annotations

import discord
from discord import app_commands

from core import lengths


def _group() -> app_commands.Group:
    group = app_commands.Group(name="event", description="d")

    @group.command(name="create", description="d")
    async def create(
        interaction,
        title: app_commands.Range[str, 1, 80],
        when: str,
        description: str | None = None,
        other: str | None = None,
        size: int | None = None,
    ) -> None: ...

    return group


def _declared(group: app_commands.Group) -> dict[str, object]:
    return {p.name: p.max_value for p in group.commands[0].parameters}


def test_options_get_the_limit_of_their_kind_and_keep_a_smaller_one() -> None:
    group = _group()
    lengths.declare([group])
    assert _declared(group) == {
        "title": 80,  # declared smaller than titles' 200: kept
        "when": lengths.TIME,
        "description": lengths.NOTE,
        "other": lengths.DEFAULT,  # a name the table doesn't know: the shortest kind
        "size": None,  # not text
    }
    payload = group.commands[0].to_dict(None)  # type: ignore[arg-type]
    limits = {o["name"]: o.get("max_length") for o in payload["options"]}
    assert limits["when"] == 100 and limits["description"] == 1000


def _data(**values: object) -> dict:
    options = [
        {"name": k, "type": 3, "value": v, "focused": k == "when"} for k, v in values.items()
    ]
    return {"name": "event", "options": [{"name": "create", "type": 1, "options": options}]}


def test_an_overlong_option_is_found_through_subcommands() -> None:
    group = _group()
    lengths.declare([group])
    command = group.commands[0]
    assert lengths.too_long(_data(title="t", when="x" * 100), lambda: command) is None
    found = lengths.too_long(_data(title="t", when="at - " * 1200), lambda: command)
    assert found == lengths.Overlong("when", 100, 6000)
    assert "at most 100 characters" in found.refusal and "6,000" in found.refusal
    found = lengths.too_long(_data(title="t" * 81, when="x"), lambda: command)
    assert found == lengths.Overlong("title", 80, 81)


def test_without_the_command_the_table_decides() -> None:
    assert lengths.too_long(_data(description="d" * 1000)) is None
    assert lengths.too_long(_data(description="d" * 1001)) == lengths.Overlong(
        "description", 1000, 1001
    )


def test_short_payloads_never_look_the_command_up() -> None:
    def no_lookup() -> None:
        raise AssertionError("looked up")

    assert lengths.too_long(_data(when="friday 7pm", title="Meet"), no_lookup) is None


def test_every_string_option_of_the_bot_is_in_the_table() -> None:
    """A new free-text option gets a conscious limit (add it to core.lengths.LIMITS)."""
    import asyncio
    import tempfile
    from pathlib import Path

    from core.bot import HuddleBot
    from core.settings import Settings

    async def names() -> set[str]:
        with tempfile.TemporaryDirectory() as tmp:
            bot = HuddleBot(Settings(token="x", database_path=Path(tmp) / "h.db"))
            await bot.store.open()
            try:
                for name in bot.extensions_to_load:
                    await bot.load_extension(name)
                found = set()
                for command in bot.tree.walk_commands():
                    if isinstance(command, app_commands.Command):
                        for p in command.parameters:
                            if p.type is discord.AppCommandOptionType.string and not p.choices:
                                assert p.max_value, (command.qualified_name, p.name)
                                found.add(p.name)
                return found
            finally:
                for name in list(bot.extensions):
                    await bot.unload_extension(name)
                await bot.store.close()

    missing = asyncio.run(names()) - set(lengths.LIMITS)
    assert not missing, f"options without a kind in core.lengths.LIMITS: {sorted(missing)}"

"""How long a typed option may be (docs/rules.md, "Messages: pings, limits, typed text").

Every free-text slash-command option declares its `max_length` to Discord, by the kind of
text it holds: names 100, times and durations 100, questions and titles 200, descriptions
and notes 1,000, option lists 1,000. Discord enforces it in its client, but an autocomplete
partial, or a request from any other client, can carry more; so the tree checks every
string option again when it arrives (`too_long`), before any parser sees it, and the member
gets a plain refusal instead of a bot busy reading 6,000 characters.

The table is by option name, so a feature's new option gets the limit of its kind; a
name the table doesn't know is held to the shortest limit (`DEFAULT`), and a limit a
feature declares itself (`app_commands.Range[str, 1, 100]`) is kept when it is smaller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from discord import app_commands
from discord.app_commands.transformers import AppCommandOptionType

NAME = 100
TIME = 100
TITLE = 200
NOTE = 1000
OPTION_LIST = 1000
DEFAULT = NAME

LIMITS: Mapping[str, int] = {
    # names: things named or picked from a list
    **dict.fromkeys(
        ("group", "poll", "event", "name", "zone", "timezone", "weekday", "cadence",
         "status", "period", "scope", "visibility", "feature", "creation", "repeat"),
        NAME,
    ),
    # times and durations
    **dict.fromkeys(
        ("when", "closes", "duration", "nominate", "vote", "meet", "time", "remind",
         "defaults", "occurrence"),
        TIME,
    ),
    # questions and titles (a goal, a place and a pick read like a title)
    **dict.fromkeys(("question", "title", "pick", "text", "where"), TITLE),
    # descriptions and notes
    **dict.fromkeys(("description", "note", "prompt"), NOTE),
    # option lists (`Dune; Emma; Ulysses`, find-a-time slots)
    "options": OPTION_LIST,
}  # fmt: skip


# the shortest limit any option has: a payload whose strings are all within it needs no
# command lookup (the check runs on every interaction, autocomplete keystrokes included)
_shortest = min(LIMITS.values())


def limit_for(name: str) -> int:
    return LIMITS.get(name, DEFAULT)


def _leaf_commands(command: Any) -> Iterator[app_commands.Command]:
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            yield from _leaf_commands(child)
    elif isinstance(command, app_commands.Command):
        yield command


def declare(commands: Iterable[Any]) -> None:
    """Give every string option of `commands` (groups walked) its `max_length`, keeping a
    smaller one the command declared itself. Options with fixed choices are left alone:
    Discord offers only those."""
    global _shortest
    for command in commands:
        for leaf in _leaf_commands(command):
            # `_params`: discord.py's public `parameters` are read-only views of these
            for param in leaf._params.values():
                if param.type is not AppCommandOptionType.string or param.choices:
                    continue
                limit = limit_for(param.name)
                declared = param.max_value
                param.max_value = limit if declared is None else min(int(declared), limit)
                _shortest = min(_shortest, int(param.max_value))


@dataclass(frozen=True)
class Overlong:
    option: str
    limit: int
    length: int

    @property
    def refusal(self) -> str:
        return (
            f"`{self.option}` can be at most {self.limit:,} characters; yours has "
            f"{self.length:,}. Shorten it and try again."
        )


def _string_options(options: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """The leaf options of an interaction's payload (subcommands and groups walked)."""
    for option in options:
        nested = option.get("options")
        if nested is not None and option.get("type") in (1, 2):  # subcommand (group)
            yield from _string_options(nested)
        elif isinstance(option.get("value"), str):
            yield option


def too_long(
    data: Mapping[str, Any], command_of: Callable[[], Any] = lambda: None
) -> Overlong | None:
    """The first string option in an interaction's `data` longer than its limit, if any.
    The limit is the command's declared one when it has the option, else the table's;
    `command_of` is asked only when some text is longer than the shortest limit."""
    options = list(_string_options(data.get("options") or ()))
    if all(len(option["value"]) <= _shortest for option in options):
        return None
    params = getattr(command_of(), "_params", {}) or {}
    for option in options:
        name = str(option.get("name", ""))
        value = option["value"]
        param = params.get(name)
        limit = param.max_value if param is not None and param.max_value else limit_for(name)
        if len(value) > int(limit):
            return Overlong(name, int(limit), len(value))
    return None

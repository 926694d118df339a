"""One router for persistent buttons and modals.

Every persistent component's custom id reads `huddle:<feature>:<action>:<id>` (for
example `huddle:events:going:12`). A feature registers a handler per (feature, action) in
its `cog_load` and removes it in `cog_unload`; one `DynamicItem` class (`RoutedButton`)
and one modal listener route every press and submit here. The router then, once for all
features: finds the handler, checks the feature switch, and hands every error to the
bot's central handler (so a refusal is an ephemeral reply in plain words).

Buttons posted before this format existed (`huddle:rsvp:12:going`, `huddle:grpjoin:3`,
…) keep working: a feature registers an alias pattern that maps an old id to its route.

Modals are restart-proof the same way: the modal's custom id names its route and target,
the Modal object is never kept in memory, and the submitted fields reach the handler as
`Press.values`, whether or not the bot restarted since the modal opened.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import discord

from core.checks import ensure_feature
from core.errors import NotFound
from core.fit import clip

if TYPE_CHECKING:
    from core.bot import HuddleBot

    HuddleInteraction = discord.Interaction[HuddleBot]
else:
    HuddleInteraction = discord.Interaction

log = logging.getLogger(__name__)

PREFIX = "huddle:"
ROUTED_ID = re.compile(r"huddle:(?P<feature>[a-z]+):(?P<action>[a-z][a-z0-9-]*):(?P<target>\d+)")
# Discord's own limits for a custom id and a modal title.
CUSTOM_ID_MAX = 100
MODAL_TITLE_MAX = 45


@dataclass(frozen=True)
class Press:
    """What a member pressed or submitted: the route, the object's id, modal fields."""

    feature: str
    action: str
    target: int
    values: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[HuddleInteraction, Press], Awaitable[None]]


@dataclass(frozen=True)
class Alias:
    """An older custom-id format still found on posted messages, mapped to a route.
    `action` may use the pattern's named groups (`'rsvp-{status}'`)."""

    pattern: re.Pattern[str]
    feature: str
    action: str

    def press(self, custom_id: str) -> Press | None:
        match = self.pattern.fullmatch(custom_id)
        if match is None:
            return None
        groups = match.groupdict()
        return Press(self.feature, self.action.format(**groups), int(groups["target"]))


def custom_id(feature: str, action: str, target: int) -> str:
    """The custom id of a routed component: `huddle:<feature>:<action>:<id>`."""
    return f"{PREFIX}{feature}:{action}:{target}"


def parse_custom_id(value: str) -> Press | None:
    match = ROUTED_ID.fullmatch(value)
    if match is None:
        return None
    return Press(match["feature"], match["action"], int(match["target"]))


class ComponentRouter:
    """Routes (feature, action) to a handler; owned by the bot (`bot.components`)."""

    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self._routes: dict[tuple[str, str], Handler] = {}
        self._aliases: list[Alias] = []

    # -- registration (cog_load / cog_unload) --------------------------------------------

    def add(self, feature: str, action: str, handler: Handler) -> None:
        key = (feature, action)
        if key in self._routes:
            raise ValueError(f"component route {feature}:{action} is already registered")
        self._routes[key] = handler

    def alias(self, pattern: str, feature: str, action: str) -> None:
        """Keep an older custom-id format working; `pattern` has a `target` group."""
        self._aliases.append(Alias(re.compile(pattern), feature, action))

    def remove_feature(self, feature: str) -> None:
        """Undo every `add` and `alias` of one feature (its cog is unloading)."""
        self._routes = {k: h for k, h in self._routes.items() if k[0] != feature}
        self._aliases = [a for a in self._aliases if a.feature != feature]

    def routes(self) -> list[tuple[str, str]]:
        return sorted(self._routes)

    # -- dispatch ----------------------------------------------------------------------

    def resolve(self, value: str) -> Press | None:
        press = parse_custom_id(value)
        if press is not None:
            return press
        for alias in self._aliases:
            press = alias.press(value)
            if press is not None:
                return press
        return None

    async def dispatch(
        self, interaction: HuddleInteraction, value: str, values: Mapping[str, str] | None = None
    ) -> None:
        """Run the handler for a custom id; every error goes to the central handler."""
        try:
            press = self.resolve(value)
            handler = None if press is None else self._routes.get((press.feature, press.action))
            if press is None or handler is None:
                raise NotFound("This button no longer works. Run the command instead.")
            await ensure_feature(interaction, press.feature)
            if values:
                press = Press(press.feature, press.action, press.target, dict(values))
            await handler(interaction, press)
        except Exception as error:  # the central handler sorts user errors from bugs
            await self.bot.handle_interaction_error(interaction, error)

    async def on_interaction(self, interaction: HuddleInteraction) -> None:
        """Modal submits (listener): every `huddle:` modal, open before a restart or not."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = cast("dict[str, Any]", interaction.data or {})
        value = str(data.get("custom_id", ""))
        if not value.startswith(PREFIX):
            return
        fields = modal_values(list(data.get("components", [])))
        await self.dispatch(interaction, value, fields)


class RoutedButton(discord.ui.DynamicItem[discord.ui.Button], template=r"huddle:.+"):
    """Every persistent Huddle button. Built with `button()`; a press goes to the router."""

    def __init__(self, item: discord.ui.Button) -> None:
        super().__init__(item)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RoutedButton:
        if not isinstance(item, discord.ui.Button):  # pragma: no cover - only buttons use it
            raise TypeError(f"routed component {match.string} is not a button")
        return cls(item)

    # Interaction[Any]: an override must take discord.py's generic interaction.
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.client.components.dispatch(interaction, self.item.custom_id or "")


def button(
    feature: str,
    action: str,
    target: int,
    label: str,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    *,
    emoji: str | None = None,
    disabled: bool = False,
    row: int | None = None,
) -> RoutedButton:
    """A persistent button routed to `feature`'s `action` handler for object `target`."""
    return RoutedButton(
        discord.ui.Button(
            label=clip(label, 80),
            style=style,
            emoji=emoji,
            disabled=disabled,
            row=row,
            custom_id=custom_id(feature, action, target),
        )
    )


def persistent_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view for a message whose buttons must outlive the process."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


class RoutedModal(discord.ui.Modal):
    """A modal whose submit is routed like a button press (see module docstring)."""

    def __init__(
        self,
        feature: str,
        action: str,
        target: int,
        title: str,
        *fields: discord.ui.TextInput | discord.ui.Label,
    ) -> None:
        super().__init__(
            title=clip(title, MODAL_TITLE_MAX),
            timeout=None,
            custom_id=custom_id(feature, action, target),
        )
        for text_input in fields:
            self.add_item(text_input)
        self.stop()  # never kept in memory: ComponentRouter.on_interaction handles the submit


def modal_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """Submitted text by field custom_id (action rows and Label components alike); a
    select's choices joined by commas (one choice: its value)."""
    values: dict[str, str] = {}
    for component in components:
        for child in [*component.get("components", []), component.get("component")]:
            if isinstance(child, dict):
                values.update(modal_values([child]))
        if "custom_id" in component and isinstance(component.get("value"), str):
            values[component["custom_id"]] = component["value"]
        elif "custom_id" in component and isinstance(component.get("values"), list):
            values[component["custom_id"]] = ",".join(str(v) for v in component["values"])
    return values


__all__ = [
    "ComponentRouter",
    "HuddleInteraction",
    "Press",
    "RoutedButton",
    "RoutedModal",
    "button",
    "custom_id",
    "parse_custom_id",
    "persistent_view",
]

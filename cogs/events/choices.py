"""What `/event` offers while an option is typed: events, a series' meetings, and how a
`when` (or a find-a-time option) will be read, in the zone it will be read in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from cogs.events import occurrences, render
from cogs.events.logic import option_prefix
from cogs.groups import api as groups
from core.checks import FeatureGroup
from core.components import HuddleInteraction
from core.fit import clip
from core.timeparse import preview_choices

if TYPE_CHECKING:
    from cogs.events.service import EventService
    from core.bot import HuddleBot


class EventChoices(FeatureGroup):
    """The `/event` group's autocomplete callbacks (discord.py hands them the group); its
    commands are in commands.py."""

    bot: HuddleBot
    service: EventService

    async def event_autocomplete(
        self, interaction: HuddleInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        found = await self.service.events.search(
            interaction.guild_id,
            current,
            self.bot.clock.now(),
            viewer=await groups.viewer_of(interaction),
        )
        choices = []
        for event in found:
            choices.append(app_commands.Choice(name=render.choice_name(event), value=str(event.id)))
        return choices

    async def occurrence_autocomplete(
        self, interaction: HuddleInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """`occurrence`: the next meetings of the series named in `event`."""
        event_text = getattr(interaction.namespace, "event", None)
        if interaction.guild_id is None or not event_text:
            return []
        event = await self.service.events.find(
            interaction.guild_id,
            str(event_text),
            self.bot.clock.now(),
            await groups.viewer_of(interaction),
        )
        if event is None:
            return []
        found = await occurrences.choices(self.service, event, current)
        return [app_commands.Choice(name=name, value=value) for name, value in found]

    async def reader_zone(self, interaction: HuddleInteraction) -> str:
        """The zone a `when` being typed is read in: the member's, else the group's (the
        `group` option typed so far, for `/event create`/`findtime`), else the server's;
        for `/event edit`, else the event's."""
        guild_id = interaction.guild_id or 0
        group_text = getattr(interaction.namespace, "group", None)
        group = None
        if group_text:
            group = await groups.find_group(self.bot.store, guild_id, str(group_text))
        event_text = getattr(interaction.namespace, "event", None)
        if event_text and group is None:
            event = await self.service.events.find(
                guild_id, str(event_text), self.bot.clock.now(), await groups.viewer_of(interaction)
            )
            if event is not None:
                return await self.service.edit_zone(event, interaction.user.id)
        return await self.service.zone_for(guild_id, interaction.user.id, group)

    async def when_autocomplete(
        self, interaction: HuddleInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """How `when` will be read, e.g. `Fri 4 Dec 2026, 19:00 (Europe/Berlin)`, plus the
        other readings when ambiguous; a choice's value reads back exactly."""
        if interaction.guild_id is None or not current.strip():
            return []
        zone = await self.reader_zone(interaction)
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in preview_choices(current, zone, self.bot.clock.now())
        ]

    async def options_autocomplete(
        self, interaction: HuddleInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """`/event findtime options`: the option being typed (after the last `;`) is read
        like `when`; the value keeps the options before it."""
        if interaction.guild_id is None:
            return []
        done, last = option_prefix(current)
        if not last:
            return []
        zone = await self.reader_zone(interaction)
        choices = []
        for name, value in preview_choices(last, zone, self.bot.clock.now()):
            full = done + value
            if len(full) <= 100:
                choices.append(app_commands.Choice(name=clip(name, 100), value=full))
        return choices

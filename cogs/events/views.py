"""Persistent buttons of events, routed by `bot.components`: the RSVP buttons
(`huddle:events:<going|maybe|cant>:<event>`) and the find-a-time **Create event** button
(`huddle:events:findtime-create:<poll>`). Messages posted with the older ids
(`huddle:rsvp:<event>:<status>`, `huddle:findtime:<poll>:create`) keep working through
aliases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.events.logic import STATUS_LABELS
from core.components import HuddleInteraction, Press, RoutedButton, button, persistent_view

if TYPE_CHECKING:
    from cogs.events.findtime import FindTimeFlow
    from cogs.events.service import EventService
    from core.components import ComponentRouter

FEATURE = "events"
FINDTIME_CREATE = "findtime-create"
HERE = "here"  # the I'm here button of a group event (docs/rules.md, "Who came")
STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.primary,
    "cant": discord.ButtonStyle.secondary,
}
LEGACY_RSVP = r"huddle:rsvp:(?P<target>\d+):(?P<status>going|maybe|cant)"
LEGACY_FINDTIME = r"huddle:findtime:(?P<target>\d+):create"


def rsvp_button(event_id: int, status: str, *, disabled: bool = False) -> RoutedButton:
    return button(
        FEATURE, status, event_id, STATUS_LABELS[status], STYLES[status], disabled=disabled
    )


def rsvp_view(event_id: int, *, disabled: bool = False, here: bool = False) -> discord.ui.View:
    """Going / Maybe / Can't, and for a group event **I'm here** (`here`)."""
    buttons = [rsvp_button(event_id, s, disabled=disabled) for s in STATUS_LABELS]
    if here:
        buttons.append(
            button(FEATURE, HERE, event_id, "I'm here", discord.ButtonStyle.primary,
                   disabled=disabled)
        )  # fmt: skip
    return persistent_view(*buttons)


def findtime_view(poll_id: int, *, disabled: bool = False) -> discord.ui.View:
    create = button(
        FEATURE, FINDTIME_CREATE, poll_id, "Create event", discord.ButtonStyle.success,
        disabled=disabled,
    )  # fmt: skip
    return persistent_view(create)


class EventButtons:
    """The handlers behind the events buttons; registered in the cog's `cog_load`."""

    def __init__(self, service: EventService, findtime: FindTimeFlow) -> None:
        self.service = service
        self.findtime = findtime

    def register(self, router: ComponentRouter) -> None:
        for status in STATUS_LABELS:
            router.add(FEATURE, status, self.rsvp)
        router.add(FEATURE, FINDTIME_CREATE, self.create_from_findtime)
        router.add(FEATURE, HERE, self.here)
        router.alias(LEGACY_RSVP, FEATURE, "{status}")
        router.alias(LEGACY_FINDTIME, FEATURE, FINDTIME_CREATE)

    async def rsvp(self, interaction: HuddleInteraction, press: Press) -> None:
        await self.service.rsvp_button(interaction, press.target, press.action)

    async def here(self, interaction: HuddleInteraction, press: Press) -> None:
        await self.service.attendance.press_here(interaction, press.target)

    async def create_from_findtime(self, interaction: HuddleInteraction, press: Press) -> None:
        await self.findtime.create_from_button(interaction, press.target)

"""The groups feature's buttons. The persistent ones are routed by `bot.components`
(custom ids `huddle:groups:<action>:<id>`, handled in `cogs.groups.buttons`), so they keep
working after a restart; the delete confirmation lives only as long as its question."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from core.checks import ensure_feature
from core.components import button, persistent_view
from core.errors import NotAllowed

if TYPE_CHECKING:
    from core.components import HuddleInteraction

FEATURE = "groups"
APPROVE = ("Approve", discord.ButtonStyle.success)
DENY = ("Deny", discord.ButtonStyle.danger)


def _decision_view(subject: str, request_id: int) -> discord.ui.View:
    """Approve (green) and Deny (red) on request `request_id`; subject `join` or `group`."""
    return persistent_view(
        button(FEATURE, f"approve-{subject}", request_id, *APPROVE),
        button(FEATURE, f"deny-{subject}", request_id, *DENY),
    )


def request_view(request_id: int) -> discord.ui.View:
    """On a join request in the group's channel: for its leaders (and managers)."""
    return _decision_view("join", request_id)


def approval_view(request_id: int) -> discord.ui.View:
    """On a new group awaiting approval: for community managers."""
    return _decision_view("group", request_id)


def waitlist_view(group_id: int) -> discord.ui.View:
    """Offered when a group is full."""
    primary = discord.ButtonStyle.primary
    return persistent_view(button(FEATURE, "waitlist", group_id, "Join the waitlist", primary))


def panel_view(
    groups: list[tuple[int, str]], asks: frozenset[int] = frozenset()
) -> discord.ui.View:
    """Up to 25 buttons (5 rows of 5), labelled with the group names: Join, or Request to
    join for the groups in `asks` (leaders approve; the same join action decides)."""
    primary, grey = discord.ButtonStyle.primary, discord.ButtonStyle.secondary
    joins = [
        button(FEATURE, "join", gid, f"Request to join {name}", grey)
        if gid in asks
        else button(FEATURE, "join", gid, f"Join {name}", primary)
        for gid, name in groups[:25]
    ]
    return persistent_view(*joins)


Confirmed = Callable[["HuddleInteraction"], Awaitable[None]]


class DeleteConfirm(discord.ui.View):
    """`/group delete` asks first; only the member who asked can confirm."""

    def __init__(self, owner_id: int, on_confirm: Confirmed) -> None:
        super().__init__(timeout=120)
        self.owner_id = owner_id
        self.on_confirm = on_confirm

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        await ensure_feature(interaction, FEATURE)
        if interaction.user.id != self.owner_id:
            raise NotAllowed("Only the member who asked to delete the group can confirm.")
        return True

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await interaction.client.handle_interaction_error(interaction, error)

    @discord.ui.button(label="Delete", style=discord.ButtonStyle.danger)
    async def delete(self, interaction: HuddleInteraction, _: discord.ui.Button) -> None:
        self.stop()
        await self.on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: HuddleInteraction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content="Kept the group.", view=None)


__all__ = ["DeleteConfirm", "approval_view", "panel_view", "request_view", "waitlist_view"]

"""Buttons. The persistent ones are DynamicItems whose custom_id carries what they act on,
so they keep working after a restart (registered with bot.add_dynamic_items in cog_load)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from core.checks import ensure_feature, is_manager
from core.errors import NotAllowed, NotFound
from core.ui import NO_PINGS

if TYPE_CHECKING:
    from cogs.groups.cog import GroupsCog

log = logging.getLogger(__name__)


def groups_cog(interaction: discord.Interaction) -> GroupsCog:
    cog = interaction.client.get_cog("Groups")  # type: ignore[attr-defined]
    if cog is None:
        raise NotFound("Groups aren't available right now.")
    return cog


async def guarded(interaction: discord.Interaction, work: Callable[[], Awaitable[None]]) -> None:
    """Run a button's work; user errors become the usual ephemeral reply."""
    try:
        await ensure_feature(interaction, "groups")
        await work()
    except Exception as exc:  # routed to the central handler, which logs
        await interaction.client.handle_interaction_error(interaction, exc)  # type: ignore[attr-defined]


def _button(label: str, custom_id: str, style: discord.ButtonStyle) -> discord.ui.Button:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style)


def _decision_button(prefix: str, request_id: int, action: str) -> discord.ui.Button:
    """Approve (green) or Deny (red) on request `request_id`."""
    label, style = (
        ("Approve", discord.ButtonStyle.success)
        if action == "approve"
        else ("Deny", discord.ButtonStyle.danger)
    )
    return _button(label, f"huddle:{prefix}:{request_id}:{action}", style)


class JoinRequestButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"huddle:grpreq:(?P<request_id>\d+):(?P<action>approve|deny)",
):
    """Approve / Deny on a join request posted in the group's channel (leaders, managers)."""

    def __init__(self, request_id: int, action: str) -> None:
        super().__init__(_decision_button("grpreq", request_id, action))
        self.request_id = request_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> JoinRequestButton:
        return cls(int(match["request_id"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            lambda: groups_cog(interaction).decide_join(
                interaction, self.request_id, self.action == "approve"
            ),
        )


class GroupApprovalButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"huddle:grpok:(?P<request_id>\d+):(?P<action>approve|deny)",
):
    """Approve / Deny on a new group awaiting manager approval (managers only)."""

    def __init__(self, request_id: int, action: str) -> None:
        super().__init__(_decision_button("grpok", request_id, action))
        self.request_id = request_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GroupApprovalButton:
        return cls(int(match["request_id"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction,
            lambda: groups_cog(interaction).decide_group(
                interaction, self.request_id, self.action == "approve"
            ),
        )


class JoinButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"huddle:grpjoin:(?P<group_id>\d+)"
):
    """A panel's Join button for one group."""

    def __init__(self, group_id: int, label: str = "Join") -> None:
        super().__init__(
            _button(label[:80], f"huddle:grpjoin:{group_id}", discord.ButtonStyle.primary)
        )
        self.group_id = group_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> JoinButton:
        return cls(int(match["group_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction, lambda: groups_cog(interaction).join_by_id(interaction, self.group_id)
        )


class WaitlistButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"huddle:grpwait:(?P<group_id>\d+)"
):
    """Offered when a group is full: join its waitlist."""

    def __init__(self, group_id: int) -> None:
        super().__init__(
            _button("Join the waitlist", f"huddle:grpwait:{group_id}", discord.ButtonStyle.primary)
        )
        self.group_id = group_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> WaitlistButton:
        return cls(int(match["group_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction, lambda: groups_cog(interaction).wait_by_id(interaction, self.group_id)
        )


DYNAMIC_ITEMS = (JoinRequestButton, GroupApprovalButton, JoinButton, WaitlistButton)


def _persistent(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def request_view(request_id: int) -> discord.ui.View:
    return _persistent(
        JoinRequestButton(request_id, "approve"), JoinRequestButton(request_id, "deny")
    )


def approval_view(request_id: int) -> discord.ui.View:
    return _persistent(
        GroupApprovalButton(request_id, "approve"), GroupApprovalButton(request_id, "deny")
    )


def waitlist_view(group_id: int) -> discord.ui.View:
    return _persistent(WaitlistButton(group_id))


def panel_view(groups: list[tuple[int, str]]) -> discord.ui.View:
    """Up to 25 Join buttons (5 rows of 5), labelled with the group names."""
    return _persistent(*(JoinButton(gid, f"Join {name}") for gid, name in groups[:25]))


class DeleteConfirm(discord.ui.View):
    """`/group delete` asks first; only the member who asked can confirm."""

    def __init__(self, owner_id: int, on_confirm: Callable[[discord.Interaction], Awaitable[None]]):
        super().__init__(timeout=120)
        self.owner_id = owner_id
        self.on_confirm = on_confirm

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await ensure_feature(interaction, "groups")
        if interaction.user.id != self.owner_id:
            raise NotAllowed("Only the member who asked to delete the group can confirm.")
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await interaction.client.handle_interaction_error(interaction, error)  # type: ignore[attr-defined]

    @discord.ui.button(label="Delete", style=discord.ButtonStyle.danger)
    async def delete(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await self.on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content="Kept the group.", view=None)


async def settle_message(interaction: discord.Interaction, text: str) -> None:
    """Replace a request message's text and remove its buttons."""
    if interaction.response.is_done():
        await interaction.edit_original_response(content=text, view=None, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.edit_message(content=text, view=None, allowed_mentions=NO_PINGS)


async def manager_only(interaction: discord.Interaction) -> None:
    if not await is_manager(interaction):
        raise NotAllowed("Only community managers can approve or deny new groups.")


__all__ = ["DYNAMIC_ITEMS", "DeleteConfirm", "manager_only", "settle_message"]

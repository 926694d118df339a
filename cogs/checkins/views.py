"""The persistent **Check in** button on prompts and the modal it opens.

The button is a DynamicItem (`huddle:checkin:<group_id>`) registered in the cog's
`cog_load`, so prompts posted before a restart keep working. The modal is restart-proof
too: its custom_id `huddle:checkin-modal:<group_id>` carries the group, the Modal object
is never kept in memory, and every submit is handled by `handle_modal_submit` (called
from the cog's `on_interaction` listener) — so a modal left open across a restart still
records the check-in, and nothing is handled twice."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from core.checks import ensure_feature, huddle
from core.errors import NotFound
from core.ui import clip, reply, ts

if TYPE_CHECKING:
    from .service import CheckinService

log = logging.getLogger(__name__)

FEATURE = "checkins"


def _service(interaction: discord.Interaction) -> CheckinService:
    cog = interaction.client.get_cog("Checkins")  # type: ignore[attr-defined]
    return cog.service  # type: ignore[union-attr]


async def _route_error(interaction: discord.Interaction, error: Exception) -> None:
    await interaction.client.handle_interaction_error(interaction, error)  # type: ignore[attr-defined]


async def _live_group(interaction: discord.Interaction, group_id: int) -> GroupRef:
    """The group a button or modal acts on, while check-ins are on and it exists."""
    await ensure_feature(interaction, FEATURE)
    group = await groups.get_group(huddle(interaction).store, group_id)
    if group is None:
        raise NotFound("This group no longer exists.")
    return group


class CheckinButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"huddle:checkin:(?P<group_id>\d+)"
):
    def __init__(self, group_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Check in",
                style=discord.ButtonStyle.success,
                emoji="✅",
                custom_id=f"huddle:checkin:{group_id}",
            )
        )
        self.group_id = group_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> CheckinButton:
        return cls(int(match["group_id"]))

    async def callback(self, interaction: discord.Interaction) -> Any:
        try:
            group = await _live_group(interaction, self.group_id)
            await _service(interaction).require_member(group, interaction.user.id)
            modal = CheckinModal(group.id, group.name)
            modal.stop()  # not kept in memory: the submit is handled by handle_modal_submit
            await interaction.response.send_modal(modal)
        except Exception as error:  # DynamicItem errors are otherwise only logged
            await _route_error(interaction, error)


class CheckinModal(discord.ui.Modal):
    note: discord.ui.TextInput = discord.ui.TextInput(
        label="What did you do?",
        custom_id="note",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=1000,
        placeholder="A line or two about your progress",
    )
    status: discord.ui.TextInput = discord.ui.TextInput(
        label="Status: done, partial or blocked",
        custom_id="status",
        required=False,
        default="done",
        max_length=10,
        placeholder="done, partial or blocked",
    )

    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__(
            title=clip(f"Check in — {group_name}", 45),
            timeout=None,
            custom_id=f"{MODAL_PREFIX}{group_id}",
        )
        self.group_id = group_id


MODAL_PREFIX = "huddle:checkin-modal:"
MODAL_ID = re.compile(r"^huddle:checkin-modal:(?P<group_id>\d+)$")


def modal_group_id(interaction: discord.Interaction) -> int | None:
    """The group of a check-in modal submit, or None for any other interaction."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    match = MODAL_ID.match(str((interaction.data or {}).get("custom_id", "")))
    return int(match["group_id"]) if match else None


def modal_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """Submitted text by field custom_id (action rows and Label components alike)."""
    values: dict[str, str] = {}
    for component in components:
        for child in [*component.get("components", []), component.get("component")]:
            if isinstance(child, dict):
                values.update(modal_values([child]))
        if "custom_id" in component and isinstance(component.get("value"), str):
            values[component["custom_id"]] = component["value"]
    return values


async def handle_modal_submit(interaction: discord.Interaction, group_id: int) -> None:
    """Record the check-in from a submitted modal; errors answer the member privately."""
    try:
        group = await _live_group(interaction, group_id)
        values = modal_values(list((interaction.data or {}).get("components", [])))
        result = await _service(interaction).record(
            group, interaction.user.id, values.get("note", ""), values.get("status") or "done"
        )
        await reply(interaction, checked_in_text(group.name, result), ephemeral=True)
    except Exception as error:
        await _route_error(interaction, error)


def checked_in_text(group_name: str, result: Any) -> str:
    """The private confirmation after a check-in (from the modal or `/checkin log`)."""
    verb = "Checked in" if result.new else "Updated your check-in"
    stats = result.stats
    return (
        f"✅ {verb} for **{group_name}** (period ending {ts(result.period.end, 'f')}).\n"
        f"Current streak: **{stats.current}** · best streak: **{stats.best}**"
    )


def prompt_view(group_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CheckinButton(group_id))
    return view

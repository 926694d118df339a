"""The public face of club cycles. No other feature drives cycles (cycles sit on top of
groups, polls, events and check-ins, and use them through their api modules), so this
only reads: a group's active cycle and its shelf, for insights or an export to come."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.cycles.store import Cycle, CycleStore, Period

if TYPE_CHECKING:
    from core.store import Store

__all__ = ["Cycle", "Period", "active_cycle", "shelf"]


async def active_cycle(store: Store, group_id: int) -> Cycle | None:
    """The group's running cycle, or None."""
    return await CycleStore(store).active_cycle(group_id)


async def shelf(store: Store, group_id: int) -> list[tuple[Cycle, Period]]:
    """The group's picks (with their periods), newest first."""
    return await CycleStore(store).shelf(group_id)

"""Insights: pictures a community manager reads at a glance (SPEC §7).

Phase A holds the pure parts: `logic` (figures, rules, texts, CSV, heatmap grid) and
`charts` (PNG drawing, imported lazily, drawn off the event loop). The Discord cog
(`/insights group|server|export`, the Monday digest) arrives in phase B; until then this
extension loads and registers nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    """Nothing yet: the Insights cog is added in phase B."""

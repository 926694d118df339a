"""Insights: pictures a community manager reads at a glance (rules: docs/rules.md,
"Insights"; pictures and benchmarks: docs/insights.md).

`logic` (figures, rules, texts, CSV; pure), `charts` (PNG drawing on top of
`core.pictures`, imported lazily, drawn off the loop), `gather` (the figures through the
other features' api.py, one query per family per server), `jobs` (the Monday digest),
`cog` (`/insights group|server|export`). Nothing imports insights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.bot import HuddleBot


async def setup(bot: HuddleBot) -> None:
    from cogs.insights.cog import InsightsCog

    await bot.add_cog(InsightsCog(bot))

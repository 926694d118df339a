"""Groups: a role plus a private channel per micro-community."""

from __future__ import annotations


async def setup(bot) -> None:  # replaced by the groups feature
    return None

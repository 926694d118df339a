"""Helpers for the groups tests.

`UserHandle.slash(name, **options)` can't take an option called `name` (it clashes with
its own first parameter), and `/group create` and `/group edit` have one; `slash` below
builds the same interaction without that clash."""

from __future__ import annotations

from typing import Any

from tests.emulator.replies import Reply
from tests.emulator.users import UserHandle


async def slash(user: UserHandle, command: str, in_channel: Any = None, **options: Any) -> Reply:
    data = user._command_data(command, options)
    inter, payload = user._base(2, user._channel_id(in_channel))
    payload["data"] = data
    return await user._run(inter, payload)


async def create(user: UserHandle, name: str, description: str = "About it", **options: Any):
    return await slash(user, "group create", name=name, description=description, **options)


def overwrite(channel: dict, target_id: int) -> dict:
    return next(o for o in channel["permission_overwrites"] if int(o["id"]) == int(target_id))


async def group_id(bot: Any, name: str) -> int:
    return int(await bot.store.fetchval("SELECT id FROM groups WHERE name = ?", (name,)))

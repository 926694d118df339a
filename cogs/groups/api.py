"""The small public surface other features use to read groups (SPEC: "a feature never
imports another feature's internals"). Read-only; groups own their writes."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import discord
from discord import app_commands

from cogs.groups.logic import slugify
from core.checks import huddle, is_manager
from core.errors import NotAllowed, NotFound, UserError
from core.store import Store

Scope = Literal["member", "leader", "joinable", "all"]


@dataclass(frozen=True)
class GroupRef:
    id: int
    guild_id: int
    name: str
    description: str
    visibility: str
    max_members: int | None
    timezone: str | None
    role_id: int | None
    channel_id: int | None
    voice_channel_id: int | None
    status: str
    broken: bool

    @property
    def archived(self) -> bool:
        return self.status == "archived"


def _ref(row: sqlite3.Row) -> GroupRef:
    return GroupRef(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        description=row["description"],
        visibility=row["visibility"],
        max_members=row["max_members"],
        timezone=row["timezone"],
        role_id=row["role_id"],
        channel_id=row["channel_id"],
        voice_channel_id=row["voice_channel_id"],
        status=row["status"],
        broken=bool(row["broken"]),
    )


async def get_group(store: Store, group_id: int) -> GroupRef | None:
    row = await store.fetchone("SELECT * FROM groups WHERE id = ?", (group_id,))
    return _ref(row) if row else None


_MENTION = re.compile(r"<(?:#|@&)(\d+)>")


async def find_group(store: Store, guild_id: int, text: str) -> GroupRef | None:
    """By id (an autocomplete value), by exact name in any case and spacing, by its
    role or channel mention, or by its channel's name (`book-club`, `#book-club`)."""
    text = " ".join(text.split())
    if text.isdigit():
        row = await store.fetchone(
            "SELECT * FROM groups WHERE id = ? AND guild_id = ?", (int(text), guild_id)
        )
        if row:
            return _ref(row)
    row = await store.fetchone(
        "SELECT * FROM groups WHERE guild_id = ? AND name_key = ?", (guild_id, text.casefold())
    )
    if row:
        return _ref(row)
    mention = _MENTION.fullmatch(text)
    if mention:
        row = await store.fetchone(
            "SELECT * FROM groups WHERE guild_id = ? AND ? IN (role_id, channel_id)",
            (guild_id, int(mention[1])),
        )
        return _ref(row) if row else None
    return await _by_slug(store, guild_id, text.lstrip("#"))


async def _by_slug(store: Store, guild_id: int, text: str) -> GroupRef | None:
    """The channel name typed instead of the group name; only when it names one group."""
    if not text or text != slugify(text):
        return None
    rows = await store.fetchall("SELECT * FROM groups WHERE guild_id = ?", (guild_id,))
    found = [r for r in rows if slugify(r["name"]) == text]
    return _ref(found[0]) if len(found) == 1 else None


async def resolve_group(store: Store, guild_id: int, text: str) -> GroupRef:
    group = await find_group(store, guild_id, text)
    if group is None or group.status == "pending":
        raise NotFound(f"There is no group called `{text}`. `/group list` shows them all.")
    return group


async def resolve_group_to_use(
    store: Store, guild_id: int, text: str, user_id: int, *, manager: bool, action: str
) -> GroupRef:
    """The group another feature acts for (a group poll, a group event): it must exist, not
    be archived, and the user must be a member or a manager. `action` completes the
    sentences "restore it before …" and "Only members of X can …"."""
    group = await resolve_group(store, guild_id, text)
    if group.archived:
        raise UserError(f"**{group.name}** is archived; restore it before you {action}.")
    if not manager and not await is_member(store, group.id, user_id):
        raise NotAllowed(f"Only members of **{group.name}** can {action}. Join it first.")
    return group


async def member_ids(store: Store, group_id: int) -> list[int]:
    rows = await store.fetchall(
        "SELECT user_id FROM group_members WHERE group_id = ? ORDER BY joined_at, user_id",
        (group_id,),
    )
    return [r["user_id"] for r in rows]


async def leader_ids(store: Store, group_id: int) -> list[int]:
    rows = await store.fetchall(
        "SELECT user_id FROM group_members WHERE group_id = ? AND is_leader = 1"
        " ORDER BY joined_at, user_id",
        (group_id,),
    )
    return [r["user_id"] for r in rows]


async def is_member(store: Store, group_id: int, user_id: int) -> bool:
    return (
        await store.fetchval(
            "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )
        is not None
    )


async def is_leader(store: Store, group_id: int, user_id: int) -> bool:
    return (
        await store.fetchval(
            "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ? AND is_leader = 1",
            (group_id, user_id),
        )
        is not None
    )


async def groups_of_member(store: Store, guild_id: int, user_id: int) -> list[GroupRef]:
    rows = await store.fetchall(
        "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id"
        " WHERE m.guild_id = ? AND m.user_id = ? AND g.status != 'pending' ORDER BY g.name_key",
        (guild_id, user_id),
    )
    return [_ref(r) for r in rows]


async def group_choices(
    store: Store,
    guild_id: int,
    user_id: int,
    current: str,
    scope: Scope = "member",
    *,
    manager: bool = False,
) -> list[app_commands.Choice[str]]:
    """Autocomplete choices (value = group id) for a `group:` option.

    member: groups the user belongs to; leader: groups the user leads; joinable: groups
    the user is not in and that are not invite-only; all: every active group. A manager
    sees every group for member/leader scopes."""
    like = f"%{current.strip().casefold()}%"
    base = "SELECT g.id, g.name FROM groups g WHERE g.guild_id = ? AND g.name_key LIKE ?"
    params: list[object] = [guild_id, like]
    if scope == "joinable":
        base += (
            " AND g.status = 'active' AND g.visibility != 'invite' AND NOT EXISTS"
            " (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = ?)"
        )
        params.append(user_id)
    elif scope in ("member", "leader") and not manager:
        leader = " AND m.is_leader = 1" if scope == "leader" else ""
        base += (
            " AND g.status != 'pending' AND EXISTS (SELECT 1 FROM group_members m"
            f" WHERE m.group_id = g.id AND m.user_id = ?{leader})"
        )
        params.append(user_id)
    else:
        base += " AND g.status != 'pending'"
    rows = await store.fetchall(base + " ORDER BY g.name_key LIMIT 25", params)
    return [app_commands.Choice(name=r["name"][:100], value=str(r["id"])) for r in rows]


Autocomplete = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


def group_autocomplete(scope: Scope) -> Autocomplete:
    """An autocomplete callback for a `group:` option: `group_choices` for the member
    typing, who sees every group for the member/leader scopes when a manager."""

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        manager = scope in ("member", "leader") and await is_manager(interaction)
        store = huddle(interaction).store
        user_id = interaction.user.id
        return await group_choices(
            store, interaction.guild_id, user_id, current, scope, manager=manager
        )

    return complete

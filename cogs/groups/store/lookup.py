"""Finding groups (`GroupLookup`, a collaborator of `GroupStore`): by what a user typed (id,
name, mention, channel name), by their Discord objects, a server's groups, and the
choices of an autocomplete. Reads only."""

from __future__ import annotations

import re

from cogs.groups.logic import slugify
from cogs.groups.store.models import GroupRef, Scope, group_from_row
from core.store import Store

_MENTION = re.compile(r"<(?:#|@&)(\d+)>")


class GroupLookup:
    """Reads that find groups; `GroupStore` offers each under the same name."""

    def __init__(self, db: Store) -> None:
        self.db = db

    async def find(self, guild_id: int, text: str) -> GroupRef | None:
        """By id, by name in any case and spacing, by role or channel mention, or by
        its channel's name (see `api.find_group`)."""
        text = " ".join(text.split())
        found = await self._by_id_text(guild_id, text) or await self._by_name(guild_id, text)
        if found:
            return found
        mention = _MENTION.fullmatch(text)
        if mention:
            return await self._by_object(guild_id, int(mention[1]))
        return await self._by_slug(guild_id, text.lstrip("#"))

    async def _by_id_text(self, guild_id: int, text: str) -> GroupRef | None:
        if not text.isdigit():
            return None
        row = await self.db.fetchone(
            "SELECT * FROM groups WHERE id = ? AND guild_id = ?", (int(text), guild_id)
        )
        return group_from_row(row) if row else None

    async def _by_name(self, guild_id: int, text: str) -> GroupRef | None:
        row = await self.db.fetchone(
            "SELECT * FROM groups WHERE guild_id = ? AND name_key = ?", (guild_id, text.casefold())
        )
        return group_from_row(row) if row else None

    async def _by_object(self, guild_id: int, object_id: int) -> GroupRef | None:
        row = await self.db.fetchone(
            "SELECT * FROM groups WHERE guild_id = ? AND ? IN (role_id, channel_id)",
            (guild_id, object_id),
        )
        return group_from_row(row) if row else None

    async def _by_slug(self, guild_id: int, text: str) -> GroupRef | None:
        """The channel name typed instead of the group name; only when it names one group."""
        if not text or text != slugify(text):
            return None
        rows = await self.db.fetchall("SELECT * FROM groups WHERE guild_id = ?", (guild_id,))
        found = [r for r in rows if slugify(r["name"]) == text]
        return group_from_row(found[0]) if len(found) == 1 else None

    async def name_taken(self, guild_id: int, key: str, exclude_id: int | None = None) -> bool:
        found = await self.db.fetchval(
            "SELECT id FROM groups WHERE guild_id = ? AND name_key = ?", (guild_id, key)
        )
        return found is not None and found != exclude_id

    async def id_by_role(self, role_id: int) -> int | None:
        return await self.db.fetchval("SELECT id FROM groups WHERE role_id = ?", (role_id,))

    async def creator_of(self, group_id: int) -> int | None:
        return await self.db.fetchval("SELECT created_by FROM groups WHERE id = ?", (group_id,))

    async def wants_voice(self, group_id: int) -> bool:
        return bool(await self.db.fetchval("SELECT voice FROM groups WHERE id = ?", (group_id,)))

    async def all_groups(self, guild_id: int) -> list[GroupRef]:
        """Every group with Discord objects (active or archived) on a server."""
        rows = await self.db.fetchall(
            "SELECT * FROM groups WHERE guild_id = ? AND status != 'pending'", (guild_id,)
        )
        return [group_from_row(r) for r in rows]

    async def open_groups(self, guild_id: int) -> list[GroupRef]:
        """Groups anyone may join or ask to join (a panel's buttons)."""
        rows = await self.db.fetchall(
            "SELECT * FROM groups WHERE guild_id = ? AND status = 'active'"
            " AND visibility IN ('open', 'request') ORDER BY name_key",
            (guild_id,),
        )
        return [group_from_row(r) for r in rows]

    async def choices(
        self, guild_id: int, user_id: int, current: str, scope: Scope, manager: bool
    ) -> list[tuple[int, str]]:
        """(id, name) of up to 25 groups for an autocomplete (see `api.group_choices`)."""
        where, params = _choice_filter(scope, manager, user_id)
        rows = await self.db.fetchall(
            "SELECT g.id, g.name FROM groups g WHERE g.guild_id = ? AND g.name_key LIKE ?"
            f"{where} ORDER BY g.name_key LIMIT 25",
            [guild_id, f"%{current.strip().casefold()}%", *params],
        )
        return [(r["id"], r["name"]) for r in rows]


def _choice_filter(scope: Scope, manager: bool, user_id: int) -> tuple[str, list[object]]:
    """The WHERE clause that narrows autocomplete to a scope, and its parameters."""
    if scope == "joinable":
        return (
            " AND g.status = 'active' AND g.visibility != 'invite' AND NOT EXISTS"
            " (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = ?)",
            [user_id],
        )
    if scope in ("member", "leader") and not manager:
        leader = " AND m.is_leader = 1" if scope == "leader" else ""
        return (
            " AND g.status != 'pending' AND EXISTS (SELECT 1 FROM group_members m"
            f" WHERE m.group_id = g.id AND m.user_id = ?{leader})",
            [user_id],
        )
    return " AND g.status != 'pending'", []

"""The groups feature's records as plain dataclasses, and their row mappings. Shared by
the store (which builds them) and the api (which hands them to other features)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

# Which groups an autocomplete offers (see `api.group_choices`).
Scope = Literal["member", "leader", "joinable", "all"]


@dataclass(frozen=True)
class GroupRef:
    """A group as other features see it: its settings and its Discord objects."""

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


def group_from_row(row: sqlite3.Row) -> GroupRef:
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


@dataclass(frozen=True)
class Request:
    """A join request (leaders decide) or a new group awaiting manager approval."""

    id: int
    guild_id: int
    group_id: int
    user_id: int
    kind: str
    status: str
    channel_id: int | None
    message_id: int | None


def request_from_row(row: sqlite3.Row) -> Request:
    return Request(
        id=row["id"],
        guild_id=row["guild_id"],
        group_id=row["group_id"],
        user_id=row["user_id"],
        kind=row["kind"],
        status=row["status"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
    )

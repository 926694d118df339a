"""The groups feature's public face: the only groups module other features import (a
feature never imports another feature's internals: lint-imports checks it, contracts in
pyproject.toml). Read-only, a façade over
`GroupStore`; groups own their writes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands

from cogs.groups.store import GroupRef, GroupStore, Scope, guild_group_sizes, visible_groups_clause
from core import fit
from core.checks import guild_id_of, huddle, is_manager
from core.errors import FeatureUnavailable, NotAllowed, NotFound, UserError
from core.fit import clip
from core.plaintime import plain_times
from core.store import Store

if TYPE_CHECKING:
    from core.bot import HuddleBot

__all__ = [
    "GroupRef",
    "Scope",
    "Viewer",
    "can_see_group",
    "find_group",
    "get_group",
    "group_autocomplete",
    "group_choices",
    "group_for",
    "group_name_of_role",
    "group_sizes",
    "groups_of_member",
    "is_leader",
    "is_member",
    "leader_ids",
    "member_ids",
    "members_only",
    "not_found",
    "not_leader",
    "present_member_ids",
    "require_can_see",
    "require_insider",
    "require_may",
    "resolve_group",
    "viewer_of",
    "visible_sql",
]


def _groups(store: Store) -> GroupStore:
    """A reader over the shared connection (the cache it carries is only for writes)."""
    return GroupStore(store)


async def get_group(store: Store, group_id: int) -> GroupRef | None:
    """The group with this id, in any state (pending, active, archived), or None."""
    return await _groups(store).get(group_id)


async def find_group(store: Store, guild_id: int, text: str) -> GroupRef | None:
    """By id (an autocomplete value), by exact name in any case and spacing, by its
    role or channel mention, or by its channel's name (`book-club`, `#book-club`)."""
    return await _groups(store).find(guild_id, text)


async def resolve_group(store: Store, guild_id: int, text: str) -> GroupRef:
    """Like `find_group`, but a missing (or still pending) group is a user error."""
    group = await find_group(store, guild_id, text)
    if group is None or group.status == "pending":
        raise not_found(text)
    return group


def not_found(text: str) -> NotFound:
    """The reply for a group that doesn't exist (or that the user may not see): the
    typed text is clipped and can't break out of its code span."""
    return NotFound(f"There is no group called {fit.code(text)}. `/group list` shows them all.")


def how_to_join(group: GroupRef) -> str:
    """How an outsider gets in (open, request, invite), told to an outsider who names a
    group in a command for its members."""
    named = f"`/group join group:{clip(group.name, 100).replace('`', chr(39))}`"
    if group.visibility == "open":
        return f"{named} joins it."
    if group.visibility == "request":
        return f"{named} asks its leaders to let you in."
    return "It is invite-only: one of its leaders can invite you."


def members_only(group: GroupRef, doing: str | None = None) -> NotAllowed:
    """The reply to an outsider who names a group in a command for its members: the truth
    (the group exists, `/group list` shows it) and how to join."""
    what = (
        f"Only members of **{clip(group.name, 100)}** can {doing}."
        if doing
        else (f"That is for the members of **{clip(group.name, 100)}**.")
    )
    return NotAllowed(f"{what} {how_to_join(group)}")


async def require_insider(
    store: Store, viewer: Viewer, group: GroupRef, doing: str | None = None
) -> None:
    """An outsider (not a member, leader, manager or admin) is told the group is for its
    members and how to join (`members_only`)."""
    if not await can_see_group(store, viewer, group.id):
        raise members_only(group, doing)


# -- who may act: the one check every feature's commands use -------------------------------

Need = Literal["see", "member", "lead"]


async def group_for(
    interaction: discord.Interaction, text: str, need: Need = "see", doing: str | None = None
) -> GroupRef:
    """The group a command names, once the member may act on it; every refusal reads the
    same in every feature. `need`: `see` its things (members, leaders, managers, admins);
    `member`, act for it (as `see`, and not while archived); `lead` it (leaders, managers,
    admins). `doing` ends the sentences "Only … can …" and "restore it before you …".

    An unknown (or pending) group is `not_found`; for `see`/`member` an outsider is told it
    is for its members and how to join (`members_only`); for `lead` anyone else is told
    who may (`not_leader`)."""
    group = await resolve_group(huddle(interaction).store, guild_id_of(interaction), text)
    if need == "member" and group.archived:
        raise UserError(
            f"**{clip(group.name, 100)}** is archived; restore it before you {doing or 'do that'}."
        )
    await require_may(interaction, group, need, doing)
    return group


async def require_may(
    interaction: discord.Interaction, group: GroupRef, need: Need, doing: str | None = None
) -> Viewer:
    """`group_for`'s check on a group already found (a button, a group command's target).
    Returns the viewer (whose `sees_every_group` says a manager or admin passed)."""
    viewer = await viewer_of(interaction)
    if viewer.sees_every_group:
        return viewer
    store = huddle(interaction).store
    if need == "lead":  # outsiders too: joining would not let them do it
        if not await is_leader(store, group.id, viewer.user_id):
            raise not_leader(group, doing)
    elif not await is_member(store, group.id, viewer.user_id):
        raise members_only(group, doing if need == "member" else None)
    return viewer


def not_leader(group: GroupRef, doing: str | None = None) -> NotAllowed:
    """The reply to a member who asks for what only the group's leaders may do."""
    return NotAllowed(
        f"Only leaders of **{clip(group.name, 100)}** and community managers can "
        f"{doing or 'do that'}."
    )


async def member_ids(store: Store, group_id: int) -> list[int]:
    """Every member's user id (leaders included), in the order they joined."""
    return await _groups(store).member_ids(group_id)


async def present_member_ids(bot: HuddleBot, group: GroupRef) -> list[int]:
    """The group's members still on the server, in the order they joined: members who
    left it are found (a gateway query by id) and their membership ends, freeing their
    seat. Falls back to every member when the groups cog or the server isn't at hand."""
    guild = bot.get_guild(group.guild_id)
    groups_cog: Any  # the groups cog (api.py does not import its cog module)
    try:
        groups_cog = bot.feature_cog("groups")
    except FeatureUnavailable:
        groups_cog = None
    if guild is None or groups_cog is None:
        return await member_ids(bot.store, group.id)
    return await groups_cog.members.members_present(guild, group)


async def leader_ids(store: Store, group_id: int) -> list[int]:
    """The leaders' user ids, in the order they joined."""
    return await _groups(store).member_ids(group_id, leaders_only=True)


async def is_member(store: Store, group_id: int, user_id: int) -> bool:
    """Whether the user belongs to the group (leaders are members)."""
    member, _ = await _groups(store).role_of(group_id, user_id)
    return member


async def is_leader(store: Store, group_id: int, user_id: int) -> bool:
    """Whether the user leads the group."""
    _, leader = await _groups(store).role_of(group_id, user_id)
    return leader


async def group_name_of_role(store: Store, guild_id: int, role_id: int) -> str | None:
    """The name of the group on this server whose role this is, or None (`/config
    manager-role` refuses a group's role)."""
    groups = _groups(store)
    group_id = await groups.id_by_role(role_id)
    group = await groups.get(group_id) if group_id else None
    return group.name if group and group.guild_id == guild_id else None


async def groups_of_member(store: Store, guild_id: int, user_id: int) -> list[GroupRef]:
    """The groups (active or archived) a user belongs to on a server, by name."""
    return await _groups(store).groups_of_member(guild_id, user_id)


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
    found = await _groups(store).choices(guild_id, user_id, current, scope, manager)
    return [
        app_commands.Choice(name=clip(plain_times(name), 100), value=str(gid))
        for gid, name in found
    ]


# Interaction[Any]: discord.py's autocomplete decorator is generic over the client class.
Autocomplete = Callable[
    [discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]


def group_autocomplete(scope: Scope) -> Autocomplete:
    """An autocomplete callback for a `group:` option: `group_choices` for the member
    typing, who sees every group for the member/leader scopes when a manager."""

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:  # autocomplete in a DM: offer nothing, refuse later
            return []
        manager = scope in ("member", "leader") and await is_manager(interaction)
        store = huddle(interaction).store
        user_id = interaction.user.id
        return await group_choices(
            store, interaction.guild_id, user_id, current, scope, manager=manager
        )

    return complete


# -- privacy: the one filter ---------------------------------------------------------------
# A group is private (docs/rules.md): what belongs to a group (polls, events, check-ins, goals,
# cycles, insights) is shown only to its members, leaders, managers and admins. Every read
# path of every feature asks here: lists and searches AND `visible_sql` into their query;
# a lookup by id asks `require_can_see`. Grep for `visible_sql` / `require_can_see`.


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a member of a server, and whether they see every group there
    (community managers and admins do)."""

    guild_id: int
    user_id: int
    sees_every_group: bool = False


async def viewer_of(interaction: discord.Interaction) -> Viewer:
    """The member behind an interaction, as a Viewer (refuses outside a server)."""
    return Viewer(guild_id_of(interaction), interaction.user.id, await is_manager(interaction))


def visible_sql(viewer: Viewer, column: str = "group_id") -> tuple[str, tuple[object, ...]]:
    """The privacy filter as an SQL condition and its parameters, to AND into a query:
    true for rows of no group (server-wide things) and for rows of a group the viewer may
    see. `column` is the row's group-id column, e.g. `"p.group_id"`."""
    return visible_groups_clause(column, viewer.user_id, viewer.sees_every_group)


async def can_see_group(store: Store, viewer: Viewer, group_id: int | None) -> bool:
    """Whether the viewer may see what belongs to this group (None: not a group's)."""
    if group_id is None or viewer.sees_every_group:
        return True
    return await is_member(store, group_id, viewer.user_id)


async def require_can_see(
    store: Store, viewer: Viewer, group_id: int | None, not_found: str
) -> None:
    """Refuse with `not_found` — the very reply a missing thing gets, so an outsider can't
    tell a private group's poll or event from one that doesn't exist."""
    if not await can_see_group(store, viewer, group_id):
        raise NotFound(not_found)


@dataclass(frozen=True)
class GroupSize:
    """An active group and how many members it has (insights)."""

    id: int
    name: str
    created_at: float
    members: int


async def group_sizes(store: Store, guild_id: int) -> list[GroupSize]:
    """Every active group of a server with its member count (leaders included), by name;
    one query."""
    rows = await guild_group_sizes(store, guild_id)
    return [GroupSize(r["id"], r["name"], r["created_at"], r["members"]) for r in rows]

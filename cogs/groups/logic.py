"""Pure rules for groups: names, capacity, who may create/join/leave, category overflow.

No I/O and no discord imports: the cog gathers the facts, these functions decide."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from core.ui import plural

NAME_MAX = 80  # role names allow 100, channel names 100; leave room for readable slugs
DESCRIPTION_MAX = 300
CATEGORY_LIMIT = 50  # Discord: channels per category
ROLE_LIMIT = 250  # Discord: roles per server
CHANNEL_LIMIT = 500  # Discord: channels per server
VISIBILITIES = ("open", "request", "invite")
CREATION_POLICIES = ("anyone", "role", "managers")

_SPACES = re.compile(r"\s+")
# Characters Discord drops from text-channel names (it keeps letters, digits, '-' and '_').
_SLUG_DROP = re.compile(r"[^\w\-]+", re.UNICODE)
_DASHES = re.compile(r"-{2,}")


class Verdict(Enum):
    """What `/group join` does for one member and one group."""

    JOIN = "join"
    REQUEST = "request"
    FULL = "full"
    INVITE_ONLY = "invite_only"
    ALREADY = "already"
    LIMIT = "limit"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


def clean_name(name: str) -> str:
    """The display name as stored: trimmed, inner whitespace collapsed to one space."""
    return _SPACES.sub(" ", name).strip()


def name_key(name: str) -> str:
    """The uniqueness key: names are unique per server, case-insensitive."""
    return clean_name(name).casefold()


def slugify(name: str) -> str:
    """Discord's channel slug: lower case, spaces to dashes, punctuation dropped."""
    slug = _SPACES.sub("-", clean_name(name).lower())
    slug = _DASHES.sub("-", _SLUG_DROP.sub("", slug)).strip("-")
    return slug[:100] or "group"


def name_problem(name: str) -> str | None:
    """Why a group name can't be used, or None when it is fine."""
    name = clean_name(name)
    if not name:
        return "A group name can't be empty."
    if len(name) > NAME_MAX:
        return f"A group name can be at most {NAME_MAX} characters (this one has {len(name)})."
    if name.isdigit():
        return "A group name needs at least one letter (a number alone looks like a group id)."
    if name.casefold() in ("@everyone", "@here", "everyone", "here"):
        return "That name is reserved by Discord; pick another."
    return None


def capacity(max_members: int | None, max_size: int) -> int:
    """A group's limit: its own max_members (counting everyone), capped by the server maximum."""
    if max_members is None or max_members <= 0:
        return max_size
    return min(max_members, max_size)


def max_members_problem(requested: int | None, max_size: int, current_size: int = 1) -> str | None:
    """Why a requested max_members can't be used, or None."""
    if requested is None:
        return None
    if requested < 2 or requested > max_size:
        return (
            "`max_members` counts everyone, the creator included: it must be at least 2"
            f" and at most {max_size} on this server."
        )
    if requested < current_size:
        return f"The group already has {plural(current_size, 'member')}; `max_members` can't be lower than that."
    return None


def can_create(
    policy: str, *, manager: bool, has_creator_role: bool, owned_groups: int, max_per_member: int
) -> Decision:
    """Creation policy ('anyone' | 'role' | 'managers') plus the groups-per-member limit."""
    if not manager:
        if policy == "managers":
            return Decision(False, "Only community managers can create groups on this server.")
        if policy == "role" and not has_creator_role:
            return Decision(
                False, "Creating groups needs the creator role on this server (see `/config show`)."
            )
    if owned_groups >= max_per_member and not manager:
        return Decision(False, limit_text(max_per_member))
    return Decision(True)


def groups_text(count: int) -> str:
    return plural(count, "group")


def limit_text(max_per_member: int) -> str:
    return (
        f"You're already in {groups_text(max_per_member)}, the most this server allows. "
        "Leave one with `/group leave` first."
    )


def join_verdict(
    *,
    visibility: str,
    status: str,
    already_member: bool,
    size: int,
    limit: int,
    member_groups: int,
    max_per_member: int,
    invited: bool = False,
) -> Verdict:
    """Decide what a join attempt does. Order matters: the most specific reason wins."""
    if already_member:
        return Verdict.ALREADY
    if status != "active":
        return Verdict.ARCHIVED
    if visibility == "invite" and not invited:
        return Verdict.INVITE_ONLY
    if member_groups >= max_per_member:
        return Verdict.LIMIT
    if size >= limit:
        return Verdict.FULL
    if visibility == "request" and not invited:
        return Verdict.REQUEST
    return Verdict.JOIN


def request_text(requester: int, group: str) -> str:
    """The join request leaders see (and are sent a DM about): the requester named once,
    by the mention Discord shows as their name."""
    return f"<@{requester}> asks to join **{group}**. Leaders, approve or deny:"


def full_text(name: str, size: int, limit: int) -> str:
    return f"**{name}** is full ({size}/{limit} members)."


def can_leave(*, is_leader: bool, leaders: int, status: str) -> Decision:
    """The last leader hands over (promote someone) or archives before leaving."""
    if is_leader and leaders <= 1 and status == "active":
        return Decision(
            False,
            "You're the last leader of this group. Hand it over first with `/group promote`, "
            "or archive it with `/group archive`.",
        )
    return Decision(True)


CREATOR_PROTECTED = (
    "{who} created this group: co-leaders can't demote or remove its creator."
    " A community manager or an admin can."
)


def can_demote(
    *,
    target_is_leader: bool,
    leaders: int,
    target_is_creator: bool = False,
    actor_manager: bool = False,
    actor_is_target: bool = False,
) -> Decision:
    """A co-leader can't demote the group's creator (managers and admins can; the creator
    may step down)."""
    if not target_is_leader:
        return Decision(False, "That member isn't a leader of this group.")
    if target_is_creator and not actor_manager and not actor_is_target:
        return Decision(False, CREATOR_PROTECTED.format(who="They"))
    if leaders <= 1:
        return Decision(
            False, "A group needs at least one leader: promote someone else before demoting."
        )
    return Decision(True)


def can_kick(
    *,
    target_is_member: bool,
    target_is_leader: bool,
    actor_manager: bool,
    target_is_creator: bool = False,
) -> Decision:
    if not target_is_member:
        return Decision(False, "That member isn't in this group.")
    if target_is_creator and not actor_manager:
        return Decision(False, CREATOR_PROTECTED.format(who="They"))
    if target_is_leader and not actor_manager:
        return Decision(
            False, "Leaders can't kick other leaders; demote them first with `/group demote`."
        )
    return Decision(True)


def category_name(base: str, index: int) -> str:
    """'Groups', 'Groups 2', 'Groups 3', … (index 1 is the base category)."""
    return base if index <= 1 else f"{base} {index}"


def pick_category(
    counts: list[tuple[int, int]], needed: int, limit: int = CATEGORY_LIMIT
) -> int | None:
    """Given (category_index, channel_count) in order, the first index with room for
    `needed` channels; None means a new overflow category is due."""
    for index, count in counts:
        if count + needed <= limit:
            return index
    return None


def next_overflow_index(indexes: list[int]) -> int:
    return max(indexes, default=1) + 1


def overflow_index(base: str, name: str) -> int | None:
    """1 for the base category itself, N for '<base> N', None for an unrelated name."""
    if name.casefold() == base.casefold():
        return 1
    head, _, tail = name.rpartition(" ")
    if head.casefold() == base.casefold() and tail.isdigit() and int(tail) >= 2:
        return int(tail)
    return None

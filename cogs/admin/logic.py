"""Pure rules for server configuration: validation and rendering of settings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core import fit
from core.config import FEATURES, SettingSpec
from core.errors import UserError
from core.timeparse import duration_seconds

CREATION_POLICIES = ("anyone", "role", "managers")
REMINDER_MIN, REMINDER_MAX = 60, 4 * 604800  # 1m to 4w
FEATURE_LABELS = {
    "groups": "Groups",
    "checkins": "Check-ins",
    "polls": "Polls",
    "events": "Events",
    "cycles": "Club cycles",
    "insights": "Insights",
}
MAX_GROUP_SIZE_LIMIT = 1000


def validate_reminder_offsets(text: str) -> str:
    """`1d,1h` → normalised `1d,1h`; each part must be a duration. Empty = no reminders."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > 5:
        raise UserError("Give at most 5 reminder offsets, like `1d,1h`.")
    for part in parts:
        # the range events hold each `remind` offset to (cogs.events.logic), so a default
        # can't be absurd either (`99999999999999w` was an OverflowError)
        if not REMINDER_MIN <= duration_seconds(part) <= REMINDER_MAX:
            raise UserError(
                f"The reminder {fit.code(part, 40)} is out of range. Allowed: each from "
                "`1m` to `4w`."
            )
    return ",".join(parts)


def validate_group_limits(max_size: int | None, max_per_member: int | None) -> None:
    if max_size is not None and not 2 <= max_size <= MAX_GROUP_SIZE_LIMIT:
        raise UserError(f"`max_size` must be between 2 and {MAX_GROUP_SIZE_LIMIT}.")
    if max_per_member is not None and not 1 <= max_per_member <= 100:
        raise UserError("`max_per_member` must be between 1 and 100.")


def validate_creation(creation: str | None, creator_role: int | None, current_role: Any) -> None:
    if creation == "role" and not (creator_role or current_role):
        raise UserError(
            "With `creation:role`, also pick `creator_role` — the role allowed to create groups."
        )


def feature_lines(enabled: dict[str, bool]) -> str:
    return "\n".join(
        f"{'✅' if enabled.get(f, True) else '⛔'} {FEATURE_LABELS[f]} — "
        f"{'on' if enabled.get(f, True) else '**off**'}"
        for f in FEATURES
    )


def settings_lines(specs: Iterable[SettingSpec], values: dict[str, Any]) -> dict[str, list[str]]:
    """Group the rendered settings by the feature that owns them."""
    sections: dict[str, list[str]] = {}
    for spec in specs:
        if spec.key.startswith("feature."):
            continue
        value = values.get(spec.key, spec.default)
        sections.setdefault(spec.feature, []).append(f"**{spec.label}:** {spec.show(value)}")
    return sections


def manager_role_problem(
    name: str, *, everyone: bool, managed: bool, group_name: str | None
) -> str | None:
    """Why a role can't be the community-manager role, or None. Managers approve groups
    and see every group channel: `@everyone`, a role Discord manages for a bot or an
    integration, or a group's own role would hand that to the wrong people."""
    if everyone:
        return "`@everyone` can't be the community-manager role: it would make everyone a manager."
    if managed:
        return (
            f"**{name}** is managed by a bot or an integration, so no person can be given it."
            " Pick a role you hand out to your community managers."
        )
    if group_name is not None:
        return (
            f"**{name}** is the role of the group **{group_name}**: its members would manage"
            " every group. Pick a role of its own for community managers."
        )
    return None


def readers_problem(purpose: str, readers: Sequence[str], members: int) -> str | None:
    """Why a channel is refused for the log or the digest (they name groups' polls,
    events and figures, so only managers and admins may read them): the roles that
    can read it (`@everyone` among them) and how many members have their own access.
    None when only managers and admins can."""
    if not readers and not members:
        return None
    who = [f"**{name}**" for name in readers[:5]]
    if len(readers) > 5:
        who.append(f"{len(readers) - 5} more roles")
    if members:
        who.append(f"{members} member{'s' if members != 1 else ''} given access by hand")
    return (
        f"That channel can be read by {', '.join(who)}, not only managers and admins. "
        f"{purpose} names groups' polls, events and figures, so pick a channel only "
        "managers and admins can see (deny View Channel to @everyone and to group roles)."
    )

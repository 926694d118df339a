"""The checks of `/cycle start` (`plan_start`): the cycle it starts, or its refusal."""

from __future__ import annotations

from dataclasses import dataclass

from cogs.cycles.logic.limits import (
    DEFAULTS,
    NAME_MAX,
    NOMINATE_RANGE,
    VOTE_RANGE,
    check_fits_cadence,
    check_per_member,
    check_range,
    spoken_duration,
)
from cogs.cycles.logic.slot import check_slot_cadence, parse_meet
from cogs.cycles.logic.slot_times import first_meeting, local_iso, squeezed_slot
from core import fit
from core.errors import BotMissingPermission, UserError
from core.timeparse import duration_seconds
from core.ui import when_text


@dataclass(frozen=True)
class NewCycle:
    """A cycle as `/cycle start` settled it, to be stored."""

    guild_id: int
    group_id: int
    name: str
    meet: str
    cadence: str
    nominate_s: int
    vote_s: int
    checkins: bool
    per_member: int
    timezone: str
    anchor: str
    created_by: int
    created_at: float


@dataclass(frozen=True)
class StartOptions:
    """The options of `/cycle start` as typed (None: left out)."""

    name: str
    meet: str
    cadence: str | None = None
    nominate: str | None = None
    vote: str | None = None
    checkins: bool = True
    per_member: int = 1


@dataclass(frozen=True)
class StartPlace:
    """What the bot knows of the group a cycle would start in, looked up beforehand."""

    guild_id: int
    group_id: int
    group_name: str
    archived: bool
    channel_works: bool  # it has a channel, not marked broken
    runs_cycle: bool  # an active cycle already
    missing_permission: str | None  # what the bot lacks to post in the channel, if anything
    timezone: str  # the group's, else the server's


def plan_start(options: StartOptions, place: StartPlace, now: float, by: int) -> NewCycle:
    """The cycle `/cycle start` starts, or its refusal raised as a UserError (sent to the
    leader as an ephemeral error), the first that applies in this order: the group, the
    name, the slot and cadence, the lengths, a cycle already running, the channel, and a
    meeting that would fall inside the nomination or vote window."""
    if place.archived:
        raise UserError(f"**{place.group_name}** is archived; restore it before you start a cycle.")
    title = " ".join(options.name.split())
    if not title:
        raise UserError("Give the cycle a `name`, like `Book of the month`.")
    if len(title) > NAME_MAX:
        raise UserError(f"`name` can be at most {NAME_MAX} characters long.")
    slot = parse_meet(options.meet)
    cadence = options.cadence or ("monthly" if slot.ordinal is not None else None)
    if cadence is None:
        raise UserError(
            f"{fit.code(options.meet)} is a weekly slot, but the cadence is monthly by "
            "default: choose cadence `weekly` or `biweekly`, or write `meet` like "
            f"`last {slot.text}`."
        )
    check_slot_cadence(slot, cadence)
    default_nominate, default_vote = DEFAULTS[cadence]
    nominate = _option_seconds("nominate", options.nominate, default_nominate, NOMINATE_RANGE)
    vote = _option_seconds("vote", options.vote, default_vote, VOTE_RANGE)
    check_per_member(options.per_member)
    check_fits_cadence(cadence, nominate, vote)
    _check_place(place)
    zone = place.timezone
    first = first_meeting(slot, cadence, zone, now, nominate, vote)
    anchor = local_iso(first, zone)
    squeezed = squeezed_slot(slot, cadence, zone, first, nominate, vote, anchor)
    if squeezed is not None:
        meeting, window_end = squeezed
        raise UserError(
            f"The meeting {when_text(meeting)} would fall inside the nomination or vote "
            f"window: after the meeting before it, nominations ({spoken_duration(nominate)}) "
            f"and the vote ({spoken_duration(vote)}) run until {when_text(window_end)}. "
            "Shorten `nominate` or `vote`."
        )
    return NewCycle(
        guild_id=place.guild_id, group_id=place.group_id, name=title, meet=slot.text,
        cadence=cadence, nominate_s=int(nominate), vote_s=int(vote), checkins=options.checkins,
        per_member=options.per_member, timezone=zone, anchor=anchor, created_by=by,
        created_at=now,
    )  # fmt: skip


def _option_seconds(
    option: str, text: str | None, default: float, bounds: tuple[int, int]
) -> float:
    if text is None or not text.strip():
        return default
    return check_range(option, duration_seconds(text), bounds)


def _check_place(place: StartPlace) -> None:
    if place.runs_cycle:
        raise UserError(
            f"**{place.group_name}** already runs a cycle. `/cycle status` shows it; "
            "`/cycle stop` ends it before you start another."
        )
    if not place.channel_works:
        raise UserError(f"**{place.group_name}** has no working channel; `/group repair` fixes it.")
    if place.missing_permission is not None:
        raise BotMissingPermission(
            place.missing_permission, "post the cycle in the group's channel"
        )

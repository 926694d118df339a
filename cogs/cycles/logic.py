"""Club cycles' pure rules: reading the meeting slot, the defaults and ranges, the period
rule (when a period's meeting is), the checks of `/cycle start` (`plan_start`), nomination
keys and ranking, the tie rule. No I/O, no discord: times are UTC epoch seconds, wall
clocks are read in an IANA zone."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from core import fit
from core.errors import BotMissingPermission, UserError
from core.timeparse import duration_seconds, parse_clock
from core.ui import plural, when_text

if TYPE_CHECKING:
    from dateutil.rrule import rrule

CADENCES = ("monthly", "biweekly", "weekly")
CADENCE_DAYS = {"monthly": 30, "biweekly": 14, "weekly": 7}
DAY = 86400
HOUR = 3600
# (cadence) -> (nominate, vote) defaults in seconds
DEFAULTS = {
    "monthly": (5 * DAY, 2 * DAY),
    "biweekly": (5 * DAY, 2 * DAY),
    "weekly": (2 * DAY, 1 * DAY),
}
NOMINATE_RANGE = (1 * HOUR, 28 * DAY)
VOTE_RANGE = (1 * HOUR, 14 * DAY)
PER_MEMBER_RANGE = (1, 5)
RUNOFF = 24 * HOUR
MEETING_LENGTH = HOUR
BACKSTOP_DELAY = 60.0  # after the meeting slot's end, the meeting is checked (it may never end)
LATE_CLOSE = 300.0  # a nomination deadline handled later than this gives the vote its full length
PROMPT_DAYS_BEFORE = 3  # reading check-ins: weekly, 3 days before the meeting's weekday
MAX_POLL_OPTIONS = 20
TITLE_MAX = 100
NOTE_MAX = 300
NAME_MAX = 80

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "last": -1,
}  # fmt: skip
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_DAY_RE = "|".join(sorted({*WEEKDAYS, *(d[:3] for d in WEEKDAYS)}, key=len, reverse=True))
_MEET = re.compile(
    rf"^(?:(?:every|each)\s+)?(?:(?P<ord>{'|'.join(ORDINALS)})\s+)?(?P<day>{_DAY_RE})s?"
    r"(?:\s+of\s+the\s+month)?\s+(?:at\s+)?(?P<clock>\S.{0,40})$"
)


@dataclass(frozen=True)
class Slot:
    """A meeting slot: `ordinal` None = every week (weekly/biweekly), else the n-th
    (-1 = last) such weekday of the month."""

    weekday: int  # 0 = Monday
    at: time
    ordinal: int | None

    @property
    def text(self) -> str:
        day = WEEKDAYS[self.weekday]
        clock = f"{self.at.hour:02d}:{self.at.minute:02d}"
        if self.ordinal is None:
            return f"{day} {clock}"
        return f"{ORDINAL_WORDS[self.ordinal]} {day} {clock}"


def parse_meet(text: str) -> Slot:
    """`last thursday 19:00` (monthly), `thursday 19:00` (weekly/biweekly)."""
    cleaned = " ".join(text.strip().lower().split())
    match = _MEET.match(cleaned)
    if match is None:
        raise UserError(
            f"I can't read {fit.code(text)} as a meeting slot. Write a weekday and a time: "
            "`thursday 19:00` or `thursday 7pm` (weekly or biweekly), or for monthly "
            "`first`…`fourth` or `last` before it, like `last thursday 7pm`."
        )
    day = match["day"][:3]
    weekday = next(i for i, name in enumerate(WEEKDAYS) if name.startswith(day))
    ordinal = ORDINALS[match["ord"]] if match["ord"] else None
    try:  # the time of day as /event create reads it (the one time reader)
        at = parse_clock(match["clock"])
    except UserError:
        raise UserError(
            f"I can't read {fit.code(match['clock'])} in {fit.code(text)} as a time of day. "
            "Write it like `19:00` or `7pm`: `last thursday 7pm`."
        ) from None
    return Slot(weekday, at, ordinal)


def check_slot_cadence(slot: Slot, cadence: str) -> None:
    if cadence not in CADENCES:
        raise UserError(f"`cadence` is one of {', '.join(CADENCES)}, not {fit.code(cadence)}.")
    if cadence == "monthly" and slot.ordinal is None:
        raise UserError(
            f"A monthly cycle meets on one weekday of the month: write `meet` like "
            f"`last {slot.text}` or `first {slot.text}`, or choose cadence `weekly` or "
            "`biweekly`."
        )
    if cadence != "monthly" and slot.ordinal is not None:
        day = WEEKDAYS[slot.weekday]
        raise UserError(
            f"`{slot.text}` is a monthly slot, but the cadence is {cadence}: write `meet` "
            f"like `{day} {slot.at.hour:02d}:{slot.at.minute:02d}`, or choose cadence `monthly`."
        )


def duration_text(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("w", 7 * DAY), ("d", DAY), ("h", HOUR), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def spoken_duration(seconds: float) -> str:
    """A duration as people say it: `2 days`, `1 week`, `36 hours`, `90 minutes`."""
    seconds = int(seconds)
    for word, size in (("week", 7 * DAY), ("day", DAY), ("hour", HOUR), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            return plural(seconds // size, word)
    return plural(seconds, "second")


def slot_words(slot: Slot, cadence: str) -> str:
    """When we meet, said as people do: `the last Thursday of each month at 19:00`,
    `every Thursday at 19:00`, `every other Thursday at 19:00`."""
    day = WEEKDAYS[slot.weekday].capitalize()
    clock = f"{slot.at.hour:02d}:{slot.at.minute:02d}"
    if slot.ordinal is not None:
        return f"the {ORDINAL_WORDS[slot.ordinal]} {day} of each month at {clock}"
    every = "every other" if cadence == "biweekly" else "every"
    return f"{every} {day} at {clock}"


def check_range(what: str, seconds: float, bounds: tuple[int, int]) -> float:
    low, high = bounds
    if not low <= seconds <= high:
        raise UserError(
            f"`{what}` must be between {duration_text(low)} and {duration_text(high)} "
            f"(you gave {duration_text(seconds)})."
        )
    return seconds


def check_per_member(value: int) -> int:
    low, high = PER_MEMBER_RANGE
    if not low <= value <= high:
        raise UserError(f"`per_member` must be between {low} and {high} (you gave {value}).")
    return value


def check_fits_cadence(cadence: str, nominate: float, vote: float) -> None:
    days = CADENCE_DAYS[cadence]
    if nominate + vote > days * DAY:
        raise UserError(
            f"Nominations ({spoken_duration(nominate)}) and the vote ({spoken_duration(vote)}) "
            f"together are longer than the {cadence} cadence ({days} days). Shorten `nominate` "
            "or `vote`."
        )


# -- slots in time ------------------------------------------------------------------------


def _rule(slot: Slot, cadence: str, start: datetime, anchor: datetime | None) -> rrule:
    # dateutil (with six: 0.3 MB) is loaded by the first cycle that needs a date, not at start
    from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekdays

    day = weekdays[slot.weekday]
    wall = {"byhour": slot.at.hour, "byminute": slot.at.minute, "bysecond": 0}
    if cadence == "monthly":
        return rrule(MONTHLY, dtstart=start, byweekday=day(slot.ordinal), **wall)
    if cadence == "biweekly" and anchor is not None:
        return rrule(WEEKLY, interval=2, dtstart=anchor, byweekday=day, **wall)
    return rrule(WEEKLY, dtstart=start, byweekday=day, **wall)


def _local(epoch: float, zone: str) -> datetime:
    return datetime.fromtimestamp(epoch, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def _epoch(naive: datetime, zone: str) -> float:
    """Wall-clock time in `zone` as UTC epoch; a time skipped by DST moves forward."""
    tz = zoneinfo.ZoneInfo(zone)
    aware = naive.replace(tzinfo=tz)
    back = datetime.fromtimestamp(aware.timestamp(), tz).replace(tzinfo=None)
    if back != naive:  # in a spring-forward gap: the first real moment after it
        aware = naive.replace(tzinfo=tz, fold=1)
    return aware.timestamp()


def slots_after(
    slot: Slot, cadence: str, zone: str, after: float, count: int, anchor: str | None = None
) -> list[float]:
    """The next `count` meeting slots strictly after `after` (UTC epochs). Biweekly slots
    keep the parity of `anchor` (the first meeting, a local ISO datetime)."""
    start = _local(after, zone).replace(second=0, microsecond=0) - timedelta(days=1)
    anchor_dt = datetime.fromisoformat(anchor) if anchor else None
    out: list[float] = []
    for naive in _rule(slot, cadence, start, anchor_dt):
        epoch = _epoch(naive, zone)
        if epoch > after:
            out.append(epoch)
            if len(out) >= count:
                break
    return out


def first_meeting(
    slot: Slot,
    cadence: str,
    zone: str,
    opens_at: float,
    nominate: float,
    vote: float,
    *,
    anchor: str | None = None,
    not_before: float = 0.0,
) -> float:
    """The period rule: the first `meet` slot that leaves `nominate` + `vote` after the
    period opens (and comes after the previous meeting, `not_before`)."""
    earliest = max(opens_at + nominate + vote, not_before) - 1e-6
    return slots_after(slot, cadence, zone, earliest, 1, anchor)[0]


def local_iso(epoch: float, zone: str) -> str:
    return _local(epoch, zone).isoformat()


def squeezed_slot(
    slot: Slot, cadence: str, zone: str, first: float, nominate: float, vote: float, anchor: str
) -> tuple[float, float] | None:
    """A meeting that would fall inside the nomination or vote window: after a meeting
    (and its hour), the next period's nominate + vote must end before the next slot.
    Returns (meeting, window end) of the first slot that would be skipped, over a year."""
    slots = [first, *slots_after(slot, cadence, zone, first, 13, anchor)]
    for previous, following in pairwise(slots):
        window_end = previous + MEETING_LENGTH + nominate + vote
        if window_end > following:
            return following, window_end
    return None


# -- /cycle start -------------------------------------------------------------------------


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


# -- nominations --------------------------------------------------------------------------


def title_key(title: str) -> str:
    """The same title in any case or spacing counts once."""
    return " ".join(title.split()).casefold()


def clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise UserError("Give the title you nominate, like `pick: Dune`.")
    if len(cleaned) > TITLE_MAX:
        raise UserError(
            f"A nomination can be at most {TITLE_MAX} characters long (yours is {len(cleaned)}); "
            "put the author or a link in `note`."
        )
    return cleaned


def clean_note(note: str | None) -> str:
    cleaned = " ".join((note or "").split())
    if len(cleaned) > NOTE_MAX:
        raise UserError(
            f"A note can be at most {NOTE_MAX} characters long (yours is {len(cleaned)})."
        )
    return cleaned


@dataclass(frozen=True)
class Nominee:
    """One title with everyone who nominated it (the first is its nominator, the others
    its seconders), in the order they did."""

    key: str
    title: str
    note: str
    nominators: tuple[int, ...]
    first_at: float

    @property
    def seconders(self) -> int:
        return len(self.nominators) - 1


def ballot(nominees: Sequence[Nominee], limit: int = MAX_POLL_OPTIONS) -> list[Nominee]:
    """The poll's options: the most seconded first (ties: the earliest nomination first),
    at most `limit`."""
    ranked = sorted(nominees, key=lambda n: (-len(n.nominators), n.first_at, n.key))
    return ranked[:limit]


def earliest(nominees: Sequence[Nominee], titles: Sequence[str]) -> Nominee:
    """Of the nominees among `titles`, the one nominated first (the last tie-break)."""
    wanted = {title_key(t) for t in titles}
    pool = [n for n in nominees if n.key in wanted] or list(nominees)
    return min(pool, key=lambda n: (n.first_at, n.key))

"""Pure rules for events: RSVPs and the waitlist, reminder times, best find-time slot.
No I/O, no discord imports; time comes in as `now`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from core import fit
from core.errors import UserError
from core.letters import MAX_LETTERS, split_list
from core.timeparse import duration_seconds

STATUSES: tuple[str, ...] = ("going", "maybe", "cant")
STATUS_LABELS: dict[str, str] = {"going": "Going", "maybe": "Maybe", "cant": "Can't"}
ATTENDANCE: tuple[str, ...] = ("going", "maybe", "cant", "waitlist")
REPEATS: tuple[str, ...] = ("none", "daily", "weekly", "biweekly", "monthly")
MAX_SLOTS = MAX_LETTERS  # one reaction (🇦 … 🇹) per slot


@dataclass(frozen=True)
class Rsvp:
    user_id: int
    status: str  # going | maybe | cant | waitlist
    seq: int  # answer order; the waitlist moves up by it
    display_name: str = ""


@dataclass(frozen=True)
class RsvpOutcome:
    """What an answer changed: rows to write, where the member ended up, who moved up."""

    changed: list[Rsvp] = field(default_factory=list)
    final_status: str = ""
    promoted: list[int] = field(default_factory=list)


def going_count(rsvps: Iterable[Rsvp]) -> int:
    return sum(1 for r in rsvps if r.status == "going")


def attendance(rsvps: Iterable[Rsvp]) -> dict[str, int]:
    """How many answered each way: `going`, `maybe`, `cant` and `waitlist` (zeros kept)."""
    counts = dict.fromkeys(ATTENDANCE, 0)
    for rsvp in rsvps:
        counts[rsvp.status] += 1
    return counts


def waitlist(rsvps: Iterable[Rsvp]) -> list[Rsvp]:
    return sorted((r for r in rsvps if r.status == "waitlist"), key=lambda r: r.seq)


def has_room(rsvps: Sequence[Rsvp], capacity: int | None) -> bool:
    return capacity is None or going_count(rsvps) < capacity


def apply_rsvp(
    rsvps: Sequence[Rsvp], user_id: int, status: str, capacity: int | None, name: str = ""
) -> RsvpOutcome:
    """A member answers `status`. Going beyond capacity joins the waitlist (at its end);
    leaving Going frees a seat for the first on the waitlist. A repeated answer changes
    nothing (a waitlisted member who presses Going again keeps their place)."""
    if status not in STATUSES:
        raise ValueError(f"unknown RSVP status {status!r}")
    current = next((r for r in rsvps if r.user_id == user_id), None)
    name = name or (current.display_name if current else "")
    if current is not None and (
        current.status == status or (status, current.status) == ("going", "waitlist")
    ):
        if current.display_name != name:
            return RsvpOutcome([replace(current, display_name=name)], current.status)
        return RsvpOutcome([], current.status)
    others = [r for r in rsvps if r.user_id != user_id]
    seq = max((r.seq for r in rsvps), default=0) + 1
    final = status
    if status == "going" and not has_room(others, capacity):
        final = "waitlist"
    mine = Rsvp(user_id, final, seq, name)
    changed = [mine]
    promoted: list[Rsvp] = []
    if current is not None and current.status == "going" and final != "going":
        promoted = promotions(others, capacity)
        changed += [replace(r, status="going") for r in promoted]
    return RsvpOutcome(changed, final, [r.user_id for r in promoted])


def promotions(rsvps: Sequence[Rsvp], capacity: int | None) -> list[Rsvp]:
    """Waitlisted members who move up to Going, in waitlist order, while seats are free."""
    queue = waitlist(rsvps)
    if capacity is None:
        return queue
    free = max(capacity - going_count(rsvps), 0)
    return queue[:free]


def reminder_times(start_at: float, offsets: Iterable[int], now: float) -> list[tuple[int, float]]:
    """(offset, due_at) for each reminder still ahead of `now`, earliest first. A reminder
    already in the past when the event is scheduled is skipped (nobody could act on it)."""
    due = [(o, start_at - o) for o in offsets if o > 0 and start_at - o > now]
    return sorted(due, key=lambda pair: pair[1])


def should_send_reminder(start_at: float, end_at: float, now: float) -> bool:
    """A late reminder (the bot was down) still goes out until the event has ended."""
    return now < end_at


def best_slot(slots: Sequence[float], voters: Sequence[set[int]]) -> int | None:
    """Index of the slot that suits the most members; ties go to the earliest slot.
    None when nobody answered."""
    best: int | None = None
    for index, (slot, people) in enumerate(zip(slots, voters, strict=True)):
        if not people:
            continue
        if best is None or (len(people), -slot) > (len(voters[best]), -slots[best]):
            best = index
    return best


def split_options(text: str) -> list[str]:
    return [part for part in split_list(text) if part]


def format_offset(seconds: int) -> str:
    """3600 → `1h`, 90000 → `1d1h`, 5400 → `1h30m`."""
    parts = []
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"


def parse_offset_list(stored: str) -> list[int]:
    """The stored form `86400,3600` → [86400, 3600]."""
    return [int(part) for part in stored.split(",") if part.strip()]


# -- ranges of the number and duration options: a value out of range is refused with the
# allowed range ------------------------------------------------------------------------------

MIN_DURATION = 60  # 1m
MAX_DURATION = 7 * 86400  # 7d
MAX_REMINDERS = 5  # like `/config reminders`
MIN_OFFSET = 60  # 1m
MAX_OFFSET = 4 * 604800  # 4w
MAX_CAPACITY = 10000
DURATION_RANGE = "from `1m` to `7d`"
OFFSET_RANGE = "each from `1m` to `4w`"
CAPACITY_RANGE = f"from 1 to {MAX_CAPACITY:,}"


def bounded_duration(text: str, option: str, low: int, high: int, allowed: str) -> int:
    """A duration option (`90m`, `2h`) in seconds, refused with the allowed range when it
    is out of it, however absurd (`99999999999999d` does not overflow)."""
    try:
        seconds = duration_seconds(text)
    except UserError as exc:
        raise UserError(f"`{option}`: {exc.message} Allowed: {allowed}.") from None
    if not low <= seconds <= high:
        raise UserError(f"`{option}` {fit.code(text, 40)} is out of range. Allowed: {allowed}.")
    return int(seconds)


def event_length(text: str) -> int:
    """`duration`: an event lasts from a minute to a week."""
    return bounded_duration(text, "duration", MIN_DURATION, MAX_DURATION, DURATION_RANGE)


def reminder_offsets(text: str) -> list[int]:
    """`remind`: `1d,1h` → seconds, largest first, no duplicates; at most five, each from a
    minute to four weeks. `none`/`off`/`0` means no reminders."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none", "off", "0", "no"):
        return []
    parts = [p.strip() for p in cleaned.split(",") if p.strip()]
    if len(parts) > MAX_REMINDERS:
        raise UserError(
            f"`remind` takes at most {MAX_REMINDERS} offsets (you gave {len(parts)}), like `1d,1h`."
        )
    seconds = {bounded_duration(p, "remind", MIN_OFFSET, MAX_OFFSET, OFFSET_RANGE) for p in parts}
    return sorted(seconds, reverse=True)


def check_capacity(capacity: int | None, *, zero_allowed: bool = False) -> None:
    """`capacity`: 1–10,000 (`/event edit` also takes 0: no limit)."""
    if capacity is None or (zero_allowed and capacity == 0):
        return
    if not 1 <= capacity <= MAX_CAPACITY:
        extra = " (0 removes the limit)" if zero_allowed else ""
        raise UserError(f"`capacity` must be {CAPACITY_RANGE}{extra}.")


# -- fan-out: a reminder to many members is split into small jobs --------------------------

MENTIONS_PER_JOB = 100
DMS_PER_JOB = 25


def batches(items: Sequence[int], size: int) -> list[list[int]]:
    """`items` in order, cut into lists of at most `size`."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def option_prefix(text: str) -> tuple[str, str]:
    """For autocompleting `;`-separated options: (what was typed before the last part,
    including its `; `, the last part being typed)."""
    head, sep, last = text.rpartition(";")
    if not sep:
        return "", text.strip()
    done = [p.strip() for p in head.split(";") if p.strip()]
    return "; ".join(done) + "; " if done else "", last.strip()


# -- who came (docs/rules.md, "Who came") -------------------------------------------------

MIN_PRESENCE = 10 * 60  # in the event's voice channel this long, in total, during it
HERE_EARLY = 30 * 60  # the I'm here button opens this long before the start


def presence_seconds(
    stays: Iterable[tuple[float, float | None]], start: float, end: float, now: float
) -> float:
    """Seconds of [start, end] covered by `stays` ((joined, left or None while there))."""
    total = 0.0
    for joined, left in stays:
        until = min(end, now if left is None else left)
        total += max(0.0, until - max(start, joined))
    return total


def came_by_voice(
    stays: Iterable[tuple[int, float, float | None]], start: float, end: float, now: float
) -> list[int]:
    """The users whose stays ((user, joined, left)) add up to `MIN_PRESENCE` during the
    event, in the order they first joined."""
    by_user: dict[int, list[tuple[float, float | None]]] = {}
    for user_id, joined, left in sorted(stays, key=lambda s: s[1]):
        by_user.setdefault(user_id, []).append((joined, left))
    return [
        user_id
        for user_id, own in by_user.items()
        if presence_seconds(own, start, end, now) >= MIN_PRESENCE
    ]


def here_window_problem(start: float, end: float, now: float) -> str | None:
    """Why the I'm here button can't be pressed now, or None."""
    if now < start - HERE_EARLY:
        return f"**I'm here** opens 30 minutes before the start: <t:{int(start - HERE_EARLY)}:R>."
    if now > end:
        return "This event is over; **I'm here** works until its end."
    return None

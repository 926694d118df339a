"""Pure rules for events: RSVPs and the waitlist, reminder times, best find-time slot.
No I/O, no discord imports; time comes in as `now`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from core.letters import MAX_LETTERS, split_list

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

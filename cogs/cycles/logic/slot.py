"""The meeting slot: `last thursday 19:00` read, checked against the cadence, and said
as people do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from cogs.cycles.logic.limits import CADENCES
from core import fit
from core.errors import UserError
from core.timeparse import parse_clock

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


def slot_words(slot: Slot, cadence: str) -> str:
    """When we meet, said as people do: `the last Thursday of each month at 19:00`,
    `every Thursday at 19:00`, `every other Thursday at 19:00`."""
    day = WEEKDAYS[slot.weekday].capitalize()
    clock = f"{slot.at.hour:02d}:{slot.at.minute:02d}"
    if slot.ordinal is not None:
        return f"the {ORDINAL_WORDS[slot.ordinal]} {day} of each month at {clock}"
    every = "every other" if cadence == "biweekly" else "every"
    return f"{every} {day} at {clock}"

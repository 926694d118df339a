"""Club cycles' lengths: the defaults and ranges of a period's windows, their checks, and
durations written out (`5d`, `2 days`)."""

from __future__ import annotations

from core.errors import UserError
from core.ui import plural

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

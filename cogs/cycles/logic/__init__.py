"""Club cycles' pure rules: no I/O, no discord, no store; times are UTC epoch seconds,
wall clocks are read in an IANA zone.

This package re-exports its modules, so callers keep using `logic.<name>`: `limits` (the
defaults and ranges of the windows, durations written out), `slot` (reading the meeting
slot), `slot_times` (the period rule: when a period's meeting is, across DST),
`start` (the checks of `/cycle start`, `plan_start`) and `nominations` (title keys,
the ballot's ranking, the tie rule). `time` is `datetime.time`, the type of `Slot.at`.
"""

from __future__ import annotations

from cogs.cycles.logic.limits import (
    BACKSTOP_DELAY,
    CADENCE_DAYS,
    CADENCES,
    DAY,
    DEFAULTS,
    HOUR,
    LATE_CLOSE,
    MAX_POLL_OPTIONS,
    MEETING_LENGTH,
    NAME_MAX,
    NOMINATE_RANGE,
    NOTE_MAX,
    PER_MEMBER_RANGE,
    PROMPT_DAYS_BEFORE,
    RUNOFF,
    TITLE_MAX,
    VOTE_RANGE,
    check_fits_cadence,
    check_per_member,
    check_range,
    duration_text,
    spoken_duration,
)
from cogs.cycles.logic.nominations import (
    Nominee,
    ballot,
    clean_note,
    clean_title,
    earliest,
    title_key,
)
from cogs.cycles.logic.slot import (
    ORDINAL_WORDS,
    ORDINALS,
    WEEKDAYS,
    Slot,
    check_slot_cadence,
    parse_meet,
    slot_words,
    time,
)
from cogs.cycles.logic.slot_times import (
    first_meeting,
    local_iso,
    slots_after,
    squeezed_slot,
)
from cogs.cycles.logic.start import (
    NewCycle,
    StartOptions,
    StartPlace,
    plan_start,
)

__all__ = [
    "BACKSTOP_DELAY",
    "CADENCES",
    "CADENCE_DAYS",
    "DAY",
    "DEFAULTS",
    "HOUR",
    "LATE_CLOSE",
    "MAX_POLL_OPTIONS",
    "MEETING_LENGTH",
    "NAME_MAX",
    "NOMINATE_RANGE",
    "NOTE_MAX",
    "ORDINALS",
    "ORDINAL_WORDS",
    "PER_MEMBER_RANGE",
    "PROMPT_DAYS_BEFORE",
    "RUNOFF",
    "TITLE_MAX",
    "VOTE_RANGE",
    "WEEKDAYS",
    "NewCycle",
    "Nominee",
    "Slot",
    "StartOptions",
    "StartPlace",
    "ballot",
    "check_fits_cadence",
    "check_per_member",
    "check_range",
    "check_slot_cadence",
    "clean_note",
    "clean_title",
    "duration_text",
    "earliest",
    "first_meeting",
    "local_iso",
    "parse_meet",
    "plan_start",
    "slot_words",
    "slots_after",
    "spoken_duration",
    "squeezed_slot",
    "time",
    "title_key",
]

"""Plain records the events store returns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cogs.events.logic import parse_offset_list
from core.ui import message_link


@dataclass(frozen=True)
class Event:
    id: int
    guild_id: int
    group_id: int | None
    title: str
    description: str
    location: str
    voice_channel_id: int | None
    start_at: float
    end_at: float
    timezone: str
    repeat: str
    rrule: str | None
    remind: str
    capacity: int | None
    channel_id: int | None
    message_id: int | None
    scheduled_event_id: int | None
    status: str
    created_by: int
    created_at: float
    # Calendar bookkeeping (migration 0010); defaults for records built by hand.
    series_start: float | None = None  # a series' first meeting: its RRULE's anchor
    occurrence_at: float | None = None  # the rule's time of the current meeting if moved
    sequence: int = 0  # iCalendar SEQUENCE: bumped by every change a calendar shows
    updated_at: float | None = None
    cancelled_at: float | None = None

    @property
    def duration(self) -> float:
        return self.end_at - self.start_at

    @property
    def offsets(self) -> list[int]:
        return parse_offset_list(self.remind)

    @property
    def recurring(self) -> bool:
        return self.rrule is not None

    @property
    def slot_at(self) -> float:
        """The rule's time of the current meeting (its start unless it was moved)."""
        return self.start_at if self.occurrence_at is None else self.occurrence_at

    @property
    def location_text(self) -> str:
        if self.location:
            return self.location
        return "Discord voice channel" if self.voice_channel_id else ""

    def link(self) -> str:
        return message_link(self.guild_id, self.channel_id, self.message_id)

    @classmethod
    def from_row(cls, row: Any) -> Event:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class FindTime:
    id: int
    guild_id: int
    group_id: int | None
    title: str
    slots: list[float]
    timezone: str
    channel_id: int
    message_id: int | None
    closes_at: float
    status: str
    best_slot: float | None
    votes: int
    event_id: int | None
    created_by: int
    created_at: float

    def link(self) -> str:
        return message_link(self.guild_id, self.channel_id, self.message_id)

    @classmethod
    def from_row(cls, row: Any) -> FindTime:
        values = {name: row[name] for name in cls.__dataclass_fields__}
        values["slots"] = json.loads(values["slots"])
        return cls(**values)


@dataclass(frozen=True)
class EventDraft:
    """A new event as a command or another feature describes it, before it is stored."""

    guild_id: int
    group_id: int | None
    title: str
    description: str
    location: str
    voice_channel_id: int | None
    start_at: float
    end_at: float
    timezone: str
    repeat: str
    rrule: str | None
    remind: str
    capacity: int | None
    channel_id: int | None
    created_by: int


@dataclass(frozen=True)
class OccurrenceChange:
    """One meeting of a series skipped or moved; `slot_at` is the rule's time of it."""

    event_id: int
    slot_at: float
    status: str  # skipped or moved
    start_at: float | None
    end_at: float | None
    changed_at: float

    @classmethod
    def from_row(cls, row: Any) -> OccurrenceChange:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


Person = tuple[int, str]  # (user id, display name as it was; '' when not known)


@dataclass(frozen=True)
class EndedOccurrence:
    """An occurrence that ended: who had said Going, how many answered, who came (None:
    not known: no voice channel and nobody pressed I'm here)."""

    event_id: int
    start: float
    going: list[Person]
    answered: int
    came: list[Person] | None

"""The polls feature's records as plain dataclasses, and their row mapping: what the
stores return and the rest of the feature (and `api.py`) hands around."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from cogs.polls.logic import Rules
from core.ui import message_link

OnClose = tuple[str, dict[str, Any]]  # (scheduler job kind, payload) to run at close
# The privacy filter (groups.api.visible_sql on `group_id`): an SQL condition and its
# parameters, ANDed into every query that shows polls to someone, so a group's polls
# are seen only by its members (and managers and admins).
Visible = tuple[str, tuple[object, ...]]
StaleKey = tuple[int, str]  # (user id, emoji) of a reaction the bot must remove; user 0 = all


@dataclass(frozen=True)
class Presentation:
    """How a poll made by another feature reads: `intro` above its options, a note under
    each option (`option_notes`, in option order, already escaped by the owner), and
    whether polls announces its close (`announce_close` False: the owner announces the
    result itself, as a cycle's pick announcement does)."""

    intro: str = ""
    option_notes: tuple[str, ...] = ()
    announce_close: bool = True

    def to_json(self) -> str | None:
        if self == Presentation():
            return None
        return json.dumps(
            {
                "intro": self.intro,
                "option_notes": list(self.option_notes),
                "announce_close": self.announce_close,
            }
        )

    @classmethod
    def from_json(cls, text: str | None) -> Presentation:
        if not text:
            return cls()
        stored = json.loads(text)
        return cls(
            intro=str(stored.get("intro") or ""),
            option_notes=tuple(str(n) for n in stored.get("option_notes") or ()),
            announce_close=bool(stored.get("announce_close", True)),
        )


@dataclass(frozen=True)
class Poll:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    group_id: int | None
    creator_id: int
    question: str
    options: list[str]
    multiple: bool
    max_choices: int | None
    hide_results: bool
    status: str
    closes_at: float | None
    created_at: float
    closed_at: float | None
    on_close: OnClose | None = None
    nudge_hours: int | None = None  # the scheduled nudge, hours before it closes
    presentation: Presentation = Presentation()

    @property
    def rules(self) -> Rules:
        return Rules(len(self.options), self.multiple, self.max_choices)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def job_key(self) -> str:
        return f"poll:{self.id}"

    def link(self) -> str:
        return message_link(self.guild_id, self.channel_id, self.message_id)


@dataclass(frozen=True)
class NewPoll:
    guild_id: int
    channel_id: int
    group_id: int | None
    creator_id: int
    question: str
    options: list[str]
    multiple: bool
    max_choices: int | None
    hide_results: bool
    closes_at: float | None
    on_close: OnClose | None = None
    nudge_hours: int | None = None
    presentation: Presentation = Presentation()


def on_close_json(on_close: OnClose | None) -> str | None:
    if on_close is None:
        return None
    kind, payload = on_close
    return json.dumps({"kind": kind, "payload": payload})


def _on_close(text: str | None) -> OnClose | None:
    if text is None:
        return None
    stored = json.loads(text)
    return stored["kind"], stored["payload"]


def poll_from_row(row: sqlite3.Row) -> Poll:
    return Poll(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        group_id=row["group_id"],
        creator_id=row["creator_id"],
        question=row["question"],
        options=json.loads(row["options"]),
        multiple=bool(row["multiple"]),
        max_choices=row["max_choices"],
        hide_results=bool(row["hide_results"]),
        status=row["status"],
        closes_at=row["closes_at"],
        created_at=row["created_at"],
        closed_at=row["closed_at"],
        on_close=_on_close(row["on_close"]),
        nudge_hours=row["nudge_hours"],
        presentation=Presentation.from_json(row["presentation"]),
    )

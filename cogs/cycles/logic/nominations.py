"""Nominations: title keys, the checks of a title and a note, the ballot's ranking and
the tie rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cogs.cycles.logic.limits import MAX_POLL_OPTIONS, NOTE_MAX, TITLE_MAX
from core.errors import UserError


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

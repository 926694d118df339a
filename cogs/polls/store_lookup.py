"""Finding polls (`PollLookup`, held by `PollStore` as `lookup`): by what a member typed
(an id, `#3`, `Poll #3`, the question in any case), autocomplete searches (with a memory
of the closed polls matching a typed text) and `/poll list`. Reads only, each behind the
privacy filter its caller passes (`Visible`)."""

from __future__ import annotations

import re
from collections import OrderedDict

from cogs.polls.models import Poll, Visible, poll_from_row
from core.store import Store

_POLL_NUMBER = re.compile(r"^(?:poll\s*)?#?\s*(\d+)$", re.IGNORECASE)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def nocase(text: str) -> str:
    """`text` folded as SQLite's NOCASE and LIKE fold it: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


def poll_number(text: str) -> int | None:
    """The poll id in `3`, `#3` or `Poll #3`, else None."""
    number = _POLL_NUMBER.match(text.strip())
    return int(number.group(1)) if number else None


def _like(text: str) -> str:
    """`text` as a literal inside a LIKE pattern (escape `\\`, `%`, `_`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Closed polls matching a typed text, kept per (guild, text): the poll autocomplete asks
# on every keystroke, and closed polls change only when a poll closes (or a pending one is
# discarded), which empties the memory. Without the privacy filter: the caller applies it
# with the viewer's groups of the moment.
CLOSED_CANDIDATES = 50
CLOSED_MEMORY = 256  # (guild, text) entries


class PollLookup:
    """Reads that find polls for someone; `PollStore.lookup`."""

    def __init__(self, db: Store) -> None:
        self.db = db
        self._closed: OrderedDict[tuple[int, str], list[Poll]] = OrderedDict()
        self._closed_generation = 0

    def forget_closed(self) -> None:
        """A poll closed or a pending one went: the closed polls remembered are stale."""
        self._closed.clear()
        self._closed_generation += 1

    async def closed_matching(self, guild_id: int, current: str) -> tuple[list[Poll], bool]:
        """Closed polls of the guild whose question contains `current` (ASCII case folded,
        like LIKE), newest first, at most CLOSED_CANDIDATES; and whether there may be more."""
        key = (guild_id, nocase(current.strip()))
        found = self._closed.get(key)
        if found is None:
            generation = self._closed_generation
            rows = await self.db.fetchall(
                "SELECT * FROM polls WHERE guild_id = ? AND status = 'closed'"
                " AND question LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?",
                (guild_id, f"%{_like(current.strip())}%", CLOSED_CANDIDATES),
            )
            found = [poll_from_row(r) for r in rows]
            if generation == self._closed_generation:  # no poll closed meanwhile
                self._closed[key] = found
                if len(self._closed) > CLOSED_MEMORY:
                    self._closed.popitem(last=False)
        else:
            self._closed.move_to_end(key)
        return found, len(found) >= CLOSED_CANDIDATES

    async def find(self, guild_id: int, text: str, visible: Visible) -> Poll | None:
        """By id (an autocomplete value, or `#3` / `Poll #3` as the message's footer shows
        it) or exact question (case-insensitive, newest first, open polls before closed
        ones), among the polls `visible` lets the viewer see."""
        cond, cond_params = visible
        text = text.strip()
        number = _POLL_NUMBER.match(text)
        if number:
            row = await self.db.fetchone(
                "SELECT * FROM polls WHERE id = ? AND guild_id = ? AND status != 'pending'"
                f" AND {cond}",
                (int(number.group(1)), guild_id, *cond_params),
            )
            if row:
                return poll_from_row(row)
        row = await self.db.fetchone(
            "SELECT * FROM polls WHERE guild_id = ? AND status != 'pending'"
            f" AND question = ? COLLATE NOCASE AND {cond}"
            " ORDER BY status = 'open' DESC, id DESC LIMIT 1",
            (guild_id, text, *cond_params),
        )
        if row:
            return poll_from_row(row)
        return await self._find_casefolded(guild_id, text, visible)

    async def _find_casefolded(self, guild_id: int, text: str, visible: Visible) -> Poll | None:
        """Non-ASCII case (`ÉTÉ?` for `été?`) and spacing, which SQLite's NOCASE ignores."""
        cond, cond_params = visible
        wanted = " ".join(text.casefold().split())
        rows = await self.db.fetchall(
            f"SELECT * FROM polls WHERE guild_id = ? AND status != 'pending' AND {cond}"
            " ORDER BY status = 'open' DESC, id DESC LIMIT 1000",
            (guild_id, *cond_params),
        )
        for row in rows:
            if " ".join(row["question"].casefold().split()) == wanted:
                return poll_from_row(row)
        return None

    async def search(
        self,
        guild_id: int,
        current: str,
        visible: Visible,
        limit: int = 25,
        statuses: tuple[str, ...] = ("open", "closed"),
    ) -> list[Poll]:
        cond, cond_params = visible
        marks = ", ".join("?" * len(statuses))
        rows = await self.db.fetchall(
            f"SELECT * FROM polls WHERE guild_id = ? AND status IN ({marks})"
            f" AND question LIKE ? ESCAPE '\\' AND {cond}"
            " ORDER BY status = 'open' DESC, id DESC LIMIT ?",
            (guild_id, *statuses, f"%{_like(current.strip())}%", *cond_params, limit),
        )
        return [poll_from_row(r) for r in rows]

    async def listing(
        self, guild_id: int, group_id: int | None, visible: Visible, closed_limit: int = 10
    ) -> tuple[list[Poll], list[Poll]]:
        """Open polls and the most recently closed ones (optionally of one group), among
        those `visible` lets the viewer see."""
        cond, cond_params = visible
        where = "guild_id = ?" + (" AND group_id = ?" if group_id is not None else "")
        where += f" AND {cond}"
        params: list[object] = [guild_id]
        params += [group_id] if group_id is not None else []
        params += cond_params
        open_rows = await self.db.fetchall(
            f"SELECT * FROM polls WHERE {where} AND status = 'open' ORDER BY id DESC LIMIT 50",
            params,
        )
        closed_rows = await self.db.fetchall(
            f"SELECT * FROM polls WHERE {where} AND status = 'closed'"
            " ORDER BY closed_at DESC, id DESC LIMIT ?",
            [*params, closed_limit],
        )
        return [poll_from_row(r) for r in open_rows], [poll_from_row(r) for r in closed_rows]

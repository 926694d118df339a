"""SQL for polls and votes. Methods take and return plain dataclasses."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cogs.polls.logic import Key, Rules, Votes
from core.store import Store, Tx
from core.ui import message_link

OnClose = tuple[str, dict[str, Any]]  # (scheduler job kind, payload) to run at close
# The privacy filter (groups.api.visible_sql on `group_id`): an SQL condition and its
# parameters, ANDed into every query that shows polls to someone (SPEC "A group is private").
Visible = tuple[str, tuple[object, ...]]
StaleKey = tuple[int, str]  # (user id, emoji) of a reaction the bot must remove; user 0 = all

_POLL_NUMBER = re.compile(r"^(?:poll\s*)?#?\s*(\d+)$", re.IGNORECASE)


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


def _on_close_json(on_close: OnClose | None) -> str | None:
    if on_close is None:
        return None
    kind, payload = on_close
    return json.dumps({"kind": kind, "payload": payload})


def _on_close(text: str | None) -> OnClose | None:
    if text is None:
        return None
    stored = json.loads(text)
    return stored["kind"], stored["payload"]


def _poll(row: sqlite3.Row) -> Poll:
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


class PollStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._closed: OrderedDict[tuple[int, str], list[Poll]] = OrderedDict()
        self._closed_generation = 0

    def _forget_closed(self) -> None:
        self._closed.clear()
        self._closed_generation += 1

    async def closed_matching(self, guild_id: int, current: str) -> tuple[list[Poll], bool]:
        """Closed polls of the guild whose question contains `current` (ASCII case folded,
        like LIKE), newest first, at most CLOSED_CANDIDATES; and whether there may be more."""
        key = (guild_id, nocase(current.strip()))
        found = self._closed.get(key)
        if found is None:
            generation = self._closed_generation
            rows = await self.store.fetchall(
                "SELECT * FROM polls WHERE guild_id = ? AND status = 'closed'"
                " AND question LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?",
                (guild_id, f"%{_like(current.strip())}%", CLOSED_CANDIDATES),
            )
            found = [_poll(r) for r in rows]
            if generation == self._closed_generation:  # no poll closed meanwhile
                self._closed[key] = found
                if len(self._closed) > CLOSED_MEMORY:
                    self._closed.popitem(last=False)
        else:
            self._closed.move_to_end(key)
        return found, len(found) >= CLOSED_CANDIDATES

    # -- polls ------------------------------------------------------------------------

    async def create_pending(self, new: NewPoll, now: float) -> int:
        """A poll row before its message exists; `activate` or `discard` it next."""
        return await self.store.insert(
            "INSERT INTO polls (guild_id, channel_id, group_id, creator_id, question, options,"
            " multiple, max_choices, hide_results, closes_at, created_at, on_close, nudge_hours,"
            " presentation, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
            (
                new.guild_id, new.channel_id, new.group_id, new.creator_id, new.question,
                json.dumps(new.options), int(new.multiple), new.max_choices,
                int(new.hide_results), new.closes_at, now, _on_close_json(new.on_close),
                new.nudge_hours, new.presentation.to_json(),
            ),
        )  # fmt: skip

    async def activate(self, poll_id: int, message_id: int, tx: Tx | None = None) -> None:
        await (tx or self.store).execute(
            "UPDATE polls SET message_id = ?, status = 'open' WHERE id = ?", (message_id, poll_id)
        )

    # -- keyed creation (a request id written before the message is posted) ----------------

    async def create_keyed(self, new: NewPoll, now: float, request_id: str) -> int:
        """`create_pending` under a request id, not `ready` until its reactions are all
        added; the existing row's id if the request was made before."""
        async with self.store.transaction() as tx:
            row = await tx.fetchone("SELECT id FROM polls WHERE request_id = ?", (request_id,))
            if row is not None:
                return int(row[0])
            return await tx.insert(
                "INSERT INTO polls (guild_id, channel_id, group_id, creator_id, question, options,"
                " multiple, max_choices, hide_results, closes_at, created_at, on_close,"
                " nudge_hours, presentation, status, request_id, ready)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0)",
                (
                    new.guild_id, new.channel_id, new.group_id, new.creator_id, new.question,
                    json.dumps(new.options), int(new.multiple), new.max_choices,
                    int(new.hide_results), new.closes_at, now, _on_close_json(new.on_close),
                    new.nudge_hours, new.presentation.to_json(), request_id,
                ),
            )  # fmt: skip

    async def is_ready(self, poll_id: int) -> bool:
        return bool(await self.store.fetchval("SELECT ready FROM polls WHERE id = ?", (poll_id,)))

    async def mark_ready(self, poll_id: int) -> None:
        await self.store.execute("UPDATE polls SET ready = 1 WHERE id = ?", (poll_id,))

    async def discard(self, poll_id: int) -> None:
        await self.store.execute("DELETE FROM polls WHERE id = ?", (poll_id,))
        self._forget_closed()

    async def discard_stale_pending(self) -> int:
        """Rows left by a creation interrupted by a crash."""
        return await self.store.execute("DELETE FROM polls WHERE status = 'pending'")

    async def get(self, poll_id: int) -> Poll | None:
        row = await self.store.fetchone("SELECT * FROM polls WHERE id = ?", (poll_id,))
        return _poll(row) if row else None

    async def by_message(self, message_id: int) -> Poll | None:
        row = await self.store.fetchone("SELECT * FROM polls WHERE message_id = ?", (message_id,))
        return _poll(row) if row else None

    async def find(self, guild_id: int, text: str, visible: Visible) -> Poll | None:
        """By id (an autocomplete value, or `#3` / `Poll #3` as the message's footer shows
        it) or exact question (case-insensitive, newest first, open polls before closed
        ones), among the polls `visible` lets the viewer see."""
        cond, cond_params = visible
        text = text.strip()
        number = _POLL_NUMBER.match(text)
        if number:
            row = await self.store.fetchone(
                "SELECT * FROM polls WHERE id = ? AND guild_id = ? AND status != 'pending'"
                f" AND {cond}",
                (int(number.group(1)), guild_id, *cond_params),
            )
            if row:
                return _poll(row)
        row = await self.store.fetchone(
            "SELECT * FROM polls WHERE guild_id = ? AND status != 'pending'"
            f" AND question = ? COLLATE NOCASE AND {cond}"
            " ORDER BY status = 'open' DESC, id DESC LIMIT 1",
            (guild_id, text, *cond_params),
        )
        if row:
            return _poll(row)
        return await self._find_casefolded(guild_id, text, visible)

    async def _find_casefolded(self, guild_id: int, text: str, visible: Visible) -> Poll | None:
        """Non-ASCII case (`ÉTÉ?` for `été?`) and spacing, which SQLite's NOCASE ignores."""
        cond, cond_params = visible
        wanted = " ".join(text.casefold().split())
        rows = await self.store.fetchall(
            f"SELECT * FROM polls WHERE guild_id = ? AND status != 'pending' AND {cond}"
            " ORDER BY status = 'open' DESC, id DESC LIMIT 1000",
            (guild_id, *cond_params),
        )
        for row in rows:
            if " ".join(row["question"].casefold().split()) == wanted:
                return _poll(row)
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
        rows = await self.store.fetchall(
            f"SELECT * FROM polls WHERE guild_id = ? AND status IN ({marks})"
            f" AND question LIKE ? ESCAPE '\\' AND {cond}"
            " ORDER BY status = 'open' DESC, id DESC LIMIT ?",
            (guild_id, *statuses, f"%{_like(current.strip())}%", *cond_params, limit),
        )
        return [_poll(r) for r in rows]

    async def open_polls(self) -> list[Poll]:
        rows = await self.store.fetchall("SELECT * FROM polls WHERE status = 'open' ORDER BY id")
        return [_poll(r) for r in rows]

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
        open_rows = await self.store.fetchall(
            f"SELECT * FROM polls WHERE {where} AND status = 'open' ORDER BY id DESC LIMIT 50",
            params,
        )
        closed_rows = await self.store.fetchall(
            f"SELECT * FROM polls WHERE {where} AND status = 'closed'"
            " ORDER BY closed_at DESC, id DESC LIMIT ?",
            [*params, closed_limit],
        )
        return [_poll(r) for r in open_rows], [_poll(r) for r in closed_rows]

    async def mark_closed(
        self, poll_id: int, now: float, also: Callable[[Tx], Awaitable[object]] | None = None
    ) -> bool:
        """Open -> closed; False if it was already closed. `also` runs in the same
        transaction (the on_close job is scheduled there, so a crash can't lose it)."""
        self._forget_closed()  # before and after: a search in between isn't kept
        try:
            async with self.store.transaction() as tx:
                cursor = await tx.execute(
                    "UPDATE polls SET status = 'closed', closed_at = ?"
                    " WHERE id = ? AND status = 'open'",
                    (now, poll_id),
                )
                if cursor.rowcount == 0:
                    return False
                if also is not None:
                    await also(tx)
        finally:
            self._forget_closed()
        return True

    # -- votes ------------------------------------------------------------------------

    async def votes(self, poll_id: int) -> Votes:
        rows = await self.store.fetchall(
            "SELECT user_id, option FROM poll_votes WHERE poll_id = ? ORDER BY voted_at, rowid",
            (poll_id,),
        )
        votes: Votes = {}
        for row in rows:
            votes.setdefault(row["user_id"], []).append(row["option"])
        return votes

    async def write_votes(
        self,
        poll_id: int,
        votes: Votes,
        touched: Iterable[Key],
        now: float,
        stale: Mapping[StaleKey, bool] | None = None,
    ) -> None:
        """Make the stored state of every touched (user, option) equal `votes`, and of every
        (user, emoji) in `stale` its flag (True: a stale reaction to remove, False: none),
        in one transaction: a vote and the reactions it made stale are stored together."""
        present, absent = [], []
        for user_id, option in touched:
            if option in votes.get(user_id, ()):
                present.append((poll_id, user_id, option, now))
            else:
                absent.append((poll_id, user_id, option))
        stale = stale or {}
        add = [(poll_id, u, e, now) for (u, e), flag in stale.items() if flag]
        drop = [(poll_id, u, e) for (u, e), flag in stale.items() if not flag]
        if not (present or absent or add or drop):
            return
        async with self.store.transaction() as tx:
            if absent:
                await tx.executemany(
                    "DELETE FROM poll_votes WHERE poll_id = ? AND user_id = ? AND option = ?",
                    absent,
                )
            if present:
                await tx.executemany(
                    "INSERT OR IGNORE INTO poll_votes (poll_id, user_id, option, voted_at)"
                    " VALUES (?, ?, ?, ?)",
                    present,
                )
            if drop:
                await tx.executemany(
                    "DELETE FROM poll_stale_reactions"
                    " WHERE poll_id = ? AND user_id = ? AND emoji = ?",
                    drop,
                )
            if add:
                await tx.executemany(
                    "INSERT OR IGNORE INTO poll_stale_reactions"
                    " (poll_id, user_id, emoji, queued_at) VALUES (?, ?, ?, ?)",
                    add,
                )

    # -- stale reactions (the removal queue) ----------------------------------------------

    async def stale_reactions(self, poll_id: int) -> set[StaleKey]:
        """The (user, emoji) reactions of a poll that are no vote and wait for removal."""
        rows = await self.store.fetchall(
            "SELECT user_id, emoji FROM poll_stale_reactions WHERE poll_id = ?", (poll_id,)
        )
        return {(row["user_id"], row["emoji"]) for row in rows}

    async def queued_removals(self) -> list[sqlite3.Row]:
        """Every stale reaction still to remove, oldest first, with where it is (columns
        poll_id, channel_id, message_id, user_id, emoji): the queue after a restart."""
        return await self.store.fetchall(
            "SELECT s.poll_id, p.channel_id, p.message_id, s.user_id, s.emoji"
            " FROM poll_stale_reactions s JOIN polls p ON p.id = s.poll_id"
            " WHERE p.message_id IS NOT NULL ORDER BY s.queued_at, s.rowid"
        )

    async def removal_done(self, poll_id: int, user_id: int, emoji: str) -> None:
        """Discord answered the removal (204, or 404: gone already): the row goes."""
        await self.store.execute(
            "DELETE FROM poll_stale_reactions WHERE poll_id = ? AND user_id = ? AND emoji = ?",
            (poll_id, user_id, emoji),
        )

    async def counts(self, poll_id: int, option_count: int) -> list[int]:
        rows = await self.store.fetchall(
            "SELECT option, COUNT(*) AS n FROM poll_votes WHERE poll_id = ? GROUP BY option",
            (poll_id,),
        )
        counts = [0] * option_count
        for row in rows:
            if 0 <= row["option"] < option_count:
                counts[row["option"]] = row["n"]
        return counts

"""Once-flags: "this was done" marks, so that a job run again (after a cut, a retry)
acts once. Core owns their table (`meta`); features only name their flags.

A flag's key is `<family>:<what>` (for example `events.ended:12:1767225600`); its value
is when it was set. A flag with `keep` prunes, when it is set, the flags of its family
set longer ago than that: per-occurrence flags don't pile up for ever, while a one-off
flag (no `keep`) stays.
"""

from __future__ import annotations

from core.store import Store, Tx

# Flags set before they carried a time read '1': stamped when their family next prunes,
# so they are kept `keep` more seconds rather than dropped at once.
_UNSTAMPED = "1"


async def mark_once(db: Store | Tx, key: str, now: float, *, keep: float | None = None) -> bool:
    """Set the flag `key`; True the first time, False when it was already set. Inside
    `tx` (a `Tx`), it commits or not with the caller's other writes."""
    family = key.rsplit(":", 1)[0] + ":" if ":" in key else None
    if keep is not None and family is not None:
        await _prune(db, family, now, keep)
    sql = "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)"
    return await _changed(db, sql, (key, repr(float(now)))) > 0


async def is_marked(db: Store | Tx, key: str) -> bool:
    """Whether the flag `key` is set."""
    row = await db.fetchone("SELECT 1 FROM meta WHERE key = ?", (key,))
    return row is not None


async def _prune(db: Store | Tx, family: str, now: float, keep: float) -> None:
    # `key >= family AND key < family + U+FFFF`: a range on the primary key, no scan.
    in_family = "key >= ? AND key < ?"
    bounds = (family, family + "\uffff")
    await _changed(
        db, f"UPDATE meta SET value = ? WHERE {in_family} AND value = ?",
        (repr(float(now)), *bounds, _UNSTAMPED),
    )  # fmt: skip
    await _changed(
        db, f"DELETE FROM meta WHERE {in_family} AND CAST(value AS REAL) < ?",
        (*bounds, now - keep),
    )  # fmt: skip


async def _changed(db: Store | Tx, sql: str, params: tuple[object, ...]) -> int:
    """Rows changed by one statement, on the store or inside a transaction."""
    if isinstance(db, Tx):
        return (await db.execute(sql, params)).rowcount
    return await db.execute(sql, params)

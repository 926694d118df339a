"""Copies of the database: `python bot.py backup FILE`, `python bot.py restore FILE`, and the
copy the bot makes by itself before applying a new migration.

A copy is made with SQLite's online backup API from a connection of its own: it reads one
consistent snapshot (the pages in the write-ahead log included, which a file copy would
miss) while the bot goes on writing, and never blocks the bot (WAL readers don't). The copy
is written beside its destination and renamed into place only once it passed
`PRAGMA integrity_check`, so a destination is never half a database.

How restore knows the bot runs: `python bot.py` holds an exclusive `flock` on
`DATABASE_PATH.lock` (with its pid written inside) for as long as it runs. The kernel
drops the lock when the process ends, however it ends (kill -9 included), so a stale lock
file never blocks a restore. `restore` takes the same lock for its own duration, so the
bot cannot start halfway through either.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

KEEP_PRE_MIGRATION = 3


class BackupError(Exception):
    """Refused or failed; the message says why and what to do."""


class AlreadyRunning(BackupError):
    pass


@dataclass(frozen=True)
class CopyInfo:
    path: Path
    schema_version: int
    size: int


# -- the running lock -------------------------------------------------------------------


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def hold_running_lock(db: Path) -> IO[str]:
    """Take the lock that says "a Huddle runs on this database"; keep the returned file open
    for as long as that is true. AlreadyRunning names the pid holding it."""
    db.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path(db), "a+", encoding="utf-8")  # held open by the caller
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "unknown"
        handle.close()
        raise AlreadyRunning(
            f"Huddle is running on {db} (pid {pid} holds the lock {lock_path(db)})."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


@contextlib.contextmanager
def not_running(db: Path) -> Iterator[None]:
    """Hold the running lock for the block (the bot can't start meanwhile)."""
    handle = hold_running_lock(db)
    try:
        yield
    finally:
        handle.close()


# -- checking a copy ---------------------------------------------------------------------


def inspect(path: Path, latest: int) -> CopyInfo:
    """A Huddle database that passes integrity_check, from a schema this Huddle knows."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc}).") from None
    if problems != ["ok"]:
        raise BackupError(f"{path} fails PRAGMA integrity_check: {'; '.join(problems[:5])}")
    if version == 0 or not {"meta", "jobs"} <= tables:
        raise BackupError(f"{path} is not a Huddle database (no Huddle schema in it).")
    if version > latest:
        raise BackupError(
            f"{path} has schema version {version}, newer than this Huddle knows ({latest}):"
            " it was made by a newer Huddle. Upgrade Huddle first."
        )
    return CopyInfo(path, version, path.stat().st_size)


# -- copying ---------------------------------------------------------------------------------


def copy_database(source: Path, dest: Path) -> None:
    """A consistent copy of `source` at `dest` (replaced atomically), as one file."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        # Not read-only: a WAL reader may need to create the -shm file of a stopped database.
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)  # pages=-1: one step, one read snapshot of the whole database
            dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"the copy failed integrity_check: {'; '.join(problems[:5])}")
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        raise BackupError(f"Could not copy {source} to {dest}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)


def stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def backup(db: Path, dest: Path, latest: int) -> CopyInfo:
    """`python bot.py backup FILE` (a directory gets a dated file name inside it)."""
    if dest.is_dir():
        dest = dest / f"{db.stem}-{stamp()}{db.suffix or '.db'}"
    if dest.resolve() == db.resolve():
        raise BackupError("The backup file must not be the database itself.")
    copy_database(db, dest)
    return inspect(dest, latest)


def restore(copy: Path, db: Path, latest: int) -> tuple[CopyInfo, Path | None]:
    """`python bot.py restore FILE`: refuses while the bot runs; checks the copy first; the
    database it replaces is kept beside it. Returns (what was restored, where the replaced
    database was kept)."""
    if copy.resolve() == db.resolve():
        raise BackupError("That is the database itself; name a backup file.")
    with not_running(db):
        info = inspect(copy, latest)
        kept = set_aside(db) if db.exists() else None
        copy_database(copy, db)
        return CopyInfo(db, info.schema_version, db.stat().st_size), kept


def set_aside(db: Path) -> Path:
    """Keep the database about to be replaced beside it: a copy with its WAL's last writes
    when it reads as a database, else (a damaged one, often the reason to restore) its files
    moved as they are."""
    kept = db.with_name(f"{db.name}.replaced-{stamp()}")
    try:
        copy_database(db, kept)
    except BackupError:
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{db}{suffix}").exists():
                os.replace(f"{db}{suffix}", f"{kept}{suffix}")
        return kept
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return kept


# -- before a migration --------------------------------------------------------------------


def pre_migration_copies(db: Path) -> list[Path]:
    """The automatic copies beside `db`, oldest first."""
    found = list(db.parent.glob(f"{db.name}.pre-migration-*.bak"))
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def pre_migration_copy(db: Path, current: int, target: int) -> Path:
    """A copy of `db` (at schema `current`) before migrating it to `target`; only the last
    KEEP_PRE_MIGRATION such copies are kept."""
    dest = db.with_name(f"{db.name}.pre-migration-v{current:04d}-to-v{target:04d}.{stamp()}.bak")
    copy_database(db, dest)
    for old in pre_migration_copies(db)[:-KEEP_PRE_MIGRATION]:
        old.unlink(missing_ok=True)
    return dest

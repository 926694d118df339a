"""The one aiosqlite connection, its PRAGMAs, transactions and the migration runner."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from core.backup import BackupError, pre_migration_copy

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")

Params = Sequence[Any] | dict[str, Any]


class MigrationError(Exception):
    """A migration failed; the database was left as it was before that migration."""


class Tx:
    """Statements inside one open transaction (see `Store.transaction`)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        return await self._conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        cur = await self._conn.execute(sql, params)
        return int(cur.lastrowid or 0)


class Store:
    """Owns the connection. Every statement goes through one lock, so a transaction
    opened by one coroutine never sees another coroutine's statements inside it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("Store is not open")
        return self._conn

    async def open(self, *, migrate: bool = True) -> None:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        await self._conn.execute("PRAGMA journal_mode=WAL")
        await self._conn.execute("PRAGMA foreign_keys=ON")
        await self._conn.execute("PRAGMA busy_timeout=5000")
        await self._conn.execute("PRAGMA synchronous=NORMAL")
        if migrate:
            await self.migrate()

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Store:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- single statements (each is its own implicit transaction) --------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of changed rows."""
        async with self._lock:
            cur = await self.conn.execute(sql, params)
            return cur.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        async with self._lock:
            cur = await self.conn.execute(sql, params)
            return int(cur.lastrowid or 0)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock, self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock, self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = await self.fetchone(sql, params)
        return default if row is None else row[0]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """`async with store.transaction() as tx:` — all or nothing."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self.conn)
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    # -- migrations -------------------------------------------------------------------

    async def schema_version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version", default=0))

    async def migrate(self, directory: Path = MIGRATIONS_DIR) -> int:
        """Apply every numbered migration above `PRAGMA user_version`, each in one
        transaction. Returns the resulting version. A database that already holds data is
        copied first (core/backup.py keeps the last 3 such copies beside it)."""
        current = await self.schema_version()
        pending = [(n, p) for n, p in available_migrations(directory) if n > current]
        if pending and current > 0 and str(self.path) != ":memory:":
            try:
                copy = await asyncio.to_thread(
                    pre_migration_copy, self.path, current, pending[-1][0]
                )
            except BackupError as exc:  # no upgrade without a way back
                raise MigrationError(f"no copy could be made before upgrading: {exc}") from exc
            log.info("copied the database to %s before upgrading it", copy)
        for number, path in pending:
            await self._apply(number, path)
            current = number
        return current

    async def _apply(self, number: int, path: Path) -> None:
        sql = path.read_text(encoding="utf-8")  # noqa: ASYNC240 - tiny file, once at start-up
        script = f"BEGIN IMMEDIATE;\n{sql}\n;PRAGMA user_version = {number};\nCOMMIT;"
        async with self._lock:
            try:
                await self.conn.executescript(script)
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise MigrationError(f"migration {path.name} failed: {exc}") from exc
        log.info("applied migration %s", path.name)


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in directory.glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    found.sort()
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        raise MigrationError(f"two migrations share a number in {directory}")
    return found

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from core.config import GuildConfig
from core.store import MigrationError, Store, available_migrations


async def test_migrations_run_from_zero_to_latest(store):
    latest = available_migrations()[-1][0]
    assert await store.schema_version() == latest
    assert await store.fetchval("PRAGMA journal_mode") == "wal"
    assert await store.fetchval("PRAGMA foreign_keys") == 1


async def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "db.sqlite"
    async with Store(path) as first:
        version = await first.schema_version()
    async with Store(path) as second:
        assert await second.schema_version() == version


async def test_failed_migration_leaves_database_as_it_was(tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (migrations / "0002_bad.sql").write_text(
        "CREATE TABLE b (y INTEGER);\nINSERT INTO a VALUES (1);\nTHIS IS NOT SQL;"
    )
    db = Store(tmp_path / "db.sqlite")
    await db.open(migrate=False)
    try:
        with pytest.raises(MigrationError, match=r"0002_bad\.sql"):
            await db.migrate(migrations)
        assert await db.schema_version() == 1
        assert await db.fetchval("SELECT COUNT(*) FROM a") == 0
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "b" not in tables
    finally:
        await db.close()


async def test_duplicate_migration_numbers_refused(tmp_path):
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0001_b.sql").write_text("")
    with pytest.raises(MigrationError, match="share a number"):
        available_migrations(tmp_path)


async def test_transaction_is_all_or_nothing(store):
    await store.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    with pytest.raises(sqlite3.IntegrityError):
        async with store.transaction() as tx:
            await tx.execute("INSERT INTO t VALUES (1)")
            await tx.execute("INSERT INTO t VALUES (1)")
    assert await store.fetchval("SELECT COUNT(*) FROM t") == 0
    async with store.transaction() as tx:
        await tx.execute("INSERT INTO t VALUES (2)")
        assert (await tx.fetchone("SELECT x FROM t"))["x"] == 2
    assert await store.fetchval("SELECT COUNT(*) FROM t") == 1


async def test_guild_config_defaults_and_overrides(store):
    from core.config import GuildConfig

    config = GuildConfig(store)
    assert await config.get(1, "timezone") == "UTC"
    assert await config.feature_enabled(1, "polls") is True
    await config.set_feature(1, "polls", False)
    assert await config.feature_enabled(1, "polls") is False
    assert await config.feature_enabled(2, "polls") is True
    await config.set(1, "timezone", "Europe/Berlin")
    assert (await config.all(1))["timezone"] == "Europe/Berlin"
    await config.set(1, "timezone", None)
    assert await config.server_timezone(1) == "UTC"


async def test_config_read_overlapping_a_write_is_not_cached_for_good(store):
    """A read that started before a write, and returns after the write began, may answer
    the old value, but must not cache it: the next read sees the write."""
    config = GuildConfig(store)
    await config.set(1, "timezone", "Asia/Tokyo")
    reading = asyncio.create_task(config.get(1, "timezone"))
    await asyncio.sleep(0)  # the read now holds the store's lock, its SELECT in flight
    writing = asyncio.create_task(config.set(1, "timezone", "Europe/Paris"))
    assert await reading == "Asia/Tokyo"  # it read before the write landed
    await writing
    assert await config.get(1, "timezone") == "Europe/Paris"
    # and the cache still works for ordinary reads: a second read answers the same
    assert await config.get(1, "timezone") == "Europe/Paris"
    await config.set(1, "timezone", None)
    assert await config.get(1, "timezone") == "UTC"  # the registered default again

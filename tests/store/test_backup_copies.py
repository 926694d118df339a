"""core/backup.py on real temp SQLite files: the automatic pre-migration copies keep the
last three; a backup into a folder gets a dated name; the database itself is refused."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from core.backup import BackupError, backup, pre_migration_copies, restore
from core.store import Store, available_migrations

LATEST = available_migrations()[-1][0]


async def test_only_the_last_three_pre_migration_copies_are_kept(tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    db = tmp_path / "huddle.db"
    store = Store(db)
    await store.open(migrate=False)
    (tmp_path / "migrations" / "0001_a.sql").write_text("CREATE TABLE meta (key, value);")
    await store.migrate(migrations)
    made = []
    for number in range(2, 7):  # five new migrations, one start each
        (migrations / f"{number:04d}_m.sql").write_text(f"CREATE TABLE t{number} (x);")
        await store.migrate(migrations)
        made.append(pre_migration_copies(db)[-1])
        await store.migrate(migrations)  # nothing new: no copy
    await store.close()
    copies = pre_migration_copies(db)
    assert copies == made[-3:]
    for copy, version in zip(copies, (3, 4, 5), strict=True):
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == version


async def test_backup_into_a_folder_and_never_onto_itself(tmp_path):
    db = tmp_path / "huddle.db"
    async with Store(db):
        pass
    folder = tmp_path / "backups"
    folder.mkdir()
    info = backup(db, folder, LATEST)
    assert info.path.parent == folder and info.path.name.startswith("huddle-")
    assert info.schema_version == LATEST
    with pytest.raises(BackupError, match="must not be the database"):
        backup(db, db, LATEST)
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "missing.db", tmp_path / "x.db", LATEST)


def test_a_failed_copy_leaves_no_file(tmp_path):
    source = tmp_path / "broken.db"
    shutil.copy(__file__, source)  # not a database
    with pytest.raises(BackupError):
        backup(source, tmp_path / "out.db", LATEST)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.db"]


async def test_restore_over_a_damaged_database_keeps_its_files(tmp_path):
    good = tmp_path / "good.db"
    async with Store(good):
        pass
    db = tmp_path / "huddle.db"
    db.write_bytes(b"\x00damaged" * 512)
    info, kept = restore(good, db, LATEST)
    assert info.schema_version == LATEST
    assert kept is not None and kept.read_bytes() == b"\x00damaged" * 512
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

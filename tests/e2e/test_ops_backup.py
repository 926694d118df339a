"""Backups while Huddle runs, restore, the automatic pre-migration copy, and `bot.py check`
(README, "Backups")."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from cogs.polls import logic
from core.backup import backup, lock_path, pre_migration_copies
from core.store import Store, available_migrations
from tests.emulator.rest.reactions import add_reaction, remove_reaction
from tests.support.polls import fast_edits, last_poll, polls_service, quiet

ROOT = Path(__file__).resolve().parents[2]
LATEST = available_migrations()[-1][0]
EVENTS = 10_000
MEMBERS = 400
OPTIONS = 5


def pairs_in(path: Path, poll_id: int) -> frozenset[tuple[int, int]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT user_id, option FROM poll_votes WHERE poll_id = ?", (poll_id,)
        ).fetchall()
    return frozenset((u, o) for u, o in rows)


def integrity(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]


@pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.polls")
async def test_backup_during_a_10000_event_vote_burst_is_consistent(
    guild, bot, emulator, db_path, tmp_path
):
    fast_edits(bot, 0.2)
    await guild.alice.slash("poll create", question="Burst?", options="A;B;C;D;E", multiple=True)
    message = last_poll(guild)
    engine = polls_service(bot).engine
    (poll_id,) = [r.poll.id for r in engine._by_id.values()]
    # Every state the poll's votes were committed in: a consistent copy is one of them.
    committed: list[frozenset[tuple[int, int]]] = [frozenset()]

    def on_commit(pid, batch, at):
        votes = engine.current_votes(pid) or {}
        committed.append(frozenset((u, o) for u, opts in votes.items() for o in opts))

    engine.on_commit = on_commit
    members = [guild.add_member(f"m{i}").id for i in range(MEMBERS)]
    emojis = [logic.option_emoji(i) for i in range(OPTIONS)]
    rng = random.Random(24)

    copied = asyncio.Event()

    async def burst() -> None:
        # EVENTS at least, and on until the copy is made and 500 more events after it, so the
        # copy is always taken mid-burst however slow the machine is (no race on timing).
        n, after_copy = 0, None
        while n < EVENTS or after_copy is None or n < after_copy + 500:
            if after_copy is None and copied.is_set():
                after_copy = n
            n += 1
            user, emoji = rng.choice(members), rng.choice(emojis)
            if not await add_reaction(emulator, guild.guild, message, user, emoji):
                await remove_reaction(emulator, guild.guild, message, user, emoji)
            if n % 25 == 0:
                await asyncio.sleep(0)  # the bot commits batches meanwhile

    feeding = asyncio.create_task(burst())
    while len(committed) < 20:  # well into the burst
        assert not feeding.done(), "the burst ended before the backup started"
        await asyncio.sleep(0.001)
    copy = await asyncio.to_thread(backup, db_path, tmp_path / "during.db", LATEST)
    commits_when_copied = len(committed)
    copied.set()
    assert not feeding.done(), "the backup should be taken while votes are being written"
    await feeding
    await quiet(bot, emulator)

    assert integrity(copy.path) == ["ok"]
    assert copy.schema_version == LATEST
    in_copy = pairs_in(copy.path, poll_id)
    assert in_copy in committed[:commits_when_copied]  # a state the poll was committed in
    assert len(committed) > commits_when_copied  # and the burst went on after it
    final = pairs_in(db_path, poll_id)
    assert final == committed[-1] and final != in_copy


async def run_cli(*args: str, db: Path, cwd: Path) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_PATH": str(db),
        "DISCORD_TOKEN": "unused-by-these-commands",
        "HTTP_PORT": "0",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *args,
        cwd=str(cwd),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode()


async def test_restore_is_refused_while_the_bot_runs(
    emulator, guild, db_path, tmp_path, bot_subprocess
):
    proc = await bot_subprocess(db_path)
    made = await guild.alice.slash("poll create", question="Before?", options="A;B")
    assert "posted" in made.text
    code, out = await run_cli("backup", str(tmp_path / "one.db"), db=db_path, cwd=tmp_path)
    assert code == 0, out
    await guild.alice.slash("poll create", question="After?", options="A;B")

    code, out = await run_cli("restore", str(tmp_path / "one.db"), db=db_path, cwd=tmp_path)
    assert code == 1
    assert "Refused" in out and f"pid {proc.proc.pid}" in out and str(lock_path(db_path)) in out
    with sqlite3.connect(db_path) as conn:  # untouched
        assert conn.execute("SELECT COUNT(*) FROM polls").fetchone()[0] == 2
    code, out = await run_cli(db=db_path, cwd=tmp_path)  # a second bot on the same database
    assert code == 1 and "Only one Huddle" in out, out

    proc.kill()
    await proc.wait()  # SIGKILL: the lock goes with the process, no stale lock
    code, out = await run_cli("restore", str(tmp_path / "one.db"), db=db_path, cwd=tmp_path)
    assert code == 0, out
    with sqlite3.connect(db_path) as conn:
        assert [r[0] for r in conn.execute("SELECT question FROM polls")] == ["Before?"]
    (kept,) = db_path.parent.glob(f"{db_path.name}.replaced-*")
    with sqlite3.connect(kept) as conn:  # the replaced one, its WAL's last writes included
        assert conn.execute("SELECT COUNT(*) FROM polls").fetchone()[0] == 2
    assert integrity(kept) == ["ok"]


async def test_restore_checks_the_copy_first(tmp_path, db_path):
    async with Store(db_path):
        pass
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    code, out = await run_cli("restore", str(garbage), db=db_path, cwd=tmp_path)
    assert code == 1 and "not a readable SQLite database" in out
    newer = tmp_path / "newer.db"
    shutil.copy(db_path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    code, out = await run_cli("restore", str(newer), db=db_path, cwd=tmp_path)
    assert code == 1 and "newer Huddle" in out
    assert not list(tmp_path.glob("*.replaced-*"))  # nothing was touched


async def test_a_pre_migration_copy_once_per_new_migration(start_bot, db_path, tmp_path):
    # A database made by the Huddle before the newest migration, holding data.
    older = tmp_path / "older-migrations"
    older.mkdir()
    for _number, path in available_migrations()[:-1]:
        shutil.copy(path, older / path.name)
    store = Store(db_path)
    await store.open(migrate=False)
    previous = await store.migrate(older)
    await store.execute("INSERT INTO meta (key, value) VALUES ('marker', 'old data')")
    await store.close()
    assert pre_migration_copies(db_path) == []  # a new database is not copied

    bot = await start_bot(extensions=[])
    assert await bot.store.schema_version() == LATEST
    (copy,) = pre_migration_copies(db_path)
    assert f"pre-migration-v{previous:04d}-to-v{LATEST:04d}" in copy.name
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == previous
        assert conn.execute("SELECT value FROM meta WHERE key = 'marker'").fetchone()[0] == (
            "old data"
        )
    await bot.close()
    await start_bot(extensions=[])  # nothing new to apply: no new copy
    assert pre_migration_copies(db_path) == [copy]


async def test_check_says_usable_or_what_is_wrong(tmp_path, db_path):
    code, out = await run_cli("check", db=db_path, cwd=tmp_path)
    assert code == 0 and "will be created" in out and out.rstrip().endswith("usable"), out
    async with Store(db_path):
        pass
    code, out = await run_cli("check", db=db_path, cwd=tmp_path)
    assert code == 0 and f"schema v{LATEST}, integrity ok" in out, out
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    code, out = await run_cli("check", db=db_path, cwd=tmp_path)
    assert code == 1 and "FAIL" in out and "newer Huddle" in out, out
    code, out = await run_cli("nonsense", db=db_path, cwd=tmp_path)
    assert code == 2 and "usage" in out

"""A real `kill -9` of a `python bot.py` process right after `/cycle start`, then a fresh
`python bot.py` on the same database: the nominations announcement is posted exactly once
and the cycle's jobs survive.

Real time runs in a subprocess (no fake clock there), and the shortest nomination window
is an hour, so only the start is driven across the kill here; every later phase change is
killed in process at the exact worst point in test_cycles_restart.py. The kill lands as
soon as the announcement shows in the channel, while the bot may still be between posting
it and noting its id: the restarted bot's OPEN job then posts again with the same nonce,
and Discord (the emulator too) hands back the first message instead of a second."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest

from tests.support.cycles import posts, text_of
from tests.support.groups import create, slash


def rows(db_path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


async def test_kill_9_right_after_cycle_start(emulator, guild, db_path, bot_subprocess):
    proc = await bot_subprocess(db_path)
    made = await create(guild.alice, "Book Club", "One book a month")
    assert made.ephemeral, made.text
    channel = int(guild.channel("book-club")["id"])

    started = asyncio.create_task(
        slash(guild.alice, "cycle start", group="Book Club", name="Book of the month",
              meet="last thursday 19:00")
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not posts(guild, channel, "nominations are open"):
        assert time.monotonic() < deadline and not started.done(), "no announcement"
        await asyncio.sleep(0.002)
    proc.kill()  # SIGKILL the moment the announcement is out
    assert await proc.wait() == -9
    started.cancel()
    await asyncio.gather(started, return_exceptions=True)

    again = await bot_subprocess(db_path)
    # the restarted bot's scheduler catches up on the overdue OPEN job right after READY
    deadline = time.monotonic() + 10
    while rows(db_path, "SELECT COUNT(*) FROM jobs WHERE kind = 'cycle.open'")[0][0]:
        assert time.monotonic() < deadline, "the OPEN job never ran"
        await asyncio.sleep(0.05)
    await emulator.settle(quiet=0.2)

    announced = posts(guild, channel, "nominations are open")
    assert len(announced) == 1, [text_of(m)[:80] for m in announced]
    (cycle,) = rows(db_path, "SELECT status, group_id FROM cycles")
    assert cycle[0] == "active"
    (period,) = rows(db_path, "SELECT phase, announce_msg, nominate_until FROM cycle_periods")
    assert period[0] == "nominating" and period[1] == int(announced[0]["id"])
    pending = rows(db_path, "SELECT kind, due_at FROM jobs WHERE key LIKE 'cycle:%'")
    assert pending == [("cycle.close", period[2])]  # the deadline survived, once

    # and the restarted bot answers for the cycle it did not start
    status = await guild.bob.slash("cycle status", group="Book Club")
    # bob is no member: privacy holds after restart (told it is for members, nothing of it)
    assert "for the members of **Book Club**" in status.text, status.text
    mine = await guild.alice.slash("cycle status", group="Book Club")
    assert "Nominations open" in mine.text, mine.text
    again.kill()
    await again.wait()


pytestmark = pytest.mark.filterwarnings("ignore")

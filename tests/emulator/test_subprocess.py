"""`python bot.py` runs against the emulator and can be killed with SIGKILL."""

from __future__ import annotations


async def test_bot_py_subprocess_connects_and_dies_on_kill(
    emulator, guild, db_path, bot_subprocess
):
    proc = await bot_subprocess(db_path)
    assert emulator.gateway.identifies == 1
    assert emulator.count_requests("GET", r"^/users/@me$") == 1
    proc.kill()
    assert await proc.wait() == -9

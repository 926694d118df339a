"""Waiting for scheduled work a test expects to be due, with a loud failure when the test's
clock says it is not.

A test that waits for a job "to have run" and checks its effect cannot tell "the job is
broken" from "the job is not due yet on this clock": the second is a test bug (a fake date
written in the test that the real calendar has passed, a subprocess on another clock). This
helper separates them: if any job it waits for is due after the clock's now, it fails at
once and says so, instead of timing out on a wrong reason."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from core.bot import HuddleBot


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")


async def assert_due(bot: HuddleBot, kind: str) -> None:
    """Fail if a pending `kind` job is due later than the bot's clock's now."""
    now = bot.clock.now()
    early = [job for job in await bot.scheduler.pending(kind=kind) if job.due_at > now]
    if early:
        first = min(early, key=lambda job: job.due_at)
        pytest.fail(
            f"the test expects {kind} jobs due, but its clock's now ({_iso(now)}) is earlier "
            f"than job {first.id}'s due time ({_iso(first.due_at)}): the test's clock does "
            "not cover the job (a fixed fake date, or processes on different clocks)",
            pytrace=False,
        )


async def wait_until_run(bot: HuddleBot, kind: str, *, limit: float = 5.0) -> None:
    """Wait until no `kind` job is pending, after checking they are all due."""
    await assert_due(bot, kind)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while await bot.scheduler.pending(kind=kind):
        if loop.time() > deadline:
            pytest.fail(f"{kind} jobs were due and did not run within {limit} s", pytrace=False)
        await asyncio.sleep(0.01)

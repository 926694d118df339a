"""Huddle's own part of the vote path, alone: the 10,000 events of bench_polls' plan
(1,000 members, 10 options, multiple choice) submitted to the VoteEngine and committed
to a real SQLite file, in-process, no Discord and no gateway. bench_polls compares the
whole bot with a bare client; this isolates what Huddle adds (the engine's rules and
its SQL), so a change to it can be measured without the gateway's noise.

Run: .venv/bin/python -m tests.bench.bench_vote_engine [runs]
"""

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cogs.polls.engine import VoteEngine
from cogs.polls.models import NewPoll
from cogs.polls.runtime import ReactionEvent
from cogs.polls.store import PollStore
from core.store import Store
from tests.bench.bench_polls import plan

MESSAGE = 900
BATCH_EVERY = 3_000  # the loop yields this often: about 3 batches, as bench_polls sees


async def one_run() -> tuple[float, float]:
    """(CPU seconds, wall seconds) to apply the 10,000 events, SQLite thread included."""
    store = Store(Path(tempfile.mkdtemp(prefix="bench_vote_engine_")) / "huddle.db")
    await store.open()
    polls = PollStore(store)
    new = NewPoll(
        guild_id=1, channel_id=10, group_id=None, creator_id=1, question="Bench?",
        options=[f"Option {i}" for i in range(10)], multiple=True, max_choices=None,
        hide_results=False, closes_at=None,
    )  # fmt: skip
    poll_id = await polls.create_pending(new, time.time())
    await polls.activate(poll_id, MESSAGE)

    async def everyone_may_vote(_group: int, _user: int) -> bool:
        return True

    async def no_members(_group: int) -> set[int]:
        return set()

    engine = VoteEngine(
        polls, now=time.time, is_member=everyone_may_vote, members_of=no_members,
        remove=lambda _removals, _cancelled: None, dirty=lambda _poll: None,
        resync=lambda _poll: None,
    )  # fmt: skip
    engine.bot_user_id = 999
    engine.track(await polls.get(poll_id))
    members = list(range(1_000, 2_000))
    events = [ReactionEvent(MESSAGE, u, e, a) for u, e, a in plan(members, random.Random(1))]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for n, event in enumerate(events, 1):
        engine.submit(event)
        if n % BATCH_EVERY == 0:
            await asyncio.sleep(0)
    await engine.idle()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    await store.close()
    return cpu, wall


async def main(runs: int) -> None:
    results = [await one_run() for _ in range(runs)]
    cpu = statistics.median(r[0] for r in results) * 1000
    wall = statistics.median(r[1] for r in results) * 1000
    print(
        f"vote engine alone, median of {runs}: {cpu:.1f} ms CPU, {wall:.1f} ms wall per 10,000 events"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 9))

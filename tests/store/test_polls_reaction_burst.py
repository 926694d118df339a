"""Every poll vote is a raw reaction event that the events feature also hears (is it on an
open find-a-time poll?). A burst of them must cost that store one query, not one each,
even when they all ask before the first answer is back (the vote path is kept cheap)."""

from __future__ import annotations

import asyncio

from cogs.events.store import EventStore

GUILD = 100


def count_reads(store) -> list[str]:
    seen: list[str] = []
    fetchall = store.fetchall

    async def counted(sql: str, *args: object, **kwargs: object):
        seen.append(sql)
        return await fetchall(sql, *args, **kwargs)

    store.fetchall = counted
    return seen


async def test_a_burst_of_reactions_reads_the_open_findtime_polls_once(store) -> None:
    events = EventStore(store)
    poll = await events.create_findtime(GUILD, None, "Meet", [10.0, 20.0], "UTC", 5, 9.0, 1, 1.0)
    await events.set_findtime_message(poll.id, 77)
    seen = count_reads(store)
    answers = await asyncio.gather(
        *(events.is_open_findtime_message(77 + i % 2) for i in range(500))
    )
    assert answers == [True, False] * 250
    assert len(seen) == 1
    assert await events.is_open_findtime_message(77) and len(seen) == 1  # then from memory


async def test_a_change_during_the_read_is_seen_by_the_next_reaction(store) -> None:
    events = EventStore(store)
    seen = count_reads(store)
    first = asyncio.ensure_future(events.is_open_findtime_message(77))
    await asyncio.sleep(0)  # the read is under way
    poll = await events.create_findtime(GUILD, None, "Meet", [10.0, 20.0], "UTC", 5, 9.0, 1, 1.0)
    await events.set_findtime_message(poll.id, 77)
    await first  # answered from before the change: not kept
    assert await events.is_open_findtime_message(77)
    assert len(seen) == 2


async def test_a_failed_read_is_tried_again_by_the_next_reaction(store) -> None:
    events = EventStore(store)
    fetchall = store.fetchall
    calls = []

    async def flaky(sql: str, *args: object, **kwargs: object):
        calls.append(sql)
        if len(calls) == 1:
            raise RuntimeError("disk hiccup")
        return await fetchall(sql, *args, **kwargs)

    store.fetchall = flaky
    results = await asyncio.gather(
        *(events.is_open_findtime_message(77) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    assert not await events.is_open_findtime_message(77)
    assert len(calls) == 2

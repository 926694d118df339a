"""The reaction remover: one paced queue per channel, skips removals no longer wanted."""

from __future__ import annotations

import asyncio

from cogs.polls.engine import Removal
from cogs.polls.updater import ReactionRemover


def removal(channel: int, user: int, option: int | None = 0) -> Removal:
    return Removal(1, channel, 100 + channel, user, "🇦", option)


def test_a_busy_channel_does_not_hold_up_another_and_all_are_removed():
    done: list[Removal] = []

    async def remove(r: Removal) -> None:
        done.append(r)

    async def main() -> None:
        remover = ReactionRemover(remove, lambda r: r.user_id != 99, interval=0.005, burst=2)
        busy = [removal(1, u) for u in range(12)]
        remover.add(busy)
        remover.add([removal(2, 1)])
        remover.add([removal(1, 0), removal(1, 99)])  # a duplicate, and one no longer wanted
        await remover.idle()
        assert sorted(done, key=lambda r: (r.channel_id, r.user_id)) == [*busy, removal(2, 1)]
        # channel 2's removal went out before channel 1's paced tail
        assert done.index(removal(2, 1)) < done.index(busy[-1])
        assert remover.removed == 13
        await remover.stop()

    asyncio.run(main())

"""The reaction remover: one paced queue per channel, skips removals no longer wanted."""

from __future__ import annotations

import asyncio

import discord

from cogs.polls.runtime import Removal
from cogs.polls.updater import ReactionRemover


def removal(channel: int, user: int, option: int | None = 0) -> Removal:
    return Removal(channel, channel, 100 + channel, user, "🇦", option)  # a poll per channel


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


class FakeResponse:
    status = 500
    reason = "Server Error"


def failing(status: int):
    response = FakeResponse()
    response.status = status
    if status == 404:
        return discord.NotFound(response, "Unknown Emoji")
    if status == 403:
        return discord.Forbidden(response, "Missing Permissions")
    return discord.HTTPException(response, "boom")


def test_a_removal_is_marked_done_only_when_discord_answered_and_a_cancelled_one_is_skipped():
    """`done` deletes the stored row: after a 204 or a 404 only. A 403 leaves the row for the
    next start; a 5xx is tried again; a cancelled removal is never sent."""
    sent: list[int] = []
    answered: list[int] = []
    fails = {2: [failing(404)], 3: [failing(403)], 4: [failing(500), failing(500)]}

    async def remove(r: Removal) -> None:
        sent.append(r.user_id)
        if fails.get(r.user_id):
            raise fails[r.user_id].pop(0)

    async def done(r: Removal) -> None:
        answered.append(r.user_id)

    async def main() -> None:
        remover = ReactionRemover(
            remove, lambda r: True, done, interval=0.001, burst=10, retry_after_error=0.002
        )  # milliseconds, not the production 5 s
        remover.add([removal(1, u) for u in (1, 2, 3, 4, 5)])
        remover.add([], cancelled=[(1, 5, "🇦")])  # user 5's reaction became a vote again
        assert remover.backlog() == 4
        await remover.idle()
        assert sent.count(5) == 0 and sent.count(4) == 3  # two 500s, then the 204
        assert sorted(answered) == [1, 2, 4]  # 204, 404, 204 after retries; not the 403
        assert remover.backlog() == 0
        await remover.stop()

    asyncio.run(main())

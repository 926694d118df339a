"""The polls feature's scheduler jobs (and all its job kinds: the nudge kinds are handled
in nudges.py).

`poll.close` (key `poll:<id>`) fires at a poll's `closes_at`; overdue after downtime it
still closes the poll (a poll always closes). Closing also schedules the poll's
`on_close` job, if another feature asked for one (see `service.PollService.close`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.scheduler import Job

if TYPE_CHECKING:
    from cogs.polls.service import PollService

FEATURE = "polls"  # the `/config feature` name its jobs are paused with
CLOSE_KIND = "poll.close"
# A closed poll's final edit and announcement, retried (with the scheduler's backoff)
# until both went through; cancelled when closing did them at once.
PUBLISH_KIND = "poll.publish"
# Who hasn't voted (handled in nudges.py): the scheduled nudge (the `nudge` option, a
# cycle's ballot) and the batches of a round.
NUDGE_KIND = "poll.nudge"
NUDGE_BATCH_KIND = "poll.nudge_batch"


class PollJobs:
    kinds = (CLOSE_KIND, PUBLISH_KIND)

    def __init__(self, service: PollService) -> None:
        self.service = service
        self.scheduler = service.bot.scheduler

    def register(self) -> None:
        # Paused with polls (the scheduler asks the switch); run once when back on.
        self.scheduler.register(CLOSE_KIND, self.close_due_poll, feature=FEATURE)
        self.scheduler.register(PUBLISH_KIND, self.publish_closed_poll, feature=FEATURE)

    def unregister(self) -> None:
        self.scheduler.unregister(*self.kinds)

    async def close_due_poll(self, job: Job) -> None:
        """Due (or overdue after downtime): a poll always closes. The close reconciles this
        poll itself; it never waits for the start-up pass over every open poll."""
        await self.service.close(int(job.payload["poll_id"]))

    async def publish_closed_poll(self, job: Job) -> None:
        """A failure raises: the scheduler tries again with backoff."""
        await self.service.publish_due(int(job.payload["poll_id"]))

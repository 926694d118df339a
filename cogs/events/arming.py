"""An event's scheduler jobs (`EventArming`, a collaborator of `EventService`): their kinds
arming the reminders and the end-of-occurrence job (carrying the `on_end` another
feature asked for), telling that feature once per occurrence that it ended, and the paced
jobs telling waitlisted members they moved up. The kinds, keys and handlers are in jobs.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.events.jobs import PROMOTED, REMIND, ROLLOVER, OnEnd, job_key, on_end_of
from cogs.events.logic import DMS_PER_JOB, attendance, batches, reminder_times
from cogs.events.models import Event
from cogs.events.store import FLAG_KEEP, EventStore
from core.once import mark_once

if TYPE_CHECKING:
    from core.bot import HuddleBot


class EventArming:
    """Schedules an event's jobs; `EventService` offers `arm`, `tell_ended` and
    `tell_promoted` under the same names."""

    def __init__(self, bot: HuddleBot, events: EventStore) -> None:
        self.bot = bot
        self.events = events

    async def arm(self, event: Event, on_end: OnEnd | None = None) -> None:
        """(Re)schedule the reminders and the end-of-occurrence job (ROLLOVER, due at the
        end: a series rolls over to its next occurrence, a one-off event is marked ended).

        `on_end` (a job kind and payload another feature asked for, see `api.create_event`)
        rides in the ROLLOVER job's payload: without one given, the pending job's is kept,
        so an edit or a roll-over never loses it. A cancelled event drops it: it never ends."""
        key = job_key(event.id)
        on_end = on_end or await self._pending_on_end(key)
        await self.bot.scheduler.cancel_key(key)
        if event.status != "scheduled":
            return
        payload = {"event_id": event.id, "start_at": event.start_at}
        jobs: list[tuple[str, float, dict, int | None, str | None]] = [
            (REMIND, due, {**payload, "offset": offset}, event.guild_id, key)
            for offset, due in reminder_times(event.start_at, event.offsets, self.bot.clock.now())
        ]
        end_payload = {**payload, "on_end": list(on_end)} if on_end else payload
        jobs.append((ROLLOVER, event.end_at, end_payload, event.guild_id, key))
        await self.bot.scheduler.schedule_many(jobs)

    async def _pending_on_end(self, key: str) -> OnEnd | None:
        for job in await self.bot.scheduler.pending(ROLLOVER, key):
            if job.payload.get("on_end"):
                return on_end_of(job.payload)
        return None

    async def tell_ended(self, event: Event, on_end: OnEnd | None) -> None:
        """The occurrence ended: schedule the `on_end` job another feature asked for, with
        its payload plus `event_id`, `start_at` and the attendance counts."""
        if on_end is None:
            return
        kind, extra = on_end
        counts = attendance(await self.events.rsvps(event.id))
        payload = {**extra, "event_id": event.id, "start_at": event.start_at, **counts}
        # Once per occurrence, even when a cut roll-over or end job runs again.
        told = f"events.ended:{event.id}:{int(event.start_at)}"
        async with self.bot.store.transaction() as tx:
            if await mark_once(tx, told, self.bot.clock.now(), keep=FLAG_KEEP):
                await self.bot.scheduler.schedule(
                    kind, self.bot.clock.now(), payload, event.guild_id,
                    key=f"event-ended:{event.id}", tx=tx,
                )  # fmt: skip

    async def tell_promoted(self, event: Event, user_ids: list[int]) -> None:
        """Waitlisted members moved up: told by small paced jobs (≤25 DMs each, in order
        under the event's promotion key), not inside the button press."""
        jobs: list[tuple[str, float, dict, int | None, str | None]] = [
            (
                PROMOTED,
                self.bot.clock.now(),
                {"event_id": event.id, "start_at": event.start_at, "user_ids": chunk},
                event.guild_id,
                f"event-promoted:{event.id}",
            )
            for chunk in batches(user_ids, DMS_PER_JOB)
        ]
        if jobs:
            await self.bot.scheduler.schedule_many(jobs)

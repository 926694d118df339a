"""The cycle's scheduler jobs: their kinds, and which step of the engine (`engine.py`) each
one runs. Every cycle job is keyed `cycle:<cycle id>` (`store.job_key`), so `/cycle stop`
cancels them all at once.

- OPEN: a period's nominations announcement, at its opening.
- CLOSE: the nomination deadline.
- VOTED: polls' on_close callback (the ballot or the runoff closed).
- MET: events' on_end callback (the meeting ended); with `backstop` in its payload, a
  check a minute after the meeting slot's end, for a meeting cancelled by hand, which
  never ends.
- NEXT: a period without nominations hands over at its meeting slot.
- READ_END: the period's reading check-ins stop just before the meeting.

The modules that schedule these kinds (effects, picking, engine) import them from here;
this module imports none of them (the engine is handed in, typed as `CycleSteps`), so no
import cycle runs through it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from cogs.cycles import trouble
from cogs.cycles.store import CycleStore
from core.scheduler import Job

if TYPE_CHECKING:
    from core.bot import HuddleBot

FEATURE = "cycles"

OPEN = "cycle.open"
CLOSE = "cycle.close"
VOTED = "cycle.voted"
MET = "cycle.met"
NEXT = "cycle.next"
READ_END = "cycle.read_end"
KINDS = (OPEN, CLOSE, VOTED, MET, NEXT, READ_END)

Handler = Callable[[Job], Awaitable[None]]


class CycleSteps(Protocol):
    """The engine as the scheduler sees it: one step per job kind (`engine.CycleEngine`)."""

    async def on_open(self, job: Job) -> None: ...
    async def on_close(self, job: Job) -> None: ...
    async def on_voted(self, job: Job) -> None: ...
    async def on_met(self, job: Job) -> None: ...
    async def on_next(self, job: Job) -> None: ...
    async def on_read_end(self, job: Job) -> None: ...


def register(bot: HuddleBot, steps: CycleSteps) -> None:
    """Hand the scheduler the engine's step for each kind (the cog's `cog_load`)."""
    handlers: dict[str, Handler] = {
        OPEN: steps.on_open, CLOSE: steps.on_close, VOTED: steps.on_voted, MET: steps.on_met,
        NEXT: steps.on_next, READ_END: steps.on_read_end,
    }  # fmt: skip
    cycles = CycleStore(bot.store)
    for kind, handler in handlers.items():  # paused with cycles: run once when back on
        bot.scheduler.register(kind, _guarded(bot, cycles, handler), feature=FEATURE)


def unregister(bot: HuddleBot) -> None:
    """Undo `register` (the cog's `cog_unload`); pending jobs stay stored."""
    bot.scheduler.unregister(*KINDS)


def _guarded(bot: HuddleBot, cycles: CycleStore, handler: Handler) -> Handler:
    """A failing step raises for the scheduler to retry it with backoff; its leaders are
    told once what is wrong (trouble.py), and told again only of a later problem."""

    async def run(job: Job) -> None:
        period_id = int(job.payload["period_id"])
        try:
            await handler(job)
        except Exception as exc:
            await trouble.tell_leaders(bot, cycles, period_id, exc)
            raise
        await trouble.all_clear(cycles, period_id)

    return run

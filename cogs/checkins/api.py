"""The public face of check-ins: the only module other features import.

Every function takes the bot and finds the check-ins cog through
`bot.feature_cog("checkins")`, so it raises `FeatureUnavailable` while check-ins are not
loaded. Refusals a member should read (an archived group, no channel, a nudge that does
not fit the cadence) are `core.errors.UserError`s, as from the commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, cast

from cogs.checkins import logic
from cogs.checkins.service import checked_nudge_hours
from cogs.checkins.store import Schedule, completion_rows, last_checkins, member_checkin_times
from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from core.errors import NotFound
from core.fit import clip
from core.store import Store

if TYPE_CHECKING:
    from cogs.checkins.cog import Checkins
    from core.bot import HuddleBot

PROMPT_MAX = 500


def _cog(bot: HuddleBot) -> Checkins:
    return cast("Checkins", bot.feature_cog("checkins"))


async def _group(bot: HuddleBot, group_id: int) -> GroupRef:
    group = await groups.get_group(bot.store, group_id)
    if group is None:
        raise NotFound("That group no longer exists.")
    return group


async def schedule_prompts(
    bot: HuddleBot,
    group_id: int,
    cadence: str,
    at: time,
    *,
    created_by: int,
    weekday: int | None = None,
    prompt: str = "",
    nudge_hours: int = 0,
    owner: str = "",
) -> int:
    """Post check-in prompts for a group on a schedule, as `/checkin schedule` does.

    A group holds one schedule per `owner`: '' is the group's own (`/checkin schedule`);
    another feature names its own (a cycle: `cycle:<id>:<period>`), so it replaces only
    that owner's earlier schedule and never the group's. Check-ins, streaks and summaries
    made under a schedule belong to it.

    `cadence` is `"daily"` or `"weekly"`; `at` the prompt's wall-clock time in the group's
    time zone; `weekday` (0 = Monday) the day of a weekly prompt, required for weekly;
    `prompt` the question shown on every prompt (clipped to 500 characters);
    `nudge_hours` hours before a period closes to nudge who has not checked in (0 = off);
    `created_by` the member recorded as the schedule's author. Returns the UTC epoch
    seconds of the next prompt. Raises ValueError for a bad cadence or weekday."""
    if cadence not in logic.CADENCES:
        raise ValueError(f"cadence must be one of {logic.CADENCES}, not {cadence!r}")
    if cadence == "weekly" and weekday not in range(7):
        raise ValueError("a weekly schedule needs a weekday from 0 (Monday) to 6 (Sunday)")
    cog = _cog(bot)
    group = await _group(bot, group_id)
    cog.service.require_schedulable(group)
    schedule = Schedule(
        group.guild_id, group.id, cadence, at.hour, at.minute,
        weekday if cadence == "weekly" else None, clip(prompt.strip(), PROMPT_MAX),
        checked_nudge_hours(cadence, nudge_hours), created_by, bot.clock.now(), owner,
    )  # fmt: skip
    upcoming = await cog.jobs.start(group, schedule)
    return upcoming.start


async def stop_prompts(bot: HuddleBot, group_id: int, owner: str = "") -> bool:
    """Stop `owner`'s check-in prompts of a group ('' = the group's own, as `/checkin
    unschedule` does); other owners' schedules go on. No more prompts or nudges; the
    period already prompted still gets its summary at its end. Returns False if there was
    no such schedule."""
    cog = _cog(bot)
    had_schedule, _ = await cog.jobs.stop(await _group(bot, group_id), owner)
    return had_schedule


async def stop_prompts_starting(bot: HuddleBot, group_id: int, prefix: str) -> int:
    """Stop every schedule of the group whose owner starts with `prefix` (a cycle
    stopping all it made); returns how many were stopped."""
    if not prefix:
        raise ValueError("a prefix is needed: the group's own schedule is not stopped this way")
    cog = _cog(bot)
    group = await _group(bot, group_id)
    stopped = 0
    for owner in await cog.store.owners_like(group_id, prefix):
        had, _ = await cog.jobs.stop(group, owner)
        stopped += had
    return stopped


@dataclass(frozen=True)
class PeriodCompletion:
    """One prompted check-in period of a group: check-ins of members expected (members
    who had joined before the period ended)."""

    group_id: int
    start: int
    end: int
    checked_in: int
    expected: int


async def completion_by_period(
    store: Store, guild_id: int, since: float, until: float
) -> list[PeriodCompletion]:
    """Completion of every prompted period that started in [since, until), for every group
    of a server, oldest first per group; one query. (Insights.)"""
    rows = await completion_rows(store, guild_id, since, until)
    return [PeriodCompletion(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def last_checkin_by_group(store: Store, guild_id: int) -> dict[int, float]:
    """The time of the latest check-in of each group of a server; one query."""
    return await last_checkins(store, guild_id)


async def checkin_times(
    store: Store, guild_id: int, user_id: int, group_ids: list[int], since: float
) -> list[float]:
    """When a member checked in (UTC epochs) since `since`, in these groups only."""
    return await member_checkin_times(store, guild_id, user_id, group_ids, since)

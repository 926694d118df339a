"""Check-in operations shared by commands, the button/modal and the scheduled jobs:
a group's zone and period rule, recording a check-in, streak statistics."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cogs.checkins import logic
from cogs.checkins.logic import CALENDAR_DAYS, Period, Rule, StreakStats
from cogs.checkins.store import CheckinStore, Schedule
from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from core import fit
from core.errors import NotAllowed, UserError
from core.timeparse import get_zone

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

NOTE_MAX = 1000


@dataclass(frozen=True)
class Recorded:
    period: Period
    new: bool
    stats: StreakStats


class CheckinService:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.store = CheckinStore(bot.store)

    async def zone(self, group: GroupRef) -> ZoneInfo:
        name = group.timezone or await self.bot.config.server_timezone(group.guild_id)
        try:
            return get_zone(name)
        except UserError:
            log.warning("group %s has an unknown time zone %r; using UTC", group.id, name)
            return ZoneInfo("UTC")

    async def rule(
        self, group: GroupRef, owner: str = ""
    ) -> tuple[Rule, ZoneInfo, Schedule | None]:
        """The period rule of `owner`'s schedule of the group ('' = the group's own; no
        schedule = calendar days) and the group's zone."""
        schedule = await self.store.get_schedule(group.id, owner)
        rule = schedule.rule if schedule else CALENDAR_DAYS
        return rule, await self.zone(group), schedule

    @staticmethod
    def require_schedulable(group: GroupRef) -> None:
        """Prompts need a live group with a channel to post in."""
        if group.archived:
            raise UserError(f"**{group.name}** is archived; unarchive it to schedule check-ins.")
        if group.channel_id is None:
            raise UserError(f"**{group.name}** has no channel to post in. Repair the group first.")

    async def require_member(self, group: GroupRef, user_id: int) -> None:
        if not await groups.is_member(self.bot.store, group.id, user_id):
            raise not_a_member(group)

    async def record(
        self, group: GroupRef, user_id: int, note: str, status: str, *, owner: str = ""
    ) -> Recorded:
        """One check-in per member per period of `owner`'s schedule ('' = the group's own):
        a second one updates the first."""
        if group.archived:
            raise UserError(f"**{group.name}** is archived; check-ins are closed.")
        try:
            status = logic.normalise_status(status)
        except ValueError:
            raise UserError(
                f"{fit.code(status)} is not a status. Use `done`, `partial` or `blocked`."
            ) from None
        note = (note or "").strip()
        if len(note) > NOTE_MAX:
            raise UserError(f"Keep the note under {NOTE_MAX} characters (it has {len(note)}).")
        rule, zone, schedule = await self.rule(group, owner)
        now = self.bot.clock.now()
        period = logic.period_at(rule, zone, now)
        if schedule is None:
            period = await self._unscheduled_period(rule, zone, group.id, now) or period
        written = await self.store.record_member(
            group.guild_id, group.id, user_id, period, status, note, now, owner
        )
        if written is None:  # nothing was written
            raise not_a_member(group)
        stats = self.stats_from(rule, zone, written.period_starts, written.since)
        return Recorded(period, written.new, stats)

    async def _unscheduled_period(
        self, rule: Rule, zone: ZoneInfo, group_id: int, now: float
    ) -> Period | None:
        """After `/checkin unschedule`, the prompted period that was open runs on to its
        end: check-ins until then count towards it (and its summary)."""
        record = await self.store.open_prompted_period(group_id, now)
        if record is None:
            return None
        index = logic.index_of(rule, zone, record.period_start)
        return Period(record.period_key, record.period_start, record.period_end, index)

    async def stats(self, group: GroupRef, user_id: int) -> StreakStats:
        rule, zone, _ = await self.rule(group)
        starts, since = await self.store.member_history(group.id, user_id)
        return self.stats_from(rule, zone, starts, since)

    def stats_from(
        self, rule: Rule, zone: ZoneInfo, starts: list[int], since: int | None
    ) -> StreakStats:
        current = logic.period_at(rule, zone, self.bot.clock.now()).index
        indices = indices_of(rule, zone, starts)
        since_index = logic.index_of(rule, zone, since) if since is not None else None
        return logic.streak_stats(indices, current, since_index)

    async def current_streaks(self, group: GroupRef, members: list[int]) -> dict[int, int]:
        rule, zone, _ = await self.rule(group)
        current = logic.period_at(rule, zone, self.bot.clock.now()).index
        history = await self.store.group_period_starts(group.id)
        return {
            u: logic.current_streak(
                recent_indices(rule, zone, history.get(u, []), current), current
            )
            for u in members
        }


def checked_nudge_hours(cadence: str, hours: int) -> int:
    """Nudge hours before a period closes (0 = off), refused when they don't fit the cadence."""
    problem = logic.nudge_problem(cadence, hours)
    if problem:
        raise UserError(problem)
    return hours


def not_a_member(group: GroupRef) -> NotAllowed:
    return NotAllowed(
        f"Only members of **{group.name}** can check in there."
        f" Join it first with `/group join group:{group.name}`."
    )


def indices_of(rule: Rule, zone: ZoneInfo, starts: list[int]) -> set[int]:
    """Period indices (under `rule`) of stored period starts."""
    return {logic.index_of(rule, zone, s) for s in starts}


def recent_indices(rule: Rule, zone: ZoneInfo, starts: list[int], current: int) -> set[int]:
    """Indices of the newest starts, stopping at the first gap (enough for a current
    streak without converting a member's whole history)."""
    found: set[int] = set()
    expected = current
    for start in reversed(starts):
        index = logic.index_of(rule, zone, start)
        if index < expected - 1:
            break
        found.add(index)
        expected = min(expected, index)
    return found

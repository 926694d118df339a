"""Gathering the figures of a server's groups through the other features' api.py.

One query per figure family per server, whatever the number of groups or rows: group
sizes, check-in completion per period, attendance per event, poll participation, and
the latest activity of each family. The result is `logic.GroupFigures`, which the pure
rules turn into pictures, texts and CSV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.checkins import api as checkins
from cogs.events import api as events
from cogs.groups import api as groups
from cogs.insights import logic
from cogs.polls import api as polls
from core.timeparse import get_zone

if TYPE_CHECKING:
    from datetime import tzinfo

    from core.bot import HuddleBot


async def server_zone(bot: HuddleBot, guild_id: int) -> tzinfo:
    try:
        return get_zone(await bot.config.server_timezone(guild_id))
    except Exception:  # an unreadable stored zone: show UTC rather than fail
        return get_zone("UTC")


async def guild_figures(
    bot: HuddleBot,
    guild_id: int,
    now: int,
    weeks: int,
    only: groups.GroupRef | None = None,
) -> list[logic.GroupFigures]:
    """The figures of every active group of the server (or of `only`), over the last
    `weeks` weeks and at least the 8 weeks the attention rules compare."""
    store = bot.store
    since = now - max(weeks, 2 * logic.COMPARE_WEEKS) * logic.WEEK
    sizes = {g.id: g for g in await groups.group_sizes(store, guild_id)}
    if only is not None:
        if only.id in sizes:
            sizes = {only.id: sizes[only.id]}
        else:  # an archived group: not in the active list
            members = len(await groups.member_ids(store, only.id))
            sizes = {only.id: groups.GroupSize(only.id, only.name, 0.0, members)}
    periods: dict[int, list[logic.PeriodCompletion]] = {gid: [] for gid in sizes}
    for p in await checkins.completion_by_period(store, guild_id, since, now):
        if p.group_id in periods:
            periods[p.group_id].append(
                logic.PeriodCompletion(p.start, p.checked_in, p.expected, p.end)
            )
    evs: dict[int, list[logic.EventAttendance]] = {gid: [] for gid in sizes}
    for e in await events.attendance_by_event(store, guild_id, since, now):
        if e.group_id in evs:
            evs[e.group_id].append(
                logic.EventAttendance(e.title, int(e.start_at), e.answered, e.going, e.came)
            )
    pos: dict[int, list[logic.PollParticipation]] = {gid: [] for gid in sizes}
    for q in await polls.participation_by_poll(store, guild_id, since, now + 1):
        if q.group_id in pos:
            members = sizes[q.group_id].members
            pos[q.group_id].append(
                logic.PollParticipation(
                    q.question, min(q.voters, members), members, int(q.created_at)
                )
            )
    last: dict[int, float] = {}
    for found in (
        await checkins.last_checkin_by_group(store, guild_id),
        await events.last_answer_by_group(store, guild_id),
        await polls.last_vote_by_group(store, guild_id),
    ):
        for gid, at in found.items():
            if at is not None and at <= now and at > last.get(gid, float("-inf")):
                last[gid] = at
    return [
        logic.GroupFigures(
            g.name,
            g.members,
            periods[gid],
            evs[gid],
            pos[gid],
            int(last[gid]) if gid in last else None,
            int(g.created_at) if g.created_at else None,
            gid,
        )
        for gid, g in sizes.items()
    ]

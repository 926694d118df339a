"""The public face of events: the only module other features import.

Every function takes the bot and finds the events service through
`bot.feature_cog("events")`, so it raises `FeatureUnavailable` while events are not loaded.
Refusals a member should read (no channel to post in, a missing bot permission, a bad
reminder offset) are `core.errors.UserError`s, as from the commands.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from cogs.events.calendar import FeedTag, feed_tag, member_feed
from cogs.events.changes import cancel_whole
from cogs.events.jobs import ROLLOVER
from cogs.events.logic import attendance
from cogs.events.models import Event
from cogs.events.recurrence import rule_for
from cogs.events.service import EventService, checked_length
from cogs.events.store import EventDraft, attendance_rows, last_answers
from cogs.groups import api as groups
from core.errors import NotFound, UserError
from core.fit import clip
from core.store import Store
from core.timeparse import to_local

if TYPE_CHECKING:
    from cogs.events.cog import EventsCog
    from core.bot import HuddleBot

DEFAULT_DURATION = 3600.0


@dataclass(frozen=True)
class EventSummary:
    """An event as other features see it: its current occurrence and how many answered
    each way (`going`, `maybe`, `cant`, `waitlist`)."""

    id: int
    guild_id: int
    group_id: int | None
    title: str
    start_at: float
    end_at: float
    status: str  # scheduled, cancelled or ended
    link: str
    going: int
    maybe: int
    cant: int
    waitlist: int
    # what creating it could not do (the Discord scheduled event skipped, and why)
    notes: tuple[str, ...] = ()


def _service(bot: HuddleBot) -> EventService:
    return cast("EventsCog", bot.feature_cog("events")).service


async def create_event(
    bot: HuddleBot,
    group_id: int,
    title: str,
    start_at: float,
    *,
    created_by: int,
    duration: float = DEFAULT_DURATION,
    where: str = "",
    description: str = "",
    remind: str | None = None,
    on_end: tuple[str, dict[str, Any]] | None = None,
    request_id: str | None = None,
) -> EventSummary:
    """Plan a one-off event for a group, posted in the group's channel with RSVP buttons,
    mirrored as a Discord scheduled event, with reminders, exactly as `/event create`.

    `start_at` is UTC epoch seconds; `duration` seconds; `where` a place, a link or a voice
    channel mention (empty: the group's voice channel, if any); `remind` offsets like
    `"1d,1h"` (None: the server's default, `"none"`: no reminders); `created_by` the member
    shown as organiser. `on_end=(job_kind, payload)`: when the event ends, the scheduler runs
    a `job_kind` job with `payload` plus `event_id`, `start_at` and the attendance counts
    (`going`, `maybe`, `cant`, `waitlist`). It survives restarts and edits; a cancelled
    event never ends, so it never fires. Returns the created event's summary.

    `request_id` (the caller's own name for this event, e.g. `cycle:3:1`) makes it once:
    stored with the event before its message is posted, so calling again with it (after a
    crash or a failure) returns that event, completing what was not done, instead of
    making a second one."""
    service = _service(bot)
    group = await _group_with_channel(bot, group_id)
    guild = bot.get_guild(group.guild_id)
    if guild is None:
        raise NotFound("The group's server is not available to the bot.")
    place = service.place_for(guild, where, group)
    zone = await service.zone_for(guild.id, created_by, group)
    draft = EventDraft(
        guild_id=guild.id, group_id=group.id, title=clip(title.strip(), 100),
        description=clip(description.strip(), 1000), location=place.location,
        voice_channel_id=place.voice_channel_id, start_at=start_at,
        end_at=start_at + checked_length(duration), timezone=zone, repeat="none",
        rrule=rule_for("none", to_local(start_at, zone)),
        remind=await service.remind_offsets(guild.id, remind), capacity=None,
        channel_id=group.channel_id, created_by=created_by,
    )  # fmt: skip
    if request_id is None:
        event, notes = await service.publish(guild, draft, on_end)
    else:
        event, notes = await service.publish_once(guild, draft, on_end, request_id)
    return dataclasses.replace(await _summary(service, event), notes=tuple(notes))


async def _group_with_channel(bot: HuddleBot, group_id: int) -> groups.GroupRef:
    group = await groups.get_group(bot.store, group_id)
    if group is None:
        raise NotFound("That group no longer exists.")
    if group.channel_id is None:
        raise UserError(f"**{group.name}** has no channel to post in. Repair the group first.")
    return group


async def cancel_event(bot: HuddleBot, event_id: int, *, by: str = "Huddle") -> bool:
    """Cancel an event (a series entirely), as `/event cancel` does: attendees are told, the
    message says **Cancelled**, reminders stop, the scheduled event is cancelled and the
    audit log says it was cancelled by `by`. Returns False if the event was not on (gone,
    already cancelled or ended)."""
    service = _service(bot)
    event = await service.events.get(event_id)
    if event is None or event.status != "scheduled":
        return False
    await cancel_whole(service, event, by)
    return True


async def find_event_by_on_end(bot: HuddleBot, kind: str, **match: Any) -> int | None:
    """The scheduled event whose pending `on_end` request is `kind` with a payload holding
    every `match` item, or None. A caller that died right after `create_event` (before
    noting the event's id) finds the event it made this way instead of making a second."""
    for job in await bot.scheduler.pending(ROLLOVER):
        on_end = job.payload.get("on_end")
        if not on_end or on_end[0] != kind:
            continue
        if all((on_end[1] or {}).get(k) == v for k, v in match.items()):
            return int(job.payload["event_id"])
    return None


async def event_summary(bot: HuddleBot, event_id: int) -> EventSummary | None:
    """An event's current state and attendance counts; None if there is no such event."""
    service = _service(bot)
    event = await service.events.get(event_id)
    return None if event is None else await _summary(service, event)


async def _summary(service: EventService, event: Event) -> EventSummary:
    counts: dict[str, Any] = attendance(await service.events.rsvps(event.id))
    return EventSummary(
        event.id, event.guild_id, event.group_id, event.title, event.start_at, event.end_at,
        event.status, event.link(), **counts,
    )  # fmt: skip


@dataclass(frozen=True)
class EventAttendance:
    """An occurrence of a group event: how many answered, answered Going, and came (None:
    not known, or not ended yet)."""

    group_id: int
    title: str
    start_at: float
    going: int
    answered: int
    came: int | None = None


async def attendance_by_event(
    store: Store, guild_id: int, since: float, until: float
) -> list[EventAttendance]:
    """Going / answered / came of every occurrence of a group event of a server starting
    in [since, until) (ended ones, and current ones not cancelled), oldest first; one
    query. (Insights.)"""
    rows = await attendance_rows(store, guild_id, since, until)
    return [
        EventAttendance(r[0], r[1], r[2], int(r[3]), int(r[4]), None if r[5] is None else int(r[5]))
        for r in rows
    ]


async def last_answer_by_group(store: Store, guild_id: int) -> dict[int, float]:
    """The time of the latest RSVP answer to each group's events; one query."""
    return await last_answers(store, guild_id)


# -- calendar feeds --------------------------------------------------------------------------


async def calendar_tag(bot: HuddleBot, viewer: groups.Viewer) -> FeedTag:
    """The ETag and Last-Modified of `viewer`'s calendar feed, without building it."""
    return await feed_tag(bot.store, viewer, bot.clock.now())


async def calendar_feed(bot: HuddleBot, viewer: groups.Viewer, name: str) -> bytes:
    """`viewer`'s calendar feed (iCalendar text): exactly the events `/event list` shows
    them, from 30 days ago to a year ahead, with their own answers (see calendar.py)."""
    return await member_feed(bot.store, viewer, bot.clock.now(), name)

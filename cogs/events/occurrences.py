"""One meeting of a series: `/event edit … occurrence` moves it, `/event cancel
… occurrence` skips it; the rest of the series stays. The current meeting changes at once
(message, reminders, RSVPs, the Discord scheduled event); a later one is kept as a change
to its slot that the roll-over honours when the series gets there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cogs.events import notify, store_calendar
from cogs.events.models import Event
from cogs.events.series import (
    Meeting,
    by_slot,
    following_meeting,
    meeting_at,
    neighbour_slots,
    slot_key,
    upcoming_meetings,
)
from cogs.events.service import checked_length, read_as_text
from core.components import HuddleInteraction
from core.errors import UserError
from core.timeparse import read_when, to_local
from core.ui import when_text

if TYPE_CHECKING:
    from cogs.events.service import EventService

CHOICES = 25  # meetings offered by the autocomplete (Discord's limit)
REACH = 60  # how far ahead (in meetings) a typed date is accepted
ONLY_TIMES = ("title", "where", "description", "capacity", "remind")


async def changes_of(service: EventService, event: Event) -> dict:
    found = await store_calendar.occurrence_changes(service.bot.store, [event.id])
    return by_slot(found[event.id])


def meeting_label(event: Event, meeting: Meeting) -> str:
    """`Thu 10 Dec 19:00`, with `(skipped)` or `(moved to Fri 11 Dec 20:00)`."""
    local = to_local(meeting.slot_at, event.timezone).strftime("%a %d %b %Y %H:%M")
    if meeting.status == "skipped":
        return f"{local} (skipped)"
    if meeting.status == "moved":
        moved = to_local(meeting.start_at, event.timezone).strftime("%a %d %b %H:%M")
        return f"{local} (moved to {moved})"
    return local


async def choices(service: EventService, event: Event, current: str) -> list[tuple[str, str]]:
    """The autocomplete of `occurrence`: the next meetings (name, value = the slot)."""
    if not event.recurring or event.status != "scheduled":
        return []
    meetings = upcoming_meetings(event, await changes_of(service, event), CHOICES)
    wanted = current.strip().lower()
    found = []
    for meeting in meetings:
        name = meeting_label(event, meeting)
        if wanted and wanted not in name.lower() and wanted != str(slot_key(meeting.slot_at)):
            continue
        found.append((name, str(slot_key(meeting.slot_at))))
    return found


async def pick_meeting(service: EventService, event: Event, text: str) -> Meeting:
    """The meeting an `occurrence` option names (an autocomplete value, or a date typed
    as the autocomplete shows it), among the series' next meetings."""
    if not event.recurring:
        raise UserError(f"**{event.title}** is not a series: leave out `occurrence`.")
    changes = await changes_of(service, event)
    for meeting in upcoming_meetings(event, changes, REACH):
        if text.strip() in (str(slot_key(meeting.slot_at)), meeting_label(event, meeting)):
            return meeting
    raise UserError(
        f"`{text[:100]}` is not one of the next meetings of **{event.title}**: "
        "pick one from the list."
    )


async def move_meeting(
    service: EventService,
    interaction: HuddleInteraction,
    event: Event,
    occurrence: str,
    options: dict[str, Any],
) -> tuple[Event, list[str]]:
    """`/event edit … occurrence`: a new time (`when`) and/or length for one meeting."""
    given = [name for name in ONLY_TIMES if options.get(name) is not None]
    if given:
        raise UserError(
            f"With `occurrence` only `when` and `duration` change (one meeting's time); "
            f"`{given[0]}` is the whole series': edit it without `occurrence`."
        )
    if not options.get("when") and not options.get("duration"):
        raise UserError("Give `when` or `duration` to move this meeting.")
    meeting = await pick_meeting(service, event, occurrence)
    now = service.bot.clock.now()
    start, length, notes = meeting.start_at, meeting.end_at - meeting.start_at, []
    if options.get("duration"):
        length = service.length(options["duration"])
    if options.get("when"):
        zone = await service.edit_zone(event, interaction.user.id)
        reading = read_when(options["when"], zone, now)
        start = reading.start
        if reading.duration and not options.get("duration"):
            length = checked_length(reading.duration)
        notes.append(read_as_text(options["when"], reading.label))
    await _check_between(service, event, meeting, start, start + length)
    back_to_plan = abs(start - meeting.slot_at) < 1 and abs(length - event.duration) < 1
    await store_calendar.set_occurrence(
        service.bot.store, event.id, meeting.slot_at,
        None if back_to_plan else "moved", (start, start + length), now,
    )  # fmt: skip
    text = (
        f"📝 The **{event.title}** meeting of {when_text(meeting.slot_at)} "
        f"is now {when_text(start)}; the rest of the series stays."
    )
    if abs(event.slot_at - meeting.slot_at) < 1:  # the current meeting: everything follows
        event = await service.events.update(
            event.id, start_at=start, end_at=start + length,
            occurrence_at=None if back_to_plan else meeting.slot_at,
        )  # fmt: skip
        await service.arm(event)
        await service.refresh_message(event)
        notes += await service.sync_scheduled(interaction.guild, event)  # type: ignore[arg-type]
    await tell_series(service, event, text)
    return event, notes


async def _check_between(
    service: EventService, event: Event, meeting: Meeting, start: float, end: float
) -> None:
    """A moved meeting starts in the future and stays between its neighbours, so the
    series still runs in order."""
    if start <= service.bot.clock.now():
        raise UserError(f"{when_text(start)} has already passed: pick a later time.")
    changes = await changes_of(service, event)
    previous_slot, next_slot = neighbour_slots(event, meeting.slot_at)
    after = meeting_at(next_slot, event.duration, changes)
    before = (
        meeting_at(previous_slot, event.duration, changes) if previous_slot is not None else None
    )
    too_early = before is not None and before.status != "skipped" and start < before.end_at
    too_late = after.status != "skipped" and end > after.start_at
    if too_early or too_late:
        earliest = when_text(before.end_at) if before is not None else "now"
        raise UserError(
            f"A moved meeting stays between the meetings before and after it (from {earliest} "
            f"to {when_text(after.start_at)}). To change every meeting, edit without `occurrence`."
        )


async def skip_meeting(
    service: EventService, interaction: HuddleInteraction, event: Event, occurrence: str | None
) -> tuple[str, list[str]]:
    """`/event cancel … occurrence` (or `scope: this occurrence`: the current meeting)."""
    meeting = (
        await pick_meeting(service, event, occurrence)
        if occurrence
        else meeting_at(event.slot_at, event.duration, await changes_of(service, event))
    )
    if meeting.status == "skipped":
        raise UserError(f"The meeting of {when_text(meeting.slot_at)} is already skipped.")
    now = service.bot.clock.now()
    await store_calendar.set_occurrence(
        service.bot.store, event.id, meeting.slot_at, "skipped", None, now
    )
    who = interaction.user.mention
    await service.bot.audit(
        event.guild_id,
        f"Event occurrence cancelled: **{event.title}** on {when_text(meeting.start_at)} by {who}",
    )
    notes: list[str] = []
    if abs(event.slot_at - meeting.slot_at) < 1:  # the current one: the series moves on
        nxt = following_meeting(event, await changes_of(service, event), now)
        await tell_series(
            service, event,
            f"❌ **{event.title}** on {when_text(meeting.start_at)} is **cancelled**; "
            f"the next one is {when_text(nxt.start_at)}.",
        )  # fmt: skip
        moved = await service.events.move_occurrence(
            event.id, nxt.start_at, nxt.end_at, nxt.slot_at
        )
        await service.arm(moved)
        await service.refresh_message(moved)
        notes = await service.sync_scheduled(interaction.guild, moved)  # type: ignore[arg-type]
        return (
            f"Cancelled this occurrence of **{event.title}**. Next: {when_text(nxt.start_at)}.",
            notes,
        )
    await tell_series(
        service, event,
        f"❌ The **{event.title}** meeting of {when_text(meeting.start_at)} is **cancelled**; "
        "the rest of the series stays.",
    )  # fmt: skip
    return f"Cancelled the meeting of {when_text(meeting.start_at)} of **{event.title}**.", notes


async def tell_series(service: EventService, event: Event, text: str) -> None:
    """Those who answered Going/Maybe are mentioned; with nobody to mention, the news is
    posted in the event's channel all the same (pinging nobody)."""
    people = [
        r.user_id for r in await service.events.rsvps(event.id) if r.status in ("going", "maybe")
    ]
    if people:
        await service.tell_attendees(event, text)
    else:
        await notify.post(service.bot, event.channel_id, text)

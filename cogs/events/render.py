"""What members see: the event embed, its RSVP buttons, reminder and find-time texts."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from cogs.events.logic import Rsvp, format_offset, going_count
from cogs.events.models import EndedOccurrence, Event, FindTime, Person
from cogs.events.recurrence import describe
from core.fit import FIELD_VALUE, clip, fit_embed, join_fitting, lines_fitting
from core.letters import letter
from core.plaintime import plain_times
from core.timeparse import to_local
from core.ui import EMBED_COLOUR, plural, ts, when_text

OVER_COLOUR = discord.Colour.dark_grey()  # cancelled or ended


# Every answer with its count and who gave it; mentions show each member's current
# name (a mention in an embed never pings).
ANSWERS = (("going", "✅ Going"), ("maybe", "❔ Maybe"), ("cant", "❌ Can't"))


def _person(row: Rsvp) -> str:
    return f"<@{row.user_id}>"


def _names(rows: Sequence[Rsvp]) -> str:
    """Names that fit a field; the rest as `+N more`."""
    return join_fitting([_person(r) for r in rows], FIELD_VALUE) or "—"


def place_text(event: Event) -> str:
    if event.voice_channel_id:
        return f"<#{event.voice_channel_id}>"
    return discord.utils.escape_mentions(event.location) if event.location else ""


def event_embed(
    event: Event, rsvps: Sequence[Rsvp], ended: EndedOccurrence | None = None
) -> discord.Embed:
    over = event.status in ("cancelled", "ended")
    embed = discord.Embed(  # the line above it says Cancelled or Ended (once)
        title=clip(event.title, 256),
        description=clip(event.description, 2000) or None,
        colour=OVER_COLOUR if over else EMBED_COLOUR,
    )
    embed.add_field(
        name="When",
        value=f"{when_text(event.start_at)}\nuntil {ts(event.end_at, 't')}",
        inline=False,
    )
    if event.recurring:
        embed.add_field(
            name="Repeats", value=describe(event.repeat, to_local(event.start_at, event.timezone))
        )
    if place_text(event):
        embed.add_field(name="Where", value=place_text(event))
    _add_answers(embed, event, rsvps)
    if ended is not None:
        _add_who_came(embed, event, ended)
    if event.offsets and not over:
        embed.set_footer(
            text="Reminders " + ", ".join(format_offset(o) for o in event.offsets) + " before"
        )
    return fit_embed(embed)


def _add_answers(embed: discord.Embed, event: Event, rsvps: Sequence[Rsvp]) -> None:
    by_status: dict[str, list[Rsvp]] = {"going": [], "maybe": [], "cant": [], "waitlist": []}
    for row in sorted(rsvps, key=lambda r: r.seq):
        by_status[row.status].append(row)
    limit = f"/{event.capacity}" if event.capacity else ""
    for status, label in ANSWERS:
        rows = by_status[status]
        count = f"{len(rows)}{limit if status == 'going' else ''}"
        embed.add_field(name=f"{label} ({count})", value=_names(rows))
    if event.capacity:
        queue = by_status["waitlist"]
        embed.add_field(
            name=f"Waitlist ({len(queue)})", value=_names(queue) if queue else "—", inline=False
        )


def _people(people: Sequence[Person]) -> str:
    return _names([Rsvp(user_id, "going", 0, name) for user_id, name in people])


def _add_who_came(embed: discord.Embed, event: Event, ended: EndedOccurrence) -> None:
    """After an occurrence: who came beside who said Going (docs/rules.md, "Who came"). A
    one-off event's Going field is already there; a series, whose answers start afresh,
    shows the last meeting's Going list too."""
    this_one = abs(ended.start - event.start_at) < 1
    if not this_one:
        embed.add_field(
            name=f"Last meeting {ts(ended.start, 'd')}: going ({len(ended.going)})",
            value=_people(ended.going) or "—",
        )
    if ended.came is None:
        embed.add_field(name="Came", value="not known (no voice channel, nobody pressed I'm here)")
        return
    embed.add_field(name=f"Came ({len(ended.came)})", value=_people(ended.came) or "—")


def choice_name(event: Event) -> str:
    """The event as an autocomplete choice: title and local start, timestamps written out
    (a choice shows `<t:…>` raw)."""
    local = to_local(event.start_at, event.timezone).strftime("%a %d %b %H:%M")
    return clip(plain_times(f"{event.title} — {local}"), 100)


def message_content(event: Event) -> str | None:
    """The line above the embed: says when the event is over; None while it is on."""
    if event.status == "cancelled":
        return "**Cancelled** — this event will not take place."
    if event.status == "ended":
        return "**Ended** — this event is over."
    return None


def reminder_text(event: Event) -> str:
    """The reminder line: what, when, where, and a link to the event message; the caller
    appends the mentions of those it reminds."""
    start = event.start_at
    title = discord.utils.escape_markdown(clip(event.title, 100))
    where = f" at {clip(place_text(event), 300)}" if place_text(event) else ""
    link = f" {event.link()}" if event.channel_id and event.message_id else ""
    return f"⏰ **{title}** starts {ts(start, 'R')} ({ts(start, 'F')}){where}.{link}"


def summary_line(event: Event, rsvps: Sequence[Rsvp]) -> str:
    going = going_count(rsvps)
    maybe = sum(1 for r in rsvps if r.status == "maybe")
    limit = f"/{event.capacity}" if event.capacity else ""
    return (
        f"**{discord.utils.escape_markdown(event.title)}** — {when_text(event.start_at)} · "
        f"{going}{limit} going, {maybe} maybe"
    )


def findtime_embed(poll: FindTime, closed_text: str | None = None) -> discord.Embed:
    lines = [f"{letter(i)} {when_text(slot)}" for i, slot in enumerate(poll.slots)]
    intro = (
        f"React with every slot that works for you. Closes {ts(poll.closes_at, 'R')}."
        if closed_text is None
        else closed_text
    )
    return fit_embed(
        discord.Embed(
            title=clip(f"When can we meet? {poll.title}", 256),
            description=clip(intro, 1000) + "\n\n" + lines_fitting(lines, 3000),
            colour=EMBED_COLOUR,
        )
    )


def findtime_result(poll: FindTime, index: int | None, counts: Sequence[int]) -> str:
    if index is None:
        return f"Nobody picked a time for **{discord.utils.escape_markdown(poll.title)}**."
    slot = poll.slots[index]
    others = [
        f"{letter(i)} {ts(other, 'f')} — {plural(counts[i], 'member')}"
        for i, other in enumerate(poll.slots)
        if i != index
    ]
    rest = f"\nThe other times: {join_fitting(others, 900, sep='; ')}." if others else ""
    return (
        f"Best time for **{discord.utils.escape_markdown(poll.title)}**: {letter(index)} "
        f"{when_text(slot)} — suits {plural(counts[index], 'member')}.{rest}"
    )

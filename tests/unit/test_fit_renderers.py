"""Every message builder, fed extreme inputs, stays within Discord's limits.

Each builder is rendered through its pure part with hypothesis-made inputs: long unicode
text (up to the length the bot accepts for that input, or Discord's 6,000 characters of a
slash option when it accepts any), many items (2,000 attendees, 1,000 missed members, 60
leaders, 20 tied options) and huge numbers. Every message it makes must have content of at
most 2,000 characters, embeds that `core.fit.embed_problems` finds nothing wrong with, at
most 100 distinct user mentions (and at most 100 users in `allowed_mentions`), button labels
of at most 80 characters, choices of at most 100 and modal titles of at most 45.

A builder that lives inside a command (`/poll list`, `/event list`, `/config show`) is
exercised with the same steps the command takes, around the real render functions.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import time
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cogs.admin import cog as admin_cog
from cogs.admin.help import help_embed
from cogs.admin.logic import validate_reminder_offsets
from cogs.checkins import cog as checkins_cog
from cogs.checkins import render as checkins
from cogs.checkins.logic import BoardRow, Rule, StreakStats
from cogs.checkins.logic import Period as CheckinPeriod
from cogs.checkins.views import checkin_modal, prompt_view
from cogs.cycles import logic as cycles_logic
from cogs.cycles import render as cycles
from cogs.cycles.logic import NAME_MAX as CYCLE_NAME_MAX
from cogs.cycles.logic import NOTE_MAX as NOMINATION_NOTE_MAX
from cogs.cycles.logic import TITLE_MAX as NOMINATION_TITLE_MAX
from cogs.cycles.logic import Nominee
from cogs.cycles.store import Cycle
from cogs.cycles.store import Period as CyclePeriod
from cogs.events import notify
from cogs.events import render as events
from cogs.events.commands import PER_PAGE as EVENTS_PER_PAGE
from cogs.events.logic import MENTIONS_PER_JOB, REPEATS, Rsvp, event_length, reminder_offsets
from cogs.events.models import Event, FindTime
from cogs.events.options import read_as_text
from cogs.events.service import NOT_FOUND as EVENT_NOT_FOUND
from cogs.events.views import findtime_view, rsvp_view
from cogs.groups import api as groups_api
from cogs.groups import render as groups
from cogs.groups.logic import DESCRIPTION_MAX as GROUP_DESCRIPTION_MAX
from cogs.groups.logic import NAME_MAX as GROUP_NAME_MAX
from cogs.groups.store import GroupRef, GroupSummary
from cogs.groups.views import approval_view, panel_view, request_view, waitlist_view
from cogs.insights import logic as insights
from cogs.polls import render as polls
from cogs.polls.logic import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    check_options,
    closes_range_text,
)
from cogs.polls.models import Poll
from core import fit, lengths
from core.config import CORE_SETTINGS, GuildConfig
from core.errors import UserError
from core.fit import clip
from core.timeparse import (
    get_zone,
    parse_clock,
    parse_duration,
    preview_choices,
    read_when,
    suggest_zones,
)
from core.timeread import read_time
from core.ui import chunk

NOW = 1_796_000_000  # Dec 2026
SLASH_TEXT = 6000  # what a slash command's string option can carry at most
EXAMPLES = 30

# Text members type: markdown, mentions, emoji sequences, combining marks, right-to-left.
ALPHABET = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    st.sampled_from([*"*_`~|\\<>@#:\n ", "🇦", "👩", "\u200d", "é", "\u0301", "ש", "\u200b"]),
)


def text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    """Short texts, and texts at (or near) `max_size` made by repeating a random piece:
    cheap to make however long."""
    short = st.text(ALPHABET, min_size=min_size, max_size=min(max_size, 40))
    longest = st.builds(
        lambda piece, cut: (piece * (max_size // len(piece) + 1))[: max_size - cut],
        st.text(ALPHABET, min_size=1, max_size=12),
        st.integers(0, 3),
    )
    middling = st.builds(
        lambda piece, n: (piece * (n // len(piece) + 1))[:n],
        st.text(ALPHABET, min_size=1, max_size=12),
        st.integers(max(min_size, 1), max_size),
    )
    # A Discord timestamp typed (or put by the bot, like a ballot's meeting date) in it.
    timed = st.builds(
        lambda before, style, after: (before + f"<t:{NOW}{style}>" + after)[: max(max_size, 1)],
        st.text(ALPHABET, max_size=min(max_size, 20)),
        st.sampled_from(["", ":D", ":F", ":R", ":t"]),
        st.text(ALPHABET, max_size=20),
    )
    if max_size <= 40:
        return short
    return st.one_of(short, longest, middling, timed)


def many(most: int) -> st.SearchStrategy[int]:
    """A count, often the largest."""
    return st.one_of(st.just(most), st.integers(0, most))


snowflakes = st.integers(10**16, 2**63 - 1)
big = st.one_of(st.just(10**15), st.integers(0, 10**15))
moments = st.integers(NOW - 10**8, NOW + 10**8)


def ids_from(first: int, count: int) -> list[int]:
    """`count` distinct snowflakes (made, not drawn: thousands of them stay cheap)."""
    step = 1_000_003
    return [(first + i * step) % (2**63 - 10**16) + 10**16 for i in range(count)]


# ------------------------------------------------------------------------ what is checked


@dataclass
class Message:
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    allowed: list[int] | None = None  # users allowed_mentions pings; None: none given
    choices: list[app_commands.Choice] = field(default_factory=list)
    modal: discord.ui.Modal | None = None
    files: list[tuple[str, str]] = field(default_factory=list)  # (file name, text in it)


MENTION = re.compile(r"<@!?(\d+)>")
# Discord renders `<t:…>` only in content, descriptions and field values: anywhere else
# (titles, author names, field names, footers, choices, files) a member reads the raw token.
RAW_TIME = re.compile(r"<t:-?\d+(:[tTdDfFR])?>|<t:[-\d:tTdDfFR]*…")


def raw_times(message: Message) -> list[str]:
    places: list[tuple[str, str]] = []
    for index, embed in enumerate(message.embeds):
        places += [(f"embed {index} title", embed.title or "")]
        places += [(f"embed {index} author", embed.author.name or "")]
        places += [(f"embed {index} footer", embed.footer.text or "")]
        places += [(f"embed {index} field name", f.name or "") for f in embed.fields]
    places += [("choice name", c.name) for c in message.choices]
    for name, body in message.files:
        places += [("file name", name), (f"file {name}", body)]
    return [f"{where}: raw timestamp" for where, text in places if RAW_TIME.search(text)]


def problems(message: Message) -> list[str]:
    found: list[str] = []
    content = message.content or ""
    if len(content) > fit.CONTENT:
        found.append(f"content: {len(content)} > {fit.CONTENT}")
    for index, embed in enumerate(message.embeds):
        found += [f"embed {index}: {p}" for p in fit.embed_problems(embed)]
    mentioned = set(MENTION.findall(content))
    if len(mentioned) > fit.MENTIONS:
        found.append(f"content mentions {len(mentioned)} users > {fit.MENTIONS}")
    if message.allowed is not None and len(set(message.allowed)) > fit.MENTIONS:
        found.append(f"allowed_mentions: {len(set(message.allowed))} users > {fit.MENTIONS}")
    if message.view is not None:
        items = message.view.children
        if len(items) > 25:
            found.append(f"view: {len(items)} components > 25")
        for item in items:
            label = getattr(item, "label", None) or ""
            if len(label) > fit.BUTTON_LABEL:
                found.append(f"button label: {len(label)} > {fit.BUTTON_LABEL}")
            custom = getattr(item, "custom_id", None) or ""
            if len(custom) > 100:
                found.append(f"custom id: {len(custom)} > 100")
    if len(message.choices) > 25:
        found.append(f"choices: {len(message.choices)} > 25")
    for choice in message.choices:
        if not 1 <= len(choice.name) <= fit.CHOICE_NAME:
            found.append(f"choice name: {len(choice.name)} not in 1..{fit.CHOICE_NAME}")
        if len(str(choice.value)) > fit.CHOICE_VALUE:
            found.append(f"choice value: {len(str(choice.value))} > {fit.CHOICE_VALUE}")
    if message.modal is not None and len(message.modal.title) > fit.MODAL_TITLE:
        found.append(f"modal title: {len(message.modal.title)} > {fit.MODAL_TITLE}")
    return found + raw_times(message)


# ------------------------------------------------------------------------ records


def make_poll(draw: st.DrawFn, status: str) -> tuple[Poll, list[int]]:
    """Up to 20 long options, most of them tied with a huge count."""
    options = draw(st.lists(text(MAX_OPTION_LENGTH, 1), min_size=2, max_size=MAX_OPTIONS))
    top = draw(big)
    tied = draw(st.integers(2, len(options)))
    counts = [top if i < tied else draw(big) % (top + 1) for i in range(len(options))]
    poll = Poll(
        id=draw(big),
        guild_id=draw(snowflakes),
        channel_id=draw(snowflakes),
        message_id=draw(st.none() | snowflakes),
        group_id=draw(st.none() | big),
        creator_id=draw(snowflakes),
        question=draw(text(MAX_QUESTION_LENGTH, 1)),
        options=options,
        multiple=draw(st.booleans()),
        max_choices=draw(st.none() | st.integers(1, MAX_OPTIONS)),
        hide_results=draw(st.booleans()),
        status=status,
        closes_at=draw(st.none() | moments),
        created_at=NOW,
        closed_at=draw(st.none() | moments) if status == "closed" else None,
    )
    return poll, counts


def make_event(draw: st.DrawFn, status: str | None = None) -> Event:
    start = draw(moments)
    offsets = draw(st.lists(st.integers(60, 4 * 604800), max_size=5))
    return Event(
        id=draw(big),
        guild_id=draw(snowflakes),
        group_id=draw(st.none() | big),
        title=draw(text(100, 1)),  # `title: Range[str, 1, 100]`
        description=draw(text(1000)),  # `description: Range[str, 0, 1000]`
        location=draw(text(SLASH_TEXT)),  # `where`: any text
        voice_channel_id=draw(st.none() | snowflakes),
        start_at=start,
        end_at=start + draw(st.integers(60, 7 * 86400)),
        timezone=draw(st.sampled_from(["UTC", "Europe/Berlin", "Pacific/Kiritimati"])),
        repeat=(repeat := draw(st.sampled_from(REPEATS))),
        rrule=None if repeat == "none" else "FREQ=WEEKLY",
        remind=",".join(str(o) for o in offsets),
        capacity=draw(st.none() | st.integers(1, 10_000)),
        channel_id=draw(st.none() | snowflakes),
        message_id=draw(st.none() | snowflakes),
        scheduled_event_id=None,
        status=status or draw(st.sampled_from(["scheduled", "cancelled", "ended"])),
        created_by=draw(snowflakes),
        created_at=NOW,
    )


def make_rsvps(draw: st.DrawFn, most: int = 2000) -> list[Rsvp]:
    count = draw(many(most))
    name = draw(text(SLASH_TEXT))  # display names as they were; 32 on Discord, any here
    statuses = draw(st.lists(st.sampled_from(["going", "maybe", "cant", "waitlist"]), min_size=1))
    return [
        Rsvp(uid, statuses[i % len(statuses)], i, name[: (i * 7) % (len(name) + 1)] or name)
        for i, uid in enumerate(ids_from(draw(snowflakes), count))
    ]


def make_group(draw: st.DrawFn) -> GroupRef:
    return GroupRef(
        id=draw(big),
        guild_id=draw(snowflakes),
        name=draw(text(GROUP_NAME_MAX, 1)),
        description=draw(text(GROUP_DESCRIPTION_MAX)),
        visibility=draw(st.sampled_from(["open", "request", "invite"])),
        max_members=draw(st.none() | st.integers(2, 1000)),
        timezone=draw(st.none() | st.just("America/Argentina/ComodRivadavia")),
        role_id=draw(st.none() | snowflakes),
        channel_id=draw(st.none() | snowflakes),
        voice_channel_id=None,
        status=draw(st.sampled_from(["active", "archived"])),
        broken=draw(st.booleans()),
    )


def make_cycle(draw: st.DrawFn) -> Cycle:
    return Cycle(
        id=draw(big),
        guild_id=draw(snowflakes),
        group_id=draw(big),
        name=draw(text(CYCLE_NAME_MAX, 1)),
        meet=draw(text(SLASH_TEXT, 1)),
        cadence=draw(st.sampled_from(["weekly", "monthly"])),
        nominate_s=draw(st.integers(3600, 10**8)),
        vote_s=draw(st.integers(3600, 10**8)),
        checkins=draw(st.booleans()),
        per_member=draw(st.integers(1, 10**6)),
        timezone="UTC",
        anchor="",
        status=draw(st.sampled_from(["active", "stopped"])),
        created_by=draw(snowflakes),
        created_at=NOW,
    )


def make_cycle_period(draw: st.DrawFn) -> CyclePeriod:
    base = draw(moments)
    return CyclePeriod(
        id=draw(big),
        guild_id=draw(snowflakes),
        cycle_id=draw(big),
        number=draw(big),
        phase=draw(st.sampled_from([*cycles.PHASES, "unknown"])),
        opens_at=base,
        nominate_until=base + 1,
        vote_until=base + 2,
        meet_at=base + 3,
        announce_msg=None,
        poll_id=draw(st.none() | big),
        runoff_poll_id=None,
        result_msg=None,
        pick=draw(st.none() | text(NOMINATION_TITLE_MAX, 1)),
        pick_votes=draw(st.none() | big),
        event_id=None,
        checkins_set=False,
        going=draw(st.none() | big),
    )


def make_nominees(draw: st.DrawFn) -> list[Nominee]:
    count = draw(many(200))
    title = draw(text(NOMINATION_TITLE_MAX, 1))
    note = draw(text(NOMINATION_NOTE_MAX))
    users = ids_from(draw(snowflakes), 50)
    return [
        Nominee(f"k{i}", f"{i} {title}"[:NOMINATION_TITLE_MAX], note, tuple(users[: i % 50 + 1]), i)
        for i in range(count)
    ]


def checkin_period(draw: st.DrawFn) -> CheckinPeriod:
    start = draw(moments)
    return CheckinPeriod("2026-12-01", start, start + 86400, draw(big))


# ------------------------------------------------------------------------ builders

Builder = tuple[st.SearchStrategy[Any], Callable[[Any], Iterable[Message]]]
BUILDERS: dict[str, Builder] = {}


def builder(name: str, strategy: st.SearchStrategy[Any]) -> Callable:
    def register(render: Callable[[Any], Iterable[Message]]) -> Callable:
        BUILDERS[name] = (strategy, render)
        return render

    return register


# -- polls


@st.composite
def open_poll(draw: st.DrawFn) -> tuple[Poll, list[int], int, str | None, bool | None]:
    poll, counts = make_poll(draw, "open")
    group = draw(st.none() | text(GROUP_NAME_MAX, 1))
    return poll, counts, draw(big), group, draw(st.sampled_from([None, True, False]))


@st.composite
def closed_poll(draw: st.DrawFn) -> tuple[Poll, list[int], int, str | None, bool | None]:
    poll, counts = make_poll(draw, "closed")
    return poll, counts, draw(big), draw(st.none() | text(GROUP_NAME_MAX, 1)), None


@builder("polls.poll_embed (open)", open_poll())
def _poll_open(args: Any) -> Iterable[Message]:
    yield Message(embeds=[polls.poll_embed(*args)])


@builder("polls.poll_embed (closed, 20 tied)", closed_poll())
def _poll_closed(args: Any) -> Iterable[Message]:
    poll, counts, voters, group, _ = args
    yield Message(embeds=[polls.poll_embed(poll, counts, voters, group)])


@builder("polls.announcement (close)", closed_poll())
def _poll_announcement(args: Any) -> Iterable[Message]:
    poll, counts, *_ = args
    yield Message(content=polls.announcement(poll, counts))


@st.composite
def poll_listing(draw: st.DrawFn) -> tuple[str | None, list[Poll], list[Poll]]:
    poll, _ = make_poll(draw, "open")
    closed, _ = make_poll(draw, "closed")
    n_open, n_closed = draw(many(500)), draw(many(500))
    opened = [Poll(**{**poll.__dict__, "id": poll.id + i}) for i in range(n_open)]
    shut = [Poll(**{**closed.__dict__, "id": closed.id + i}) for i in range(n_closed)]
    return draw(st.none() | text(GROUP_NAME_MAX, 1)), opened, shut


@builder("/poll list", poll_listing())
def _poll_list(args: Any) -> Iterable[Message]:
    group, open_polls, closed = args  # the steps of PollCommands.list_polls
    title = f"Polls of {group}" if group else "Polls"
    embed = discord.Embed(title=clip(title, 256))
    embed.add_field(name="Open", value=polls.list_text(open_polls, "No open polls."), inline=False)
    embed.add_field(
        name="Recently closed", value=polls.list_text(closed, "None yet."), inline=False
    )
    yield Message(embeds=[fit.fit_embed(embed)])


# -- events


@st.composite
def event_with_answers(draw: st.DrawFn) -> tuple[Event, list[Rsvp]]:
    return make_event(draw), make_rsvps(draw)


@builder("events.event_embed + rsvp_view (/event info)", event_with_answers())
def _event_embed(args: Any) -> Iterable[Message]:
    event, rsvps = args
    yield Message(
        content=events.message_content(event),
        embeds=[fit.fit_embed(events.event_embed(event, rsvps))],
        view=rsvp_view(event.id, disabled=event.status != "scheduled"),
    )


@st.composite
def event_listing(draw: st.DrawFn) -> tuple[str | None, list[tuple[Event, list[Rsvp]]], int]:
    count = draw(st.integers(1, 25))
    event = make_event(draw, "scheduled")
    rsvps = make_rsvps(draw, 300)
    found = [(Event(**{**event.__dict__, "id": event.id + i}), rsvps) for i in range(count)]
    return draw(st.none() | text(GROUP_NAME_MAX, 1)), found, count + draw(big)


@builder("/event list pages", event_listing())
def _event_list(args: Any) -> Iterable[Message]:
    group, found, total = args  # the steps of EventCommands.list_
    lines = [clip(events.summary_line(e, answers), 400) for e, answers in found]
    if total > len(found):
        lines.append(f"+{total - len(found)} more")
    title = clip(f"Upcoming events — {group}" if group else "Upcoming events", 256)
    for page in chunk(lines, EVENTS_PER_PAGE):
        embed = discord.Embed(title=title, description=fit.lines_fitting(page, 4096))
        yield Message(embeds=[fit.fit_embed(embed)])


# A reminder to nobody sends nothing (cogs/events/jobs.py returns early): at least one answer.
@builder(
    "events reminder batches (jobs: mention_batches)",
    event_with_answers().filter(lambda args: bool(args[1])),
)
def _event_reminders(args: Any) -> Iterable[Message]:
    event, rsvps = args
    people = [r.user_id for r in rsvps]
    prefix = events.reminder_text(event) + "\n"
    for content, ids in fit.mention_batches(people, prefix, MENTIONS_PER_JOB):
        yield Message(content=content, allowed=ids)


class FakeChannel:
    def __init__(self, sent: list[Message]) -> None:
        self.sent = sent

    async def send(self, content: str, allowed_mentions: discord.AllowedMentions) -> None:
        users = allowed_mentions.users
        allowed = [u.id for u in users] if isinstance(users, list) else []
        self.sent.append(Message(content=content, allowed=allowed))


@st.composite
def reminder_fallback(draw: st.DrawFn) -> tuple[str, list[int]]:
    event = make_event(draw)
    text_ = draw(st.sampled_from([events.reminder_text(event), draw(text(SLASH_TEXT))]))
    return text_, ids_from(draw(snowflakes), max(draw(many(2000)), 1))


@builder("events.notify.mention (DM fallback batches)", reminder_fallback())
def _notify_mention(args: Any) -> Iterable[Message]:
    text_, ids = args
    sent: list[Message] = []
    bot = SimpleNamespace(get_partial_messageable=lambda _: FakeChannel(sent))
    assert asyncio.run(notify.mention(bot, 1, text_, ids))  # type: ignore[arg-type]
    assert sorted(u for m in sent for u in m.allowed or []) == sorted(ids)
    yield from sent


@st.composite
def findtime(draw: st.DrawFn) -> tuple[FindTime, str | None, int | None, list[int]]:
    slots = draw(st.lists(moments, min_size=1, max_size=20))
    poll = FindTime(
        id=draw(big),
        guild_id=draw(snowflakes),
        group_id=None,
        title=draw(text(100, 1)),  # `title: Range[str, 1, 100]`
        slots=[float(s) for s in slots],
        timezone="UTC",
        channel_id=draw(snowflakes),
        message_id=None,
        closes_at=draw(moments),
        status="open",
        best_slot=None,
        votes=draw(big),
        event_id=None,
        created_by=draw(snowflakes),
        created_at=NOW,
    )
    index = draw(st.none() | st.integers(0, len(slots) - 1))
    counts = [draw(big) for _ in slots]
    closed = (
        None
        if draw(st.booleans())
        else "**Closed.** " + events.findtime_result(poll, index, counts)
    )
    return poll, closed, index, counts


@builder("events.findtime_embed + result + view", findtime())
def _findtime(args: Any) -> Iterable[Message]:
    poll, closed, index, counts = args
    yield Message(embeds=[events.findtime_embed(poll, closed)], view=findtime_view(poll.id))
    yield Message(content=events.findtime_result(poll, index, counts))


# -- groups


@st.composite
def summaries(draw: st.DrawFn) -> list[GroupSummary]:
    count = draw(many(60))
    first, group = draw(snowflakes), make_group(draw)
    leaders = ids_from(first, draw(many(60)))
    return [
        GroupSummary(GroupRef(**{**group.__dict__, "id": group.id + i}), draw(big), leaders)
        for i in range(count)
    ]


@builder("/group list pages", summaries())
def _group_list(args: Any) -> Iterable[Message]:
    for page in groups.list_pages(args, 1000):
        yield Message(embeds=[page])


@st.composite
def group_info(draw: st.DrawFn) -> tuple[GroupSummary, list[tuple[int, bool]]]:
    group = make_group(draw)
    # the description as stored (300 at most), and a long one (older rows, edits by hand)
    long = draw(st.booleans())
    if long:
        group = GroupRef(**{**group.__dict__, "description": draw(text(SLASH_TEXT))})
    leaders = ids_from(draw(snowflakes), draw(many(60)))
    members = [(u, u in leaders) for u in ids_from(draw(snowflakes), draw(many(2000)))]
    return GroupSummary(group, draw(big), leaders), members


@builder("/group info pages", group_info())
def _group_info(args: Any) -> Iterable[Message]:
    summary, members = args
    for page in groups.info_pages(summary, members, 1000, "America/Argentina/ComodRivadavia"):
        yield Message(embeds=[page])


@st.composite
def panel(draw: st.DrawFn) -> list[GroupRef]:
    group = make_group(draw)
    return [GroupRef(**{**group.__dict__, "id": group.id + i}) for i in range(draw(many(25)))]


@builder("/group panel (embed + Join buttons)", panel())
def _group_panel(args: Any) -> Iterable[Message]:
    part = args[:25]  # post_panel: one message per 25 open groups
    embed = groups.panel_embed([(g.name, g.description, f"{g.id}/1000 members") for g in part])
    asks = frozenset(g.id for g in part if g.visibility == "request")
    yield Message(embeds=[embed], view=panel_view([(g.id, g.name) for g in part], asks))


@builder("groups request/approval/waitlist views", big)
def _group_views(target: int) -> Iterable[Message]:
    for view in (request_view(target), approval_view(target), waitlist_view(target)):
        yield Message(view=view)


# -- check-ins

GOAL_MAX = checkins_cog.GOAL_MAX
PROMPT_MAX = checkins_cog.PROMPT_MAX
NOTE_MAX = 1000


@st.composite
def prompt(draw: st.DrawFn) -> tuple:
    members = ids_from(draw(snowflakes), draw(many(1000)))
    goal = draw(text(GOAL_MAX, 1))
    goals = {u: goal for u in members if draw(st.booleans()) or len(members) > 50}
    return (
        draw(text(GROUP_NAME_MAX, 1)),
        draw(text(PROMPT_MAX)),
        checkin_period(draw),
        members,
        goals,
    )


@builder("checkins.prompt_text + Check in button + modal", prompt())
def _prompt(args: Any) -> Iterable[Message]:
    name = args[0]
    yield Message(content=checkins.prompt_text(*args), view=prompt_view(1))
    group = GroupRef(1, 1, name, "", "open", None, None, None, None, None, "active", False)
    yield Message(modal=checkin_modal(group))


@st.composite
def period_summary(draw: st.DrawFn) -> tuple:
    members = ids_from(draw(snowflakes), draw(many(1000)))
    checked = draw(st.integers(0, len(members)))
    note = draw(text(NOTE_MAX))
    status = draw(st.sampled_from(["done", "partial", "blocked"]))
    entries = [checkins.SummaryEntry(u, status, note) for u in members[:checked]]
    goal = draw(text(GOAL_MAX, 1))
    goals = {u: goal for u in members}
    milestones = {u: draw(big) for u in members[: draw(many(200))]}
    return draw(text(GROUP_NAME_MAX, 1)), checkin_period(draw), members, entries, goals, milestones


@builder("checkins.summary_text (1,000 missed)", period_summary())
def _summary(args: Any) -> Iterable[Message]:
    yield Message(content=checkins.summary_text(*args))


@st.composite
def board(draw: st.DrawFn) -> tuple:
    users = ids_from(draw(snowflakes), draw(many(1000)))
    rows = [BoardRow(u, draw(big), draw(big)) for u in users[:3]] + [
        BoardRow(u, 10**15, 10**15) for u in users[3:]
    ]
    return draw(text(GROUP_NAME_MAX, 1)), draw(st.sampled_from(list(checkins.BOARD_TITLES))), rows


@builder("checkins.board_text", board())
def _board(args: Any) -> Iterable[Message]:
    yield Message(content=checkins.board_text(*args))


@st.composite
def streaks(draw: st.DrawFn) -> tuple:
    stats = StreakStats(draw(big), draw(big), draw(big), draw(big))
    names = [draw(text(GROUP_NAME_MAX, 1)) for _ in range(3)]
    count = draw(many(100))  # groups per member (`max_per_member` at most 100)
    return draw(snowflakes), [checkins.streak_line(names[i % 3], stats) for i in range(count)]


@builder("checkins.streak_text", streaks())
def _streaks(args: Any) -> Iterable[Message]:
    yield Message(content=checkins.streak_text(*args))


@st.composite
def goals_list(draw: st.DrawFn) -> tuple:
    count = draw(many(100))
    name, goal = draw(text(GROUP_NAME_MAX, 1)), draw(text(GOAL_MAX, 1))
    return draw(snowflakes), [(name, goal)] * count


@builder("checkins.goals_text (/goal list)", goals_list())
def _goals(args: Any) -> Iterable[Message]:
    yield Message(content=checkins.goals_text(*args))


@st.composite
def nudges(draw: st.DrawFn) -> tuple:
    period = checkin_period(draw)
    return (
        draw(text(GROUP_NAME_MAX, 1)),
        draw(st.none() | snowflakes),
        period,
        ids_from(draw(snowflakes), draw(many(1000))),
    )


@builder("checkins nudge DM + channel fallback batches", nudges())
def _nudges(args: Any) -> Iterable[Message]:
    name, channel, period, fallback = args
    yield Message(content=checkins.nudge_dm_text(name, channel, period))
    for content, ids in fit.mention_batches(fallback, checkins.nudge_channel_prefix(period)):
        yield Message(content=content, allowed=ids)


@st.composite
def schedule(draw: st.DrawFn) -> tuple:
    rule = Rule(
        draw(st.sampled_from(["daily", "weekly"])),
        time(draw(st.integers(0, 23)), draw(st.integers(0, 59))),
        draw(st.none() | st.integers(0, 6)),
    )
    zone = "America/Argentina/ComodRivadavia"
    return draw(text(GROUP_NAME_MAX, 1)), rule, zone, draw(moments), draw(big), draw(st.booleans())


@builder("checkins.scheduled_text", schedule())
def _scheduled(args: Any) -> Iterable[Message]:
    yield Message(content=checkins.scheduled_text(*args))


# -- cycles


@st.composite
def cycle_state(draw: st.DrawFn) -> tuple[Cycle, CyclePeriod, list[Nominee], str]:
    return (
        make_cycle(draw),
        make_cycle_period(draw),
        make_nominees(draw),
        draw(text(GROUP_NAME_MAX, 1)),
    )


@builder("cycles announcements (+ Nominate button)", cycle_state())
def _cycle_announcements(args: Any) -> Iterable[Message]:
    cycle, period, nominees, _ = args
    yield Message(embeds=[cycles.announcement(cycle, period)], view=cycles.nominate_view(period.id))
    yield Message(embeds=[cycles.no_nominations(cycle, period)])
    yield Message(embeds=[cycles.pick_announcement(cycle, period, nominees)])
    yield Message(
        embeds=[
            cycles.pick_announcement(
                cycle, period, nominees, total_votes=10**6, voice_channel_id=10**18
            )
        ]
    )
    yield Message(content=cycles.advanced_text(period))
    # texts handed to polls / events / check-ins, within what those accept
    assert len(cycles.poll_question(cycle, period)) <= MAX_QUESTION_LENGTH
    assert len(cycles.runoff_question(cycle, [n.title for n in nominees])) <= MAX_QUESTION_LENGTH
    assert len(cycles.event_title(cycle, period)) <= 100
    assert len(cycles.event_description(nominees, period)) <= 1000
    shown = cycles.ballot_presentation(period, nominees)
    assert len(shown.intro) <= 500 and all(len(n) <= 200 for n in shown.option_notes)
    assert len(cycles.reading_prompt(cycle, period)) <= PROMPT_MAX


@builder("cycles.status (/cycle status)", cycle_state())
def _cycle_status(args: Any) -> Iterable[Message]:
    cycle, period, nominees, group = args
    yield Message(embeds=[cycles.status(cycle, period, nominees, group)])
    yield Message(embeds=[cycles.status(cycle, None, nominees, group)])


@st.composite
def shelf(draw: st.DrawFn) -> tuple[str, list[tuple[Cycle, CyclePeriod]]]:
    cycle, period = make_cycle(draw), make_cycle_period(draw)
    return draw(text(GROUP_NAME_MAX, 1)), [(cycle, period)] * draw(many(500))


@builder("cycles.history (/cycle history)", shelf())
def _cycle_history(args: Any) -> Iterable[Message]:
    group, rows = args
    yield Message(embeds=[cycles.history(group, rows, NOW)])


# -- insights


@st.composite
def figures(draw: st.DrawFn) -> insights.GroupFigures:
    title, n = draw(text(SLASH_TEXT, 1)), draw(big)
    return insights.GroupFigures(
        name=draw(text(GROUP_NAME_MAX, 1)),
        members=draw(big),
        checkins=[(NOW - i * 86400, n, n + 1) for i in range(draw(many(200)))],
        events=[(title, NOW - i * 3600, n, n // 2) for i in range(draw(many(200)))],
        polls=[(title, n // 3, n, NOW - i * 60) for i in range(draw(many(200)))],
        last_activity=draw(st.none() | moments),
        created=NOW - 10**8,
    )


def summary_messages(summary: insights.Summary) -> Iterable[Message]:
    from cogs.insights.cog import summary_embed

    yield Message(embeds=[summary_embed(summary, "picture.png")])
    yield Message(content=summary.as_text())


@builder("insights.group_summary (embed + text)", figures())
def _group_summary(fig: insights.GroupFigures) -> Iterable[Message]:
    yield from summary_messages(insights.group_summary(fig, NOW))


@st.composite
def server(draw: st.DrawFn) -> list[insights.GroupFigures]:
    fig = draw(figures())
    return [
        insights.GroupFigures(**{**fig.__dict__, "group_id": i}) for i in range(draw(many(100)))
    ]


@builder("insights.server_summary + digest_content", server())
def _server_summary(figs: list[insights.GroupFigures]) -> Iterable[Message]:
    rows = insights.server_rows(figs, NOW)
    yield from summary_messages(insights.server_summary(rows, NOW))
    yield Message(content=insights.digest_content(rows, NOW))
    yield Message(files=[("insights.csv", insights.export_csv(figs[:3], NOW))])


# -- admin: /config show, /help


@st.composite
def config_values(draw: st.DrawFn) -> dict[str, Any]:
    specs = [*CORE_SETTINGS]
    from cogs.events.cog import SETTINGS as EVENT_SETTINGS
    from cogs.groups.settings import SETTINGS as GROUP_SETTINGS
    from cogs.insights.cog import SETTINGS as INSIGHT_SETTINGS

    specs += [*EVENT_SETTINGS, *GROUP_SETTINGS, *INSIGHT_SETTINGS]
    values: dict[str, Any] = {}
    for spec in specs:
        values[spec.key] = draw(
            st.sampled_from([None, spec.default, 2**63 - 1, "America/Argentina/ComodRivadavia"])
        )
    values["reminders.defaults"] = "4w,3w,2w,1w,1d"
    values.update({f"feature.{f}": draw(st.booleans()) for f in admin_cog.FEATURES})
    return {"specs": specs, "values": values}


@builder("/config show + /help", config_values())
def _config_show(args: Any) -> Iterable[Message]:
    config = GuildConfig.__new__(GuildConfig)
    config.specs = {s.key: s for s in args["specs"]}

    async def every(_: int) -> dict[str, Any]:
        return args["values"]

    config.all = every  # type: ignore[method-assign]
    fake = SimpleNamespace(bot=SimpleNamespace(config=config))
    embed = asyncio.run(admin_cog.ConfigCommands._settings_embed(fake, 1))  # type: ignore[arg-type]
    yield Message(embeds=[embed])
    yield Message(embeds=[help_embed()])


# -- autocomplete and fixed choices


@builder("autocomplete: when previews + zones + fixed choices", text(300))
def _choices(typed: str) -> Iterable[Message]:
    found = [app_commands.Choice(name=n, value=v) for n, v in preview_choices(typed, "UTC", NOW)]
    yield Message(choices=found)
    yield Message(choices=[app_commands.Choice(name=z, value=z) for z in suggest_zones(typed)])
    yield Message(choices=admin_cog.FEATURE_CHOICES)
    yield Message(choices=admin_cog.CREATION_CHOICES)
    for name in ("CADENCE_CHOICES", "STATUS_CHOICES", "PERIOD_CHOICES"):
        yield Message(choices=getattr(checkins_cog, name))


# -- errors that echo what was typed: whatever the text, the reply fits and its
# code spans hold (a backtick typed can't end one early and format the rest)

HOSTILE = st.sampled_from(["`", "``", "at - ", "[x](https://e.invalid) ", "*_~|", "\n", " "])


@st.composite
def typed(draw: st.DrawFn) -> str:
    """Any text up to a slash option's 6,000 characters, often full of backticks and
    range separators: the tree refuses it past the option's limit, but the errors must
    fit without relying on that."""
    piece = draw(st.one_of(text(SLASH_TEXT, 1), HOSTILE))
    return draw(
        st.one_of(
            st.just(piece),
            st.builds(lambda p, n: (p * n)[:SLASH_TEXT], st.just(piece), st.integers(1, 3000)),
        )
    )


def _refusals(calls: Iterable[Callable[[], object]]) -> Iterable[Message]:
    for call in calls:
        try:
            call()
        except UserError as refusal:
            spans = refusal.message.count("`")
            assert spans % 2 == 0, f"a code span is broken open: {refusal.message[:300]!r}"
            yield Message(content=refusal.message)


@builder("errors echoing user text (times, durations, names, options)", typed())
def _errors(typed_text: str) -> Iterable[Message]:
    yield from _refusals(
        [
            lambda: parse_duration(typed_text),
            lambda: parse_clock(typed_text),
            lambda: get_zone(typed_text),
            lambda: read_when(typed_text, "Europe/Berlin", NOW),
            lambda: read_when("yesterday " + typed_text[:90], "UTC", NOW),  # in the past
            lambda: read_time("2026-02-31 " + typed_text[:90], "UTC", NOW),  # no such date
            lambda: read_time("in 99999999999 days " + typed_text[:90], "UTC", NOW),
            lambda: event_length(typed_text),
            lambda: reminder_offsets(typed_text),
            lambda: validate_reminder_offsets(typed_text),
            lambda: cycles_logic.check_range("nominate", 10**30, cycles_logic.NOMINATE_RANGE),
            lambda: cycles_logic.parse_meet(typed_text),
            lambda: cycles_logic.check_slot_cadence(
                cycles_logic.Slot(3, time(19), None), typed_text
            ),
            lambda: check_options(["A", typed_text, typed_text.upper()]),
            lambda: checkins_cog._choice(typed_text, ("done", "partial"), "status"),
        ]
    )
    yield Message(content=closes_range_text(typed_text))
    yield Message(content=read_as_text(typed_text, "Fri 4 Dec 2026, 19:00 (Europe/Berlin)"))
    yield Message(content=groups_api.not_found(typed_text).message)
    yield Message(content=EVENT_NOT_FOUND.format(fit.code(typed_text)))
    overlong = lengths.Overlong("when", lengths.TIME, len(typed_text))
    yield Message(content=overlong.refusal)
    for message in (closes_range_text(typed_text), groups_api.not_found(typed_text).message):
        assert message.count("`") % 2 == 0, message[:300]


@st.composite
def searched(draw: st.DrawFn) -> tuple[list[Poll], list[Event]]:
    found = [make_poll(draw, draw(st.sampled_from(["open", "closed"])))[0] for _ in range(3)]
    return found, [make_event(draw) for _ in range(3)]


@builder("autocomplete: polls and events by name", searched())
def _named_choices(args: tuple[list[Poll], list[Event]]) -> Iterable[Message]:
    found, events_found = args
    yield Message(
        choices=[app_commands.Choice(name=polls.choice_name(p), value="1") for p in found]
    )
    yield Message(
        choices=[app_commands.Choice(name=events.choice_name(e), value="1") for e in events_found]
    )


# ------------------------------------------------------------------------ the test


def test_the_checks_catch_what_breaks_a_limit() -> None:
    """The checks themselves: each limit broken once is reported."""
    embed = discord.Embed(title="t" * 257, description="d" * 4097)
    for _ in range(26):
        embed.add_field(name="n", value="v" * 1025)
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="b" * 81))
    modal = discord.ui.Modal(title="m" * 45)
    modal.title = "m" * 46
    found = problems(
        Message(
            content=" ".join(f"<@{u}>" for u in ids_from(10**17, 101)) + "x" * 2000,
            embeds=[embed],
            view=view,
            allowed=ids_from(10**17, 101),
            choices=[app_commands.Choice(name="c" * 101, value="v" * 101)],
            modal=modal,
        )
    )
    timed = discord.Embed(title="Vote (meeting <t:1798743600:D>)")
    timed.set_author(name="<t:1798743600>").set_footer(text="ends <t:1798743600:R>")
    timed.add_field(name="<t:1798743600:F>", value="<t:1798743600:F> is fine here")
    found += problems(
        Message(
            content="<t:1798743600:F> is fine here",
            embeds=[timed],
            choices=[app_commands.Choice(name="Ballot (meeting <t:1798743600:…", value="1")],
            files=[("insights.csv", "poll,<t:1798743600:D>")],
        )
    )
    assert len([p for p in found if "raw timestamp" in p]) == 6, found
    for what in ("content:", "title", "description", "fields", "total", "field value 0",
                 "content mentions", "allowed_mentions", "button label", "choice name",
                 "choice value", "modal title", "title: raw timestamp",
                 "author: raw timestamp", "footer: raw timestamp",
                 "field name: raw timestamp", "choice name: raw timestamp",
                 "file insights.csv: raw timestamp"):  # fmt: skip
        assert any(what in p for p in found), what


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_fits_discord_limits(name: str) -> None:
    strategy, render = BUILDERS[name]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def check(args: Any) -> None:
        messages = list(render(args))
        assert messages, f"{name} made no message"
        for index, message in enumerate(messages):
            found = problems(message)
            assert not found, f"{name}, message {index}: {found}"

    check()

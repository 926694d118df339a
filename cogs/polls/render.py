"""What a poll looks like: the message embed, the results, the close announcement."""

from __future__ import annotations

import discord

from cogs.polls import logic
from cogs.polls.models import Poll
from core.fit import (
    CHOICE_NAME,
    CONTENT,
    FIELD_VALUE,
    clip,
    escape,
    fit_embed,
    join_fitting,
    lines_fitting,
)
from core.plaintime import plain_times
from core.ui import EMBED_COLOUR, bar, plural, when_text

CLOSED_COLOUR = discord.Colour.dark_grey()
# An open poll's message never uses the word "closed" (that word marks a closed poll).
OPTION_NOTE = 150  # a note under an option (a cycle's ballot: author and nominator)
NO_DEADLINE = "No deadline: its creator, a leader or a manager ends it with `/poll close`"


def votes_text(count: int) -> str:
    """The count as members read it on every poll: "3 votes", "1 vote"."""
    return plural(count, "vote")


def how_to_vote(poll: Poll) -> str:
    if not poll.multiple:
        return "Single choice: react with one letter (a new reaction moves your vote)."
    if poll.max_choices and poll.max_choices < len(poll.options):
        return f"Multiple choice: react with up to {plural(poll.max_choices, 'letter')}."
    return "Multiple choice: react with every letter you like."


def option_lines(poll: Poll, counts: list[int], show: bool) -> str:
    total = sum(counts)
    notes = poll.presentation.option_notes
    lines = []
    for index, text in enumerate(poll.options):
        head = f"{logic.option_emoji(index)} {escape(text, logic.MAX_OPTION_LENGTH)}"
        if show:
            head += f" — {votes_text(counts[index])}"
        if index < len(notes) and notes[index]:  # who and what it is, under its name
            head += f"\n{clip(notes[index], OPTION_NOTE)}"
        if show:
            share = round(100 * counts[index] / total) if total else 0
            head += f"\n`{bar(counts[index], total)}` {share}%"
        lines.append(head)
    return "\n".join(lines)


def poll_embed(
    poll: Poll,
    counts: list[int],
    voter_count: int,
    group_name: str | None,
    show: bool | None = None,
) -> discord.Embed:
    """The poll message: live counts and bars unless results are hidden until close
    (`show` overrides that for someone allowed to see hidden results)."""
    closed = poll.status == "closed"
    if show is None:
        show = closed or not poll.hide_results
    title = f"🔒 [Closed] {poll.question}" if closed else poll.question
    intro = poll.presentation.intro
    embed = discord.Embed(
        title=clip(title, 256),
        description=(f"{clip(intro, 500)}\n\n" if intro else "") + option_lines(poll, counts, show),
        colour=CLOSED_COLOUR if closed else EMBED_COLOUR,
    )
    who = f"members of **{group_name}**" if poll.group_id is not None else "everyone"
    embed.add_field(name="Who can vote", value=clip(who, 1024), inline=True)
    embed.add_field(name="Voters", value=str(voter_count) if show else "hidden", inline=True)
    if closed:
        embed.add_field(name="Status", value=status_closed(poll, counts), inline=False)
    else:
        closes = when_text(poll.closes_at) if poll.closes_at else NO_DEADLINE
        embed.add_field(name="Closes", value=closes, inline=False)
        if poll.hide_results:
            embed.add_field(name="Results", value="Hidden until the poll closes.", inline=False)
        embed.add_field(name="How to vote", value=how_to_vote(poll), inline=False)
    embed.set_footer(text=f"Poll #{poll.id}")
    return fit_embed(embed)


def status_closed(poll: Poll, counts: list[int]) -> str:
    """The closed poll's Status field, within an embed field's 1,024 characters however
    many long options tie."""
    when = when_text(poll.closed_at) if poll.closed_at else ""
    head = f"This poll is **closed** {when}. "
    return clip(head + outcome_text(poll, counts, FIELD_VALUE - len(head)), FIELD_VALUE)


def outcome_text(poll: Poll, counts: list[int], limit: int = 900) -> str:
    """`Winner: X (🇦) with 3 votes.` or the tie, within `limit` characters: a long tie
    names as many options as fit and ends `+N more`."""
    best = logic.winners(counts)
    if not best:
        return "No votes were cast."
    names = [f"{escape(poll.options[i], 100)} ({logic.option_emoji(i)})" for i in best]
    if len(best) == 1:
        return clip(f"Winner: {names[0]} with {votes_text(counts[best[0]])}.", limit)
    head, tail = "It's a tie between ", f" with {votes_text(counts[best[0]])} each."
    room = max(limit - len(head) - len(tail), 20)
    if sum(len(n) + 2 for n in names) + 3 <= room:
        joined = ", ".join(names[:-1]) + f" and {names[-1]}"
    else:
        joined = join_fitting(names, room)
    return clip(head + joined + tail, limit)


def announcement(poll: Poll, counts: list[int]) -> str:
    """The message posted in the channel when a poll closes (within 2,000 characters)."""
    question = escape(poll.question, 200)
    where = f" ({poll.link()})" if poll.message_id else ""
    head = f"📊 The poll **{question}** is closed{where}. "
    return clip(head + outcome_text(poll, counts, CONTENT - len(head)), CONTENT)


def choice_name(poll: Poll) -> str:
    """The poll as an autocomplete choice: its question, timestamps written out (a
    choice shows `<t:…>` raw)."""
    return clip(plain_times(poll.question) + ("" if poll.is_open else " (closed)"), CHOICE_NAME)


def list_line(poll: Poll) -> str:
    state = f"closes {when_text(poll.closes_at)}" if poll.is_open and poll.closes_at else ""
    if not poll.is_open:
        state = "closed"
    link = f"[{escape(poll.question, 80)}]({poll.link()})"
    return f"#{poll.id} {link} {('— ' + state) if state else ''}".rstrip()


def list_text(polls: list[Poll], empty: str) -> str:
    """One `list_line` per poll, within an embed field's room (`+N more`)."""
    if not polls:
        return empty
    return lines_fitting([list_line(poll) for poll in polls], FIELD_VALUE)

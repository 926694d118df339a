"""What members see of a cycle: announcements, status, history, all fitted to Discord's
limits (core.fit)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from cogs.cycles import logic
from cogs.cycles.logic import NewCycle, Nominee
from cogs.cycles.store import Cycle, Period
from cogs.polls import api as polls
from core.components import button, persistent_view
from core.errors import UserError
from core.fit import EMBED_DESCRIPTION, FIELD_VALUE, clip, escape, fit_embed, lines_fitting
from core.ui import EMBED_COLOUR, plural, ts

FEATURE = "cycles"

PHASES = {
    "nominating": "Nominations open",
    "voting": "Voting",
    "runoff": "Runoff vote (tie)",
    "picked": "Pick chosen",
    "reading": "Reading until the meeting",
    "empty": "No nominations this period; waiting for the next",
    "done": "Met",
    "skipped": "Skipped (no nominations)",
    "stopped": "Stopped",
}


def when(epoch: float) -> str:
    return f"{ts(epoch, 'F')} ({ts(epoch, 'R')})"


def nominate_view(period_id: int) -> discord.ui.View:
    return persistent_view(
        button(FEATURE, "nominate", period_id, "Nominate", discord.ButtonStyle.primary)
    )


def announcement(cycle: Cycle, period: Period) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"{escape(cycle.name, 200)}: nominations are open", 256),
        colour=EMBED_COLOUR,
        description=(
            f"Nominate what we take up next: press **Nominate**, or use `/cycle nominate`.\n"
            f"Nominations close {when(period.nominate_until)}; then voting runs "
            f"{logic.spoken_duration(cycle.vote_s)}.\n"
            f"We meet {when(period.meet_at)}."
        ),
    )
    per = "One nomination" if cycle.per_member == 1 else f"Up to {cycle.per_member} nominations"
    embed.set_footer(text=f"{per} per member")
    return fit_embed(embed)


def no_nominations(cycle: Cycle, period: Period) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"{escape(cycle.name, 200)}: no nominations this time", 256),
        colour=EMBED_COLOUR,
        description=(
            f"Nobody nominated anything, so there is no vote and no meeting this period. "
            f"The next period's nominations open {when(period.meet_at)}."
        ),
    )
    return fit_embed(embed)


def poll_question(cycle: Cycle, period: Period) -> str:
    """The ballot's title: no timestamp (a title shows `<t:…>` raw); the meeting time is in
    the ballot's intro."""
    return clip(f"{cycle.name}: what do we pick?", 250)


def runoff_question(cycle: Cycle, tied: Sequence[str]) -> str:
    return clip(f"{cycle.name}: runoff between the tied picks", 250)


def ballot_intro(period: Period, *, runoff: bool = False) -> str:
    head = "The vote tied, so the tied picks go to a 24-hour runoff. " if runoff else ""
    return f"{head}We meet {when(period.meet_at)}."


def nominated_by(nominee: Nominee) -> str:
    """`nominated by @Bob (+1 seconder)`: mentions in an embed show names and ping nobody."""
    text = f"nominated by <@{nominee.nominators[0]}>" if nominee.nominators else ""
    if nominee.seconders:
        text += f" (+{plural(nominee.seconders, 'seconder')})"
    return text


def option_note(nominee: Nominee) -> str:
    """What `/cycle status` knows of a ballot option, shown under it: its note and who
    nominated it."""
    parts = [escape(nominee.note, 80)] if nominee.note else []
    parts.append(nominated_by(nominee))
    return " · ".join(p for p in parts if p)


def ballot_presentation(
    period: Period, nominees: Sequence[Nominee], *, runoff: bool = False
) -> polls.Presentation:
    """The ballot reads like `/cycle status`, and polls does not announce its close: the
    pick announcement does."""
    return polls.Presentation(
        intro=ballot_intro(period, runoff=runoff),
        option_notes=tuple(option_note(n) for n in nominees),
        announce_close=False,
    )


def vote_count(period: Period, total: int | None) -> str:
    if period.pick_votes is None:
        return "the only nomination"
    votes = plural(period.pick_votes, "vote")
    if total:
        votes = f"{period.pick_votes} of {plural(total, 'vote')}"
    return f"won with **{votes}**"


def where_we_meet(group_voice_id: int | None) -> str:
    return f" in <#{group_voice_id}>" if group_voice_id else ""


def pick_announcement(
    cycle: Cycle,
    period: Period,
    nominees: Sequence[Nominee],
    *,
    total_votes: int | None = None,
    voice_channel_id: int | None = None,
) -> discord.Embed:
    """Pick day in one post: who won, by how many votes, nominated by whom, where and when
    we meet; the meeting's event follows it directly."""
    pick = period.pick or "?"
    nominee = next((n for n in nominees if n.key == logic.title_key(pick)), None)
    head = f"**{escape(pick, 200)}** {vote_count(period, total_votes)}"
    by = nominated_by(nominee) if nominee else ""
    lines = [f"{head}, {by}." if by else f"{head}."]
    if nominee and nominee.note:
        lines.append(escape(nominee.note, 400, one_line=False))
    lines.append(
        f"We meet {when(period.meet_at)}{where_we_meet(voice_channel_id)}: "
        "answer on the event just below."
    )
    if cycle.checkins:
        lines.append("Weekly reading check-ins run until then.")
    embed = discord.Embed(
        title=clip(f"{escape(cycle.name, 200)}: we picked {escape(pick, 200)}", 256),
        colour=EMBED_COLOUR,
        description="\n".join(lines),
    )
    return fit_embed(embed)


def event_title(cycle: Cycle, period: Period) -> str:
    return clip(f"{cycle.name}: {period.pick}", 100)


def rhythm(cycle: Cycle) -> str:
    """`We meet the last Thursday of each month at 19:00 (UTC). Nominations stay open 5
    days, then voting runs 2 days.`"""
    try:
        meet = logic.slot_words(logic.parse_meet(cycle.meet), cycle.cadence)
    except UserError:  # stored as read at /cycle start, so always readable; just in case
        meet = f"{cycle.cadence}, {escape(cycle.meet, 100)}"
    return (
        f"We meet {meet} ({escape(cycle.timezone, 60)}). Nominations stay "
        f"open {logic.spoken_duration(cycle.nominate_s)}, then voting runs "
        f"{logic.spoken_duration(cycle.vote_s)}."
    )


def event_description(nominees: Sequence[Nominee], period: Period) -> str:
    """The meeting's description: the pick's note (an author, a link) if it has one, else
    nothing (no filler)."""
    pick = logic.title_key(period.pick or "")
    return next((clip(n.note, 1000) for n in nominees if n.key == pick and n.note), "")


def reading_prompt(cycle: Cycle, period: Period) -> str:
    return clip(
        f"{escape(cycle.name, 200)}: how far are you into {escape(period.pick or '', 250)}?", 500
    )


def started(new: NewCycle, period: Period, group_name: str) -> str:
    """`/cycle start`'s answer: when we meet, when nominations close, the first meeting."""
    slot = logic.parse_meet(new.meet)
    return (
        f"Started **{escape(new.name, 80)}** for **{group_name}**: we meet "
        f"{logic.slot_words(slot, new.cadence)} ({new.timezone}). Nominations close "
        f"{when(period.nominate_until)}; then voting runs "
        f"{logic.spoken_duration(new.vote_s)}. The first meeting is {when(period.meet_at)}."
    )


def advanced_text(period: Period) -> str:
    if period.phase == "empty":
        return "Closed nominations: there were none, so this period has no vote or meeting."
    if period.phase == "voting":
        return f"Closed nominations; voting closes {when(period.vote_until)}."
    return f"Closed nominations; the pick is **{escape(period.pick or '', 100)}**."


def status(
    cycle: Cycle, period: Period | None, nominees: Sequence[Nominee], group_name: str
) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"{escape(cycle.name, 120)} · {escape(group_name, 120)}", 256),
        colour=EMBED_COLOUR,
    )
    if cycle.status != "active":
        embed.description = (
            "This cycle is stopped. A leader can start a new one with `/cycle start`."
        )
    elif period is not None:
        embed.description = f"Phase: **{PHASES.get(period.phase, period.phase)}**"
    embed.add_field(
        name="Rhythm",
        value=clip(rhythm(cycle), FIELD_VALUE),
        inline=False,
    )
    if period is not None and cycle.status == "active":
        deadlines = []
        if period.phase == "nominating":
            deadlines.append(f"Nominations close {when(period.nominate_until)}")
        if period.phase in ("nominating", "voting"):
            deadlines.append(f"Voting closes {when(period.vote_until)}")
        deadlines.append(f"Next meeting {when(period.meet_at)}")
        embed.add_field(name="Deadlines", value="\n".join(deadlines), inline=False)
        if period.pick:
            embed.add_field(
                name="Current pick", value=escape(period.pick, FIELD_VALUE), inline=False
            )
        lines = [
            f"{escape(n.title, 100)}"
            + (f" — {escape(n.note, 80)}" if n.note else "")
            + (f" (+{plural(n.seconders, 'seconder')})" if n.seconders else "")
            for n in logic.ballot(nominees, limit=len(nominees))
        ]
        embed.add_field(
            name=f"Nominations ({len(nominees)})",
            value=lines_fitting(lines, FIELD_VALUE) if lines else "none yet",
            inline=False,
        )
    return fit_embed(embed)


def history(group_name: str, shelf: Sequence[tuple[Cycle, Period]], now: float) -> discord.Embed:
    lines = []
    for cycle, period in shelf:
        votes = (
            "only nomination" if period.pick_votes is None else plural(period.pick_votes, "vote")
        )
        if period.going is not None:
            went = f"{period.going} went"
        elif period.meet_at > now:
            went = "upcoming"
        else:
            went = "attendance unknown"
        lines.append(
            f"{ts(period.meet_at, 'D')} · **{escape(period.pick or '', 100)}** "
            f"({escape(cycle.name, 60)}) · {votes} · {went}"
        )
    embed = discord.Embed(
        title=clip(f"{escape(group_name, 200)}: the shelf", 256),
        colour=EMBED_COLOUR,
        description=lines_fitting(lines, EMBED_DESCRIPTION) if lines else "No picks yet.",
    )
    return fit_embed(embed)

"""The text members see: prompts, summaries, nudges, streaks and the board. Pure
functions over plain data (no I/O, no discord imports); mentions are written as
`<@id>` and the sender decides whether they ping (they never do, except a nudge)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cogs.checkins.logic import WEEKDAYS, BoardRow, Period, Rule, StreakStats, first_line
from core.fit import clip, escape, join_fitting, lines_fitting
from core.ui import plural, ts, when_text

LIMIT = 2000  # Discord message content
STATUS_MARK = {"done": "✅", "partial": "🟡", "blocked": "⛔"}
DEFAULT_PROMPT = "Time to check in: what did you do for your goal this period?"
BOARD_TITLES = {"week": "week: last 7 days", "month": "month: last 30 days", "all": "all time"}


@dataclass(frozen=True)
class SummaryEntry:
    user_id: int
    status: str
    note: str


MISSED_ROOM = 900  # about 40 names; the rest are counted
MILESTONES_ROOM = 400


def _fit(head: str, lines: Sequence[str], tail: str = "") -> str:
    """Join as many lines as fit in one message; say how many were left out."""
    text = head
    for shown, line in enumerate(lines):
        rest = len(lines) - shown
        if len(text) + len(line) + len(tail) + 40 > LIMIT:
            return f"{text}\n… and {rest} more{tail}"
        text += "\n" + line
    return text + tail


def _line_budget(count: int, reserved: int) -> int:
    """Characters each per-member line may use so that `count` lines fit."""
    return max(60, (LIMIT - reserved) // max(count, 1) - 2)


def goal_lines(members: Sequence[int], goals: dict[int, str], budget: int = 120) -> list[str]:
    return [clip(f"<@{u}>: {escape(goals[u], budget)}", budget) for u in members if goals.get(u)]


def prompt_text(
    group_name: str, prompt: str, period: Period, members: Sequence[int], goals: dict[int, str]
) -> str:
    head = (
        f"📝 **Check-in — {group_name}**\n{prompt or DEFAULT_PROMPT}\n"
        f"Press **Check in** below (or use `/checkin log`) before {when_text(period.end)}."
    )
    lines = goal_lines(members, goals, _line_budget(len(goals), len(head) + 40))
    if not lines:
        return head
    return _fit(head + "\n\n**Goals**", lines)


def summary_text(
    group_name: str,
    period: Period,
    members: Sequence[int],
    entries: Sequence[SummaryEntry],
    goals: dict[int, str],
    milestones: dict[int, int],
) -> str:
    """Who checked in (status, first line of the note, goal), then **Missed**: the members
    who did not, named so that missing is noticeable; then streak milestones."""
    checked = {e.user_id for e in entries}
    missed = [u for u in members if u not in checked]
    head = (
        f"📋 **Check-in summary — {group_name}**\n"
        f"Period {ts(period.start, 'f')} – {ts(period.end, 'f')}: "
        f"{len(entries)} of {len(set(members) | checked)} checked in.\n"
    )
    # Missed members are the point of the summary: their names get a room of their own
    # (ending "+N more") after the checked-in lines, which are the ones shortened.
    missed_line = join_fitting([f"<@{u}>" for u in missed], MISSED_ROOM) if missed else ""
    tail = f"\n**Missed** ({len(missed)})\n{missed_line or 'nobody — well done!'}"
    if milestones:
        cheers = [f"🔥 <@{u}> reached a {n}-period streak!" for u, n in milestones.items()]
        tail += "\n**Streak milestones**\n" + lines_fitting(cheers, MILESTONES_ROOM)
    budget = _line_budget(len(entries) + 1, len(head) + len(tail) + 40)
    lines = [f"**Checked in** ({len(entries)})"]
    lines += [_entry_line(e, goals.get(e.user_id, ""), budget) for e in entries] or ["nobody"]
    return _fit(head.rstrip("\n"), lines, tail)


def _entry_line(entry: SummaryEntry, goal: str, budget: int) -> str:
    mark = STATUS_MARK.get(entry.status, "✅")
    note = first_line(entry.note)
    line = f"{mark} <@{entry.user_id}> ({entry.status})"
    if note:
        line += f" — {escape(note, budget)}"
    if goal:
        line += f" · goal: {escape(goal, budget)}"
    return clip(line, budget)


def scheduled_text(
    group_name: str, rule: Rule, zone: str, first_prompt: int, nudge_hours: int, weekday_given: bool
) -> str:
    """The public confirmation of `/checkin schedule`."""
    day = f" every {WEEKDAYS[rule.weekday]}" if rule.weekday is not None else " daily"
    when = f"{rule.at:%H:%M}{day}"
    tail = f" Nudge: {nudge_hours} h before each period closes." if nudge_hours else ""
    if weekday_given and rule.weekday is None:
        tail += " (`weekday` only applies to weekly check-ins.)"
    return (
        f"📅 Check-ins for **{group_name}** scheduled at {when} ({zone})."
        f" First prompt {when_text(first_prompt)}.{tail}"
    )


def nudge_dm_text(group_name: str, channel_id: int | None, period: Period) -> str:
    where = f" in <#{channel_id}>" if channel_id else ""
    return (
        f"👋 Friendly nudge: you haven't checked in for **{group_name}** yet. The period closes"
        f" {ts(period.end, 'R')} — press **Check in** on the prompt{where} or use `/checkin log`."
    )


def nudge_channel_prefix(period: Period) -> str:
    """The start of each channel nudge; `core.fit.mention_batches` adds the mentions
    (at most 100 members and 2,000 characters per message)."""
    return f"👋 Nudge: you haven't checked in yet; this period closes {ts(period.end, 'R')}: "


def streak_line(group_name: str, stats: StreakStats) -> str:
    rate = f"{stats.rate or 0}%"
    return (
        f"**{group_name}** — current streak: **{stats.current}** · best streak: **{stats.best}**"
        f" · completion rate: **{rate}** ({stats.periods_done} of {plural(stats.periods_total, 'period')})"
    )


def streak_text(user_id: int, lines: Sequence[str]) -> str:
    return _fit(f"🔥 **Check-in streaks for <@{user_id}>**", list(lines))


def board_text(group_name: str, window: str, rows: Sequence[BoardRow]) -> str:
    head = f"🏆 **Check-in board — {group_name}** ({BOARD_TITLES[window]})"
    if not rows:
        return head + "\nNo members yet."
    lines = [
        f"**{place}.** <@{r.user_id}> — {plural(r.checkins, 'check-in')} · streak {r.streak}"
        for place, r in enumerate(rows, start=1)
    ]
    return _fit(head, lines)


def goals_text(user_id: int, goals: Sequence[tuple[str, str]]) -> str:
    if not goals:
        return f"<@{user_id}> has no goals set. Set one with `/goal set`."
    lines = [clip(f"**{name}** — {escape(text, 300)}", 300) for name, text in goals]
    return _fit(f"🎯 **Goals of <@{user_id}>**", lines)

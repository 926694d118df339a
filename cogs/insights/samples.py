"""Realistic made-up figures for the pictures' samples, benchmarks and tests (no I/O)."""

from __future__ import annotations

import random

from cogs.insights.logic import (
    DAY,
    WEEK,
    EventAttendance,
    GroupFigures,
    PeriodCompletion,
    PollParticipation,
)

NAMES = (
    "Morning Runners",
    "Book Club",
    "Rust Learners",
    "Design Critique",
    "Spanish B1",
    "Weekend Hikers",
    "Indie Game Jam",
    "Data Science Study",
    "Climbing Crew",
    "Chess Night",
    "Writers' Room",
    "Photography Walks",
    "Open Source Fridays",
    "Meditation Circle",
    "Board Games",
    "Sourdough Bakers",
    "JavaScript Juniors",
    "Yoga at Lunch",
    "Film Society",
    "Startup Founders",
)
TITLES = ("Weekly sync", "Long run", "Q&A", "Workshop", "Demo day", "Social", "Retro")
QUESTIONS = (
    "Which day suits you?",
    "Next book?",
    "Pizza or tacos?",
    "Move the meeting?",
    "Favourite topic?",
    "Try a new venue?",
)


def sample_group(
    now: int,
    *,
    seed: int = 1,
    name: str = "Morning Runners",
    members: int = 1000,
    weeks: int = 12,
    events: int = 50,
    polls: int = 100,
    decline: float = 0.0,
    quiet_days: int = 0,
    daily: bool = False,
) -> GroupFigures:
    """A group with weekly (or daily) check-ins over `weeks` weeks, `events` events and
    `polls` polls spread over them; `decline` lowers the completion of the last 4 weeks."""
    rnd = random.Random(seed)
    end = now - quiet_days * DAY
    step = DAY if daily else WEEK
    n = weeks * (7 if daily else 1)
    base = rnd.uniform(0.45, 0.85)
    checkins = []
    for i in range(n):
        start = end - (n - i) * step
        level = base - (decline if start >= now - 4 * WEEK else 0.0)
        rate = min(1.0, max(0.0, level + rnd.uniform(-0.08, 0.08)))
        checkins.append(PeriodCompletion(start, round(members * rate), members, start + step))
    span = weeks * WEEK
    evs = []
    for i in range(events):
        start = end - span + int((i + 0.5) * span / max(1, events))
        going = max(0, round(members * rnd.uniform(0.02, 0.15)))
        evs.append(
            EventAttendance(
                f"{rnd.choice(TITLES)} #{i + 1}",
                start,
                going,
                round(going * rnd.uniform(0.5, 0.95)),
            )
        )
    ps = []
    for i in range(polls):
        created = end - span + int((i + 0.5) * span / max(1, polls))
        ps.append(
            PollParticipation(
                rnd.choice(QUESTIONS), round(members * rnd.uniform(0.1, 0.7)), members, created
            )
        )
    last = end - rnd.randint(0, DAY) if (checkins or evs or ps) else None
    return GroupFigures(name, members, checkins, evs, ps, last, now - 400 * DAY, seed)


def sample_server(now: int, groups: int = 20, seed: int = 7) -> list[GroupFigures]:
    """`groups` groups of varied size and health: a few quiet, a few declining."""
    rnd = random.Random(seed)
    out = []
    for i in range(groups):
        name = NAMES[i % len(NAMES)] + (f" {i // len(NAMES) + 1}" if i >= len(NAMES) else "")
        members = rnd.choice((3, 8, 12, 25, 40, 80, 150, 400, 1000))
        quiet = 20 + rnd.randint(0, 30) if i % 7 == 3 else 0
        decline = 0.4 if i % 5 == 1 else 0.0
        out.append(
            sample_group(
                now,
                seed=seed * 1000 + i,
                name=name,
                members=members,
                events=rnd.randint(0, 12),
                polls=rnd.randint(0, 20),
                decline=decline,
                quiet_days=quiet,
            )
        )
    return out

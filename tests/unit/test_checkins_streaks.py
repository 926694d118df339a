"""Streaks, completion rate, the board order and the text members see."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.checkins import logic, render
from cogs.checkins.logic import Rule, StreakStats


def test_current_streak_open_period_does_not_break_it() -> None:
    assert logic.current_streak({8, 9}, current=10) == 2  # 10 still open
    assert logic.current_streak({8, 9, 10}, current=10) == 3
    assert logic.current_streak({7, 8}, current=10) == 0  # 9 closed without a check-in


def test_best_streak() -> None:
    assert logic.best_streak([]) == 0
    assert logic.best_streak([1, 2, 3, 7, 8]) == 3
    assert logic.best_streak([5, 5, 6]) == 2


def test_stats_completion_rate() -> None:
    stats = logic.streak_stats({1, 2, 4, 5}, current=6, since=1)
    assert stats == StreakStats(current=2, best=2, periods_done=4, periods_total=5)
    assert stats.rate == 80
    checked_now = logic.streak_stats({1, 2, 4, 5, 6}, current=6, since=1)
    assert checked_now.rate == 83
    assert checked_now.current == 3


def test_stats_without_history() -> None:
    assert logic.streak_stats(set(), current=5).rate is None
    # Counted from since even without a check-in: two closed periods, none done.
    assert logic.streak_stats(set(), current=5, since=3).rate == 0


def test_since_never_exceeds_first_checkin() -> None:
    stats = logic.streak_stats({2, 3}, current=4, since=3)
    assert stats.periods_done == 2 and stats.periods_total == 2


@settings(max_examples=300, deadline=None)
@given(indices=st.sets(st.integers(0, 60), max_size=40), current=st.integers(0, 60))
def test_streak_properties(indices: set[int], current: int) -> None:
    stats = logic.streak_stats(indices, current)
    assert 0 <= stats.current <= stats.best <= len(indices)
    assert stats.periods_done <= stats.periods_total or stats.periods_total == 0
    if stats.rate is not None:
        assert 0 <= stats.rate <= 100
    # Checking in for the open period never lowers the current streak.
    assert logic.streak_stats(indices | {current}, current).current >= stats.current


@settings(max_examples=100, deadline=None)
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 1)),
    length=st.integers(1, 60),
    zone=st.sampled_from([ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]),
)
def test_daily_checkins_across_dst_make_one_unbroken_streak(
    day: date, length: int, zone: ZoneInfo
) -> None:
    rule = Rule("daily", time(18, 0))
    period = logic.period_for_day(rule, zone, day)
    starts = []
    for _ in range(length):
        starts.append(period.start)
        period = logic.next_period(rule, zone, period)
    indices = {logic.index_of(rule, zone, s) for s in starts}
    current = logic.period_at(rule, zone, period.start).index  # the next, open period
    assert logic.current_streak(indices, current) == length
    assert logic.best_streak(indices) == length


def test_one_checkin_per_period_whatever_the_moment() -> None:
    """Every moment of one period maps to the same key: a second check-in updates."""
    zone = ZoneInfo("Europe/Berlin")
    rule = Rule("daily", time(18, 0))
    period = logic.period_for_day(rule, zone, date(2026, 3, 28))
    keys = {logic.period_at(rule, zone, m).key for m in range(period.start, period.end, 997)}
    assert keys == {"2026-03-28"}


def test_board_ranks_by_checkins_then_streak_and_lists_everyone() -> None:
    rows = logic.rank_board([1, 2, 3, 4], {1: 3, 2: 5, 3: 3}, {1: 1, 3: 3})
    assert [r.user_id for r in rows] == [2, 3, 1, 4]
    assert rows[-1].checkins == 0


def test_milestones() -> None:
    assert logic.milestone_reached(7) == 7
    assert logic.milestone_reached(8) is None
    assert [n for n in range(1, 120) if logic.milestone_reached(n)] == [7, 30, 100]


def test_summary_names_the_missed_under_a_heading() -> None:
    period = logic.Period("2026-12-01", 1_800_000_000, 1_800_086_400, 1)
    entries = [
        render.SummaryEntry(1, "done", "Read ch. 3\nand more"),
        render.SummaryEntry(2, "partial", ""),
    ]
    text = render.summary_text(
        "Book Club", period, [1, 2, 3, 4], entries, {1: "finish book"}, {1: 7}
    )
    assert "**Missed** (2)" in text
    missed = text.split("**Missed** (2)")[1]
    assert "<@3>" in missed and "<@4>" in missed and "<@1>" not in missed.split("**Streak")[0]
    assert "Read ch. 3" in text and "and more" not in text
    assert "(partial)" in text and "goal: finish book" in text
    assert "7-period streak" in text


def test_summary_fits_one_message_with_many_long_notes() -> None:
    period = logic.Period("2026-12-01", 1_800_000_000, 1_800_086_400, 1)
    members = list(range(10**17, 10**17 + 25))
    entries = [render.SummaryEntry(u, "done", "x" * 900) for u in members[:20]]
    goals = {u: "g" * 200 for u in members}
    text = render.summary_text("Club", period, members, entries, goals, {})
    assert len(text) <= render.LIMIT
    assert "**Missed** (5)" in text


def test_streak_line_shows_current_best_and_rate() -> None:
    line = render.streak_line("Book Club", StreakStats(3, 5, 8, 10))
    assert "current streak: **3**" in line and "best streak: **5**" in line and "80%" in line


def test_a_long_summary_still_names_who_missed() -> None:
    """With hundreds of members the checked-in lines are shortened, never the Missed names."""
    from cogs.checkins.logic import Period
    from cogs.checkins.render import SummaryEntry, summary_text

    members = list(range(10**18, 10**18 + 1000))
    entries = [SummaryEntry(m, "done", "x" * 300) for m in members[:300]]
    text = summary_text("G", Period("k", 0, 100, 0), members, entries, {}, {})
    assert len(text) <= 2000
    missed = text.split("**Missed** (700)\n", 1)[1]
    assert missed.startswith(f"<@{members[300]}>") and missed.rstrip().endswith("more")

"""RSVP and waitlist rules, reminder times, best find-time slot."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.events.logic import (
    Rsvp,
    apply_rsvp,
    best_slot,
    format_offset,
    going_count,
    promotions,
    reminder_times,
    should_send_reminder,
    split_options,
    waitlist,
)


def play(answers: list[tuple[int, str]], capacity: int | None) -> dict[int, Rsvp]:
    rows: dict[int, Rsvp] = {}
    for user, status in answers:
        outcome = apply_rsvp(list(rows.values()), user, status, capacity)
        for row in outcome.changed:
            rows[row.user_id] = row
    return rows


def test_going_beyond_capacity_joins_waitlist_in_order() -> None:
    rows = play([(1, "going"), (2, "going"), (3, "going"), (4, "going")], capacity=2)
    assert {u for u, r in rows.items() if r.status == "going"} == {1, 2}
    assert [r.user_id for r in waitlist(rows.values())] == [3, 4]


def test_dropping_promotes_first_on_waitlist() -> None:
    rows = play([(1, "going"), (2, "going"), (3, "going"), (4, "going")], capacity=2)
    outcome = apply_rsvp(list(rows.values()), 1, "cant", 2)
    assert outcome.promoted == [3]
    assert outcome.final_status == "cant"


def test_waitlisted_member_pressing_going_keeps_place() -> None:
    rows = play([(1, "going"), (2, "going"), (3, "going")], capacity=1)
    outcome = apply_rsvp(list(rows.values()), 2, "going", 1)
    assert outcome.final_status == "waitlist" and outcome.changed == []


def test_waitlisted_member_leaving_queue_promotes_nobody() -> None:
    rows = play([(1, "going"), (2, "going"), (3, "going")], capacity=1)
    outcome = apply_rsvp(list(rows.values()), 2, "maybe", 1)
    assert outcome.promoted == []
    rows[2] = outcome.changed[0]
    assert [r.user_id for r in waitlist(rows.values())] == [3]


def test_capacity_growth_promotes_in_order() -> None:
    rows = play([(1, "going"), (2, "going"), (3, "going"), (4, "going")], capacity=1)
    assert [r.user_id for r in promotions(list(rows.values()), 3)] == [2, 3]
    assert [r.user_id for r in promotions(list(rows.values()), None)] == [2, 3, 4]


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError):
        apply_rsvp([], 1, "yes", None)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 8), st.sampled_from(["going", "maybe", "cant"])), max_size=60
    ),
    st.one_of(st.none(), st.integers(1, 5)),
)
def test_waitlist_invariants(answers: list[tuple[int, str]], capacity: int | None) -> None:
    rows = play(answers, capacity)
    going = going_count(rows.values())
    queue = waitlist(rows.values())
    if capacity is not None:
        assert going <= capacity
        assert not queue or going == capacity  # nobody waits while a seat is free
    else:
        assert not queue
    last = {}
    for user, status in answers:
        last[user] = status
    for user, status in last.items():
        assert rows[user].status == status or (
            status == "going" and rows[user].status == "waitlist"
        )


def test_reminder_times_skip_past_ones() -> None:
    assert reminder_times(10_000, [86400, 3600, 600], now=5_000) == [(3600, 6400), (600, 9400)]
    assert reminder_times(10_000, [], now=0) == []


def test_late_reminder_sent_until_event_ends() -> None:
    assert should_send_reminder(100, 200, now=150)
    assert should_send_reminder(100, 200, now=50)
    assert not should_send_reminder(100, 200, now=200)


def test_best_slot_most_voters_then_earliest() -> None:
    slots = [300.0, 100.0, 200.0]
    assert best_slot(slots, [{1, 2}, {3}, {4, 5}]) == 2  # tie between 300 and 200: earliest wins
    assert best_slot(slots, [{1, 2, 3}, {3}, {4, 5}]) == 0
    assert best_slot(slots, [set(), set(), set()]) is None


@given(st.lists(st.sets(st.integers(1, 6), max_size=6), min_size=1, max_size=20))
def test_best_slot_is_a_maximum(voters: list[set[int]]) -> None:
    slots = [float(i * 10) for i in range(len(voters))]
    index = best_slot(slots, voters)
    if index is None:
        assert all(not v for v in voters)
        return
    top = max(len(v) for v in voters)
    assert len(voters[index]) == top
    assert all(len(v) < top for v in voters[:index])


def test_small_helpers() -> None:
    assert format_offset(90000) == "1d1h" and format_offset(5400) == "1h30m"
    assert split_options("friday 7pm; ; saturday 10:00 ") == ["friday 7pm", "saturday 10:00"]

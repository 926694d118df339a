"""Ranges of the number and duration options, fan-out batches, typing `;` options."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.events.logic import (
    MAX_DURATION,
    MAX_OFFSET,
    batches,
    check_capacity,
    event_length,
    option_prefix,
    reminder_offsets,
)
from core.errors import UserError


@pytest.mark.parametrize("text", ["99999999999999d", "99999999999999999999w", "8d", "0m"])
def test_absurd_or_too_long_durations_are_refused_with_the_range(text: str) -> None:
    with pytest.raises(UserError) as refused:
        event_length(text)
    assert "`1m` to `7d`" in refused.value.message


def test_durations_in_range() -> None:
    assert event_length("90m") == 5400
    assert event_length("7d") == MAX_DURATION
    assert event_length("1m") == 60


def test_reminder_offsets() -> None:
    assert reminder_offsets("1h,1d,1h") == [86400, 3600]
    assert reminder_offsets("none") == []
    assert reminder_offsets("4w") == [MAX_OFFSET]
    with pytest.raises(UserError, match="at most 5"):
        reminder_offsets("1m,2m,3m,4m,5m,6m")
    for bad in ("99999999999999d", "5w", "soon"):
        with pytest.raises(UserError, match="`1m` to `4w`"):
            reminder_offsets(bad)


def test_capacity_range() -> None:
    check_capacity(None)
    check_capacity(10000)
    check_capacity(0, zero_allowed=True)
    for bad in (0, -1, 10001):
        with pytest.raises(UserError, match="from 1 to 10,000"):
            check_capacity(bad)


@given(st.lists(st.integers(), max_size=500), st.integers(1, 120))
def test_batches_keep_order_and_size(items: list[int], size: int) -> None:
    cut = batches(items, size)
    assert [x for chunk in cut for x in chunk] == items
    assert all(1 <= len(chunk) <= size for chunk in cut)


def test_option_prefix() -> None:
    assert option_prefix("friday 7pm") == ("", "friday 7pm")
    assert option_prefix("a;b ; sat 10") == ("a; b; ", "sat 10")
    assert option_prefix("a; ") == ("a; ", "")

"""The time reader facing untrusted text (docs/testing.md, "Untrusted text"): a bounded
number of range splits, amounts beyond any calendar refused in words (never an
OverflowError), a length past which it doesn't read, and refusals that quote the text
clipped and unbreakable."""

from __future__ import annotations

import pytest

from core.errors import UserError
from core.timeparse import duration_seconds, parse_duration
from core.timeread import LONGEST, TooFar, read_time
from core.timeread import span as timeread_span

NOW = 1_796_000_000  # Dec 2026


def test_a_text_is_cut_at_no_more_than_a_few_separators() -> None:
    text = " - ".join(["at"] * 500)
    assert len(timeread_span.range_splits(text)) == timeread_span.MAX_SPLITS
    assert timeread_span.range_splits("10 august - 12 september 2013") == [
        ("10 august", "12 september 2013")
    ]


@pytest.mark.parametrize(
    "text",
    ["in 99999999999999999999 days", "in 9999999999 hours", "+99999999999 years",
     "99999999 weeks ago", "next 9999999999 years", "friday +99999999999 days"],
)  # fmt: skip
def test_amounts_beyond_any_calendar_are_refused_in_words(text: str) -> None:
    with pytest.raises(TooFar, match="further away than I can count"):
        read_time(text, "Europe/Berlin", NOW)


def test_past_the_longest_time_nothing_is_read() -> None:
    with pytest.raises(UserError, match="too long to be a time") as refused:
        read_time("friday 7pm " + "x" * LONGEST, "UTC", NOW)
    assert len(refused.value.message) < 300
    with pytest.raises(UserError, match="couldn't read"):  # at the limit it is read
        read_time(("at - " * 100)[:LONGEST], "UTC", NOW)


def test_a_refusal_quotes_the_text_clipped_in_an_unbroken_code_span() -> None:
    with pytest.raises(UserError) as refused:
        read_time("friday 7pm at the `pub` " + "`" * 150, "UTC", NOW)
    message = refused.value.message
    assert message.count("`") % 2 == 0 and "ˋpubˋ" in message and len(message) < 600


def test_durations_never_overflow() -> None:
    assert duration_seconds("99999999999999w") == 99999999999999 * 604800
    with pytest.raises(UserError, match="longer than I can count"):
        parse_duration("99999999999999w")
    with pytest.raises(UserError, match="is not a duration"):
        duration_seconds("9" * 6000)
    assert duration_seconds("2hours") == 7200 and duration_seconds("5 minutes") == 300

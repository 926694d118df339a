"""The vote path's shared batch outcome and the in-memory matching helpers."""

from __future__ import annotations

from cogs.polls import logic
from cogs.polls.logic import Outcome, Rules
from cogs.polls.store_lookup import nocase, poll_number


def test_a_batch_outcome_equals_the_merged_per_event_outcomes():
    events = [(1, 0, True), (1, 1, True), (2, 0, True), (1, 1, False), (2, 2, True)]
    for rules in (Rules(3), Rules(3, True), Rules(3, True, 2)):
        a: logic.Votes = {}
        b: logic.Votes = {}
        merged, shared = Outcome(), Outcome()
        for user, option, added in events:
            if added:
                merged.merge(logic.apply_add(a, rules, user, option, True))
                logic.apply_add(b, rules, user, option, True, shared)
            else:
                merged.merge(logic.apply_remove(a, user, option))
                logic.apply_remove(b, user, option, shared)
        assert a == b
        assert merged == shared


def test_nocase_folds_ascii_only_like_sqlite():
    assert nocase("Dune OR Emma?") == "dune or emma?"
    assert nocase("ÉTÉ") == "ÉtÉ"  # SQLite's NOCASE leaves non-ASCII alone


def test_poll_number_reads_ids_as_the_footer_shows_them():
    assert poll_number("3") == 3
    assert poll_number(" #12 ") == 12
    assert poll_number("Poll #7") == 7
    assert poll_number("poll 7") == 7
    assert poll_number("Dune?") is None

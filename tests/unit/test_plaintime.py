"""Timestamps written out where Discord shows `<t:…>` raw, and the heatmap's
legend in numbers."""

from __future__ import annotations

from cogs.checkins.heatmap import _level, level_labels
from core.plaintime import plain_times

MEETING = 1798743600  # Thu 31 Dec 2026 19:00 UTC


def test_each_style_is_written_out_in_utc():
    assert plain_times(f"(meeting <t:{MEETING}:D>)") == "(meeting 31 Dec 2026)"
    assert plain_times(f"<t:{MEETING}:t>") == "19:00 UTC"
    assert plain_times(f"<t:{MEETING}:F> and <t:{MEETING}>") == (
        "31 Dec 2026 19:00 UTC and 31 Dec 2026 19:00 UTC"
    )
    assert plain_times(f"<t:{MEETING}:R>") == "31 Dec 2026 19:00 UTC"


def test_a_token_cut_in_half_is_dropped_and_odd_ones_do_not_break():
    assert plain_times("Vote (meeting <t:17987…") == "Vote (meeting…"
    assert plain_times("<t:99999999999999999999:F>") == "a date"
    assert plain_times("no time here <t:") == "no time here…"
    assert plain_times("plain") == "plain"


def test_legend_labels_say_what_each_colour_counts():
    assert level_labels(3) == ["0", "1", "2", "3", "4"]
    labels = level_labels(12)
    assert labels[0] == "0" and labels[-1].endswith("12")
    for peak in range(5, 40):  # every count from 1 to the peak is in exactly one label
        covered = []
        for label in level_labels(peak)[1:]:
            low, _, high = label.partition("–")
            covered += list(range(int(low), int(high or low) + 1))
        assert covered == list(range(1, peak + 1)), (peak, level_labels(peak))
        assert all(_level(c, peak) >= 1 for c in covered)

"""Pure rules of who came and who hasn't answered: voice presence during an event, the
I'm here window, the nudge rounds and batches, the `nudge` option, and attendance in
insights."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cogs.events import logic as events
from cogs.insights import logic as insights
from cogs.insights.logic import EventAttendance, GroupFigures
from cogs.polls import logic as polls
from core import nudges

START, END = 10_000.0, 13_600.0  # a one-hour event
MIN = 60


def test_presence_is_clipped_to_the_event_and_an_open_stay_runs_until_now():
    assert events.presence_seconds([(START - 600, START + 300)], START, END, END) == 300
    assert events.presence_seconds([(START + 100, None)], START, END, START + 700) == 600
    assert events.presence_seconds([(START + 100, None)], START, END, END + 999) == 3500
    assert events.presence_seconds([(END + 1, None)], START, END, END + 99) == 0


def test_ten_minutes_in_total_count_five_do_not():
    stays = [
        (1, START + 10 * MIN, START + 15 * MIN),  # 5 minutes
        (2, START + 5 * MIN, START + 11 * MIN),  # 6 + 6 minutes
        (2, START + 20 * MIN, START + 26 * MIN),
        (3, START - 30 * MIN, START + 9 * MIN),  # early, then 9 minutes of the event
        (4, START + 50 * MIN, None),  # still there at the end: 10 minutes
    ]
    assert events.came_by_voice(stays, START, END, END + 5) == [2, 4]


@given(st.lists(st.tuples(st.floats(0, 20_000), st.floats(0, 5_000)), max_size=8))
def test_presence_never_exceeds_the_event(stays):
    pairs = [(joined, joined + length) for joined, length in stays]
    assert 0 <= events.presence_seconds(pairs, START, END, END) <= (END - START) * len(pairs)


def test_im_here_window_from_30_minutes_before_to_the_end():
    assert "opens 30 minutes" in events.here_window_problem(START, END, START - 30 * MIN - 1)
    assert events.here_window_problem(START, END, START - 30 * MIN) is None
    assert events.here_window_problem(START, END, END) is None
    assert "over" in events.here_window_problem(START, END, END + 1)


def test_a_round_at_most_every_12_hours():
    assert nudges.next_possible(None, 5.0) is None
    assert nudges.next_possible(1000.0, 1000.0 + 12 * 3600 - 1) == 1000.0 + 12 * 3600
    assert nudges.next_possible(1000.0, 1000.0 + 12 * 3600) is None


def test_batches_hold_at_most_100_members_spread_at_the_dm_pace():
    jobs = nudges.batch_jobs("k", list(range(250)), {"x": 1}, 7, "key", 100.0, 5.0)
    assert [len(j[2]["user_ids"]) for j in jobs] == [100, 100, 50]
    assert [j[1] for j in jobs] == [100.0, 120.0, 140.0]  # 100 DMs at 5/s = 20 s apart
    assert [u for j in jobs for u in j[2]["user_ids"]] == list(range(250))
    assert {j[4] for j in jobs} == {"key"} and all(j[2]["x"] == 1 for j in jobs)
    assert nudges.batch_jobs("k", [], {}, 7, "key", 0.0, 5.0) == []


def test_the_nudge_option_needs_a_group_a_close_and_room():
    now = 1000.0
    assert "group" in polls.nudge_problem(3, False, now + 10 * 3600, now)
    assert "closes" in polls.nudge_problem(3, True, None, now)
    assert "less than 3 hours" in polls.nudge_problem(3, True, now + 3 * 3600, now)
    assert polls.nudge_problem(3, True, now + 3 * 3600 + 1, now) is None
    assert "1 to 168" in polls.nudge_problem(0, True, now + 99 * 3600, now)


def test_insights_count_came_where_known_and_say_so():
    came = EventAttendance("Talk", 1, answered=4, going=3, came=2)
    going = EventAttendance("Walk", 2, answered=4, going=3)
    crowd = EventAttendance("Party", 3, answered=2, going=2, came=5)  # came without answering
    assert (came.figure, came.rate) == ("came", 0.5)
    assert (going.figure, going.rate) == ("going", 0.75)
    assert crowd.rate == 1.0
    assert insights.attendance_basis([came, came]) == "came"
    assert insights.attendance_basis([going]).startswith("going")
    assert insights.attendance_basis([came, going]) == "came for 1 of 2 events, going for the rest"


def test_the_csv_has_going_and_came():
    now = 1_796_126_400
    fig = GroupFigures("G", 5, (), (EventAttendance("Talk", now - 3600, 4, 3, 2),), (), now - 3600)
    rows = insights.csv_rows(fig, now)
    event = next(r for r in rows if r[1] == "event")
    came = next(r for r in rows if r[1] == "event_came")
    assert (event[4], event[5], event[6]) == ("3", "4", "75.0")
    assert (came[4], came[5], came[6]) == ("2", "4", "50.0")
    text = insights.group_summary(fig, now)
    assert "(came)" in text.description
    assert "2 came, 3 going of 4 answered (50% came)" in "\n".join(v for _, v in text.fields)

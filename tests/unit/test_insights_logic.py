"""Insights rules and figures: needing attention (with its boundaries), trend, server
rows, texts within Discord's limits, CSV."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.insights import logic
from cogs.insights.logic import DAY, WEEK, EventAttendance, GroupFigures, PollParticipation
from cogs.insights.samples import sample_group, sample_server
from core import fit

NOW = 1_796_126_400  # 2026-12-01 12:00 UTC (a Tuesday)


def weekly(rates_old_to_new, members=10, now=NOW):
    """Weekly periods ending at `now`, one per rate, the last one just finished."""
    n = len(rates_old_to_new)
    return [
        (now - (n - i) * WEEK, round(r * members), members) for i, r in enumerate(rates_old_to_new)
    ]


def group(name="G", members=10, checkins=(), last=NOW - DAY, **kw):
    return GroupFigures(name, members, checkins, last_activity=last, **kw)


# ----------------------------------------------------------------- needing attention


def test_active_group_needs_nothing():
    assert logic.attention_of(group(checkins=weekly([0.8] * 8)), NOW) is None


def test_quiet_boundary_is_14_days_inclusive():
    assert logic.attention_of(group(last=NOW - 14 * DAY + 1), NOW) is None
    a = logic.attention_of(group(last=NOW - 14 * DAY), NOW)
    assert a is not None and a.quiet_days == 14
    assert a.reason == "nothing in 14 days"


def test_never_active_uses_creation_else_always_quiet():
    assert logic.attention_of(group(last=None, created=NOW - 3 * DAY), NOW) is None
    a = logic.attention_of(group(last=None, created=NOW - 20 * DAY), NOW)
    assert a and a.reason == "no activity since it was created 20 days ago"
    a = logic.attention_of(group(last=None), NOW)
    assert a and a.reason == "no activity yet"


def test_halved_boundary_exactly_half_counts():
    # previous 4 weeks 80%, last 4 weeks 40%: exactly half -> needs attention
    a = logic.attention_of(group(checkins=weekly([0.8] * 4 + [0.4] * 4)), NOW)
    assert a is not None and a.drop == 0.5
    assert a.reason == "check-ins fell from 80% to 40% in the last 4 weeks"
    # 41% is more than half -> fine
    g = group(members=100, checkins=weekly([0.8] * 4 + [0.41] * 4, members=100))
    assert logic.attention_of(g, NOW) is None


def test_halved_needs_both_windows_and_earlier_completion():
    assert logic.attention_of(group(checkins=weekly([0.0] * 8)), NOW) is None
    assert logic.attention_of(group(checkins=weekly([0.8] * 4)), NOW) is None  # no history
    assert logic.attention_of(group(checkins=weekly([0.8] * 4 + [0.0] * 4)), NOW).drop == 1.0


def test_halved_window_edges():
    # a period starting exactly at now - 4w belongs to the recent window
    recent_start = NOW - 4 * WEEK
    checkins = [(recent_start - WEEK, 8, 10), (recent_start, 1, 10)]
    assert logic.attention_of(group(checkins=checkins), NOW).drop == 1 - 0.1 / 0.8
    # a period starting at now is not counted yet; one starting before now - 8w neither
    checkins = [
        (NOW - 8 * WEEK - 1, 10, 10),
        (NOW - 5 * WEEK, 8, 10),
        (NOW, 0, 10),
        (NOW - WEEK, 6, 10),
    ]
    assert logic.attention_of(group(checkins=checkins), NOW) is None


def test_open_period_is_left_out():
    # last period still open (end after now) with few check-ins so far: not counted
    checkins = [*weekly([0.8] * 7), logic.PeriodCompletion(NOW - 2 * DAY, 0, 10, NOW + 5 * DAY)]
    assert logic.attention_of(group(checkins=checkins), NOW) is None


def test_most_urgent_first():
    gs = [
        group("halved small", 5, weekly([0.8] * 4 + [0.4] * 4, 5)),
        group("halved big", 50, weekly([0.8] * 4 + [0.4] * 4, 50)),
        group("halved more", 5, weekly([0.8] * 4 + [0.0] * 4, 5)),
        group("quiet 15", last=NOW - 15 * DAY),
        group("quiet 40", last=NOW - 40 * DAY),
        group("never", last=None),
        group("fine", checkins=weekly([0.8] * 8)),
    ]
    names = [a.figures.name for a in logic.needing_attention(gs, NOW)]
    assert names == ["never", "quiet 40", "quiet 15", "halved more", "halved big", "halved small"]


def test_both_reasons_are_given():
    g = group(checkins=weekly([0.8] * 4 + [0.2] * 2, now=NOW - 2 * WEEK), last=NOW - 20 * DAY)
    a = logic.attention_of(g, NOW)
    assert a.reasons[0] == "nothing in 20 days"
    assert a.reasons[1].startswith("check-ins fell from 80%")


# ----------------------------------------------------------------- trend, rows


def test_trend():
    assert logic.trend_of([0] * 8).direction == "flat"
    assert logic.trend_of([0] * 8).text == "none"
    assert logic.trend_of([0, 0, 0, 0, 1, 1, 1, 1]).direction == "new"
    assert logic.trend_of([10] * 4 + [12] * 4).direction == "up"  # +20 % exactly
    assert logic.trend_of([10] * 4 + [12] * 4).text == "+20%"
    assert logic.trend_of([10] * 4 + [11] * 4).direction == "flat"
    assert logic.trend_of([10] * 4 + [8] * 4).direction == "down"
    assert logic.trend_of([10] * 4 + [8] * 4).text == "−20%"
    assert logic.trend_of([5, 7]).recent == 7  # short series compare halves


def test_activity_by_week_buckets():
    g = GroupFigures(
        "G",
        10,
        [(NOW - WEEK, 3, 10), (NOW - 12 * WEEK - 1, 99, 10)],
        [EventAttendance("e", NOW - 1, 4, 2)],
        [PollParticipation("q", 5, 10, NOW - 2 * WEEK)],
    )
    assert logic.activity_by_week(g, NOW, 12) == [0] * 10 + [5, 7]


def test_server_rows_attention_first_then_activity():
    gs = [
        group("busy", 10, weekly([0.9] * 8)),
        group("quiet", 10, last=NOW - 30 * DAY),
        group("calm", 10, weekly([0.3] * 8)),
    ]
    rows = logic.server_rows(gs, NOW)
    assert [r.name for r in rows] == ["quiet", "busy", "calm"]
    assert rows[0].needs_attention and not rows[1].needs_attention
    assert len(rows[0].activity) == logic.DEFAULT_WEEKS


def test_page_of():
    rows = list(range(30))
    assert logic.page_of(rows, 0, 12) == (list(range(12)), 3, 18)
    assert logic.page_of(rows, 2, 12) == (list(range(24, 30)), 3, 0)
    assert logic.page_of(rows, 99, 12)[0] == list(range(24, 30))
    assert logic.page_of([], 0, 12) == ([], 1, 0)


# ----------------------------------------------------------------- texts


def test_group_summary_has_the_pictures_numbers():
    g = GroupFigures(
        "Runners",
        4,
        [(NOW - WEEK, 3, 4)],
        [EventAttendance("Long run", NOW - DAY, 3, 2)],
        [PollParticipation("Pizza?", 1, 4, NOW - DAY)],
        NOW - DAY,
    )
    s = logic.group_summary(g, NOW)
    assert s.title == "Runners · last 12 weeks"
    assert "Members: 4" in s.description
    assert "Check-in completion: 75%" in s.description
    assert "Event attendance: 67%" in s.description
    assert "Poll participation: 25%" in s.description
    fields = dict(s.fields)
    assert fields["Check-in completion per period"] == "24 Nov: 3/4 (75%)"
    assert fields["Attendance per event"] == "30 Nov Long run: 2 going of 3 answered (67%)"
    assert fields["Poll participation"] == "Pizza?: 1/4 voted (25%)"
    pic = logic.group_picture(g, NOW)
    assert pic.completion == (("24 Nov", 3, 4),)


def test_empty_group_texts():
    s = logic.group_summary(GroupFigures("Empty", 1), NOW)
    assert dict(s.fields)["Attendance per event"] == "no events"
    assert "Needs attention: no activity yet" in s.description


def test_big_group_text_is_clipped_with_more():
    g = sample_group(NOW, members=1000, events=50, polls=100)
    s = logic.group_summary(g, NOW)
    polls = dict(s.fields)["Poll participation"]
    assert len(polls) <= fit.FIELD_VALUE
    assert polls.splitlines()[-1].startswith("+") and polls.endswith(" more")
    assert s.total() <= fit.EMBED_TOTAL


def test_join_lines():
    assert logic.join_lines(["a", "b"], 10) == "a\nb"
    out = logic.join_lines([f"line {i}" for i in range(100)], 50)
    assert len(out) <= 50 and out.endswith("more")
    n = int(out.splitlines()[-1].split()[0][1:])
    assert len(out.splitlines()) - 1 + n == 100


def test_digest_content():
    rows = logic.server_rows(sample_server(NOW, 200), NOW)
    text = logic.digest_content(rows, NOW)
    assert len(text) <= fit.CONTENT and text.endswith("more")
    calm = logic.server_rows([GroupFigures("Calm", 3, last_activity=NOW - DAY)], NOW)
    assert logic.digest_content(calm, NOW).startswith(
        "Weekly insights: no group needs attention.\n• Calm: 3 members"
    )


names = st.text(min_size=0, max_size=400)


@settings(max_examples=60, deadline=None)
@given(
    name=names,
    titles=st.lists(names, max_size=150),
    members=st.integers(0, 10**6),
    going=st.integers(0, 10**6),
)
def test_texts_fit_discord_limits(name, titles, members, going):
    g = GroupFigures(
        name,
        members,
        [(NOW - i * DAY, members // 2, members) for i in range(1, 120)],
        [EventAttendance(t, NOW - i * 3600, going, going // 2) for i, t in enumerate(titles, 1)],
        [PollParticipation(t, 0, members, NOW - i * 60) for i, t in enumerate(titles, 1)],
        None,
    )
    s = logic.group_summary(g, NOW)
    assert len(s.title) <= fit.EMBED_TITLE
    assert len(s.description) <= fit.EMBED_DESCRIPTION
    assert len(s.fields) <= fit.FIELDS
    assert all(len(n) <= 256 and 0 < len(v) <= 1024 for n, v in s.fields)
    assert s.total() <= fit.EMBED_TOTAL
    assert len(s.as_text()) <= fit.CONTENT
    rows = logic.server_rows([g] * 3 + [GroupFigures(t, 1) for t in titles], NOW)
    ss = logic.server_summary(rows, NOW)
    assert ss.total() <= fit.EMBED_TOTAL
    assert all(len(v) <= 1024 for _, v in ss.fields)
    assert len(logic.digest_content(rows, NOW)) <= 2000
    assert len(logic.server_alt(rows, NOW)) <= logic.ALT_LIMIT
    assert len(logic.group_alt(logic.group_picture(g, NOW))) <= logic.ALT_LIMIT


# ----------------------------------------------------------------- CSV


def test_csv_rows_and_header():
    g = GroupFigures(
        "=cmd|' /C calc'!A0",
        4,
        [(NOW - WEEK, 3, 4)],
        [EventAttendance("Run, fast", NOW - DAY, 3)],
        [PollParticipation('Say "hi"', 1, 4, NOW - DAY)],
        NOW - DAY,
    )
    text = logic.export_csv([g], NOW, weeks=2)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(logic.CSV_HEADER)
    assert all(r[0] == "'=cmd|' /C calc'!A0" for r in rows[1:])  # no formula injection
    by = {r[1]: r for r in rows[1:]}
    assert by["members"][4] == "4"
    assert by["checkin_period"][3:] == ["2026-11-24T12:00+00:00", "3", "4", "75.0"]
    assert by["event"][2:] == ["Run, fast", "2026-11-30T12:00+00:00", "", "3", ""]
    assert by["poll"][2] == 'Say "hi"' and by["poll"][6] == "25.0"
    assert [r[4] for r in rows if r[1] == "activity_week"] == ["0", "7"]
    assert by["last_activity"][3] == "2026-11-30T12:00+00:00"


def test_csv_zone_and_attention():
    g = group("Q", last=NOW - 20 * DAY)
    rows = list(csv.reader(io.StringIO(logic.export_csv([g], NOW, tz=ZoneInfo("Asia/Tokyo")))))
    assert any(r[1] == "needs_attention" and r[2] == "nothing in 20 days" for r in rows)
    assert next(r for r in rows if r[1] == "last_activity")[3] == "2026-11-11T21:00+09:00"

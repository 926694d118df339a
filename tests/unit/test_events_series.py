"""One meeting of a series (pure): the next meetings with skipped and moved ones, where a
calendar's RRULE starts, the neighbours a moved meeting stays between; and the per-link
answer limit of the feed. DST never shifts the rest of a series."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.events.ics import _fold, _text
from cogs.events.models import Event, OccurrenceChange
from cogs.events.ratelimit import AnswerLimit
from cogs.events.series import (
    by_slot,
    calendar_anchor,
    following_meeting,
    neighbour_slots,
    upcoming_meetings,
)
from core.timeparse import localize, to_local
from tests.unit.test_events_ics import make_event

BERLIN = "Europe/Berlin"


def series(start: datetime, repeat: str = "weekly", zone: str = BERLIN, **extra) -> Event:
    event = make_event(1, start, zone, repeat)
    return Event(**{**event.__dict__, "series_start": event.start_at, **extra})


def at(*parts: int) -> float:
    return localize(datetime(*parts), BERLIN)


def change(slot: float, status: str, start: float | None = None) -> OccurrenceChange:
    return OccurrenceChange(1, slot, status, start, start + 5400 if start else None, 0.0)


def test_following_meeting_skips_the_skipped_and_takes_the_moved() -> None:
    event = series(datetime(2027, 3, 18, 19))
    changes = by_slot(
        [
            change(at(2027, 3, 25, 19), "skipped"),
            change(at(2027, 4, 1, 19), "moved", at(2027, 4, 2, 20)),
        ]
    )
    nxt = following_meeting(event, changes, now=event.end_at)
    assert (nxt.slot_at, nxt.start_at, nxt.status) == (
        at(2027, 4, 1, 19),
        at(2027, 4, 2, 20),
        "moved",
    )
    after = following_meeting(
        Event(
            **{
                **event.__dict__,
                "start_at": nxt.start_at,
                "end_at": nxt.end_at,
                "occurrence_at": nxt.slot_at,
            }
        ),
        changes,
        now=nxt.end_at,
    )
    assert to_local(after.start_at, BERLIN) == datetime(2027, 4, 8, 19)  # summer time, 19:00
    # A bot down for weeks skips the meetings that are over.
    late = following_meeting(event, {}, now=at(2027, 4, 20, 0))
    assert to_local(late.start_at, BERLIN) == datetime(2027, 4, 22, 19)


def test_upcoming_meetings_list_the_current_one_first_with_their_changes() -> None:
    event = series(datetime(2027, 3, 18, 19))
    meetings = upcoming_meetings(event, by_slot([change(at(2027, 3, 25, 19), "skipped")]), 4)
    assert [m.status for m in meetings] == ["planned", "skipped", "planned", "planned"]
    assert [to_local(m.start_at, BERLIN).hour for m in meetings] == [19, 19, 19, 19]
    once = make_event(2, datetime(2027, 3, 18, 19), BERLIN)
    assert len(upcoming_meetings(once, {}, 5)) == 1


def test_neighbours_of_a_meeting() -> None:
    event = series(datetime(2027, 3, 18, 19))
    assert neighbour_slots(event, event.start_at) == (None, at(2027, 3, 25, 19))
    assert neighbour_slots(event, at(2027, 4, 1, 19)) == (at(2027, 3, 25, 19), at(2027, 4, 8, 19))
    monthly = series(datetime(2027, 1, 7, 19), "monthly")  # first Thursdays
    assert neighbour_slots(monthly, at(2027, 3, 4, 19)) == (at(2027, 2, 4, 19), at(2027, 4, 1, 19))


def test_calendar_anchor_is_the_first_meeting_not_over_and_never_before_the_first() -> None:
    first = datetime(2026, 1, 1, 19)  # a Thursday
    current = at(2027, 3, 18, 19)
    event = series(first, start_at=current, end_at=current + 5400)
    since = at(2027, 2, 20, 0)  # a Saturday: the first Thursday after is 25 Feb
    assert to_local(calendar_anchor(event, since), BERLIN) == datetime(2027, 2, 25, 19)
    young = series(datetime(2027, 3, 11, 19), start_at=current, end_at=current + 5400)
    assert to_local(calendar_anchor(young, since), BERLIN) == datetime(2027, 3, 11, 19)
    biweekly = series(first, "biweekly", start_at=current, end_at=current + 5400)
    anchor = to_local(calendar_anchor(biweekly, since), BERLIN)
    assert anchor in (datetime(2027, 2, 25, 19), datetime(2027, 3, 4, 19))
    assert (to_local(current, BERLIN) - anchor).days % 14 == 0  # on the same fortnight


@settings(max_examples=60, deadline=None)
@given(
    weeks_back=st.integers(min_value=0, max_value=60),
    skipped=st.sets(st.integers(min_value=1, max_value=20), max_size=5),
    zone=st.sampled_from([BERLIN, "America/New_York", "Australia/Sydney"]),
)
def test_meetings_keep_their_wall_clock_time_whatever_is_skipped(weeks_back, skipped, zone) -> None:
    start = datetime(2026, 10, 1, 19)  # DST ends in October (Europe, America), begins (Sydney)
    event = series(start, zone=zone)
    slots = [localize(start + timedelta(weeks=k), zone) for k in range(25)]
    changes = by_slot([change(slots[k], "skipped") for k in skipped])
    meeting, seen = upcoming_meetings(event, changes, 25), []
    for m in meeting:
        assert to_local(m.start_at, zone).time() == start.time()
        seen.append(m.slot_at)
    assert seen == slots
    now = slots[0] + 5400
    nxt = following_meeting(event, changes, now)
    assert nxt.slot_at == next(s for k, s in enumerate(slots[1:], 1) if k not in skipped)
    since = slots[0] - weeks_back * 7 * 86400
    assert calendar_anchor(event, since) == slots[0]  # never before the first meeting


def test_answer_limit_per_link_with_retry_after() -> None:
    limit = AnswerLimit(limit=3, window=3600)
    assert [limit.take("a", t) for t in (0, 10, 20)] == [0, 0, 0]
    assert limit.take("a", 30) == 3570  # until the first answer leaves the window
    assert limit.take("b", 30) == 0  # per link
    assert limit.take("a", 3600) == 0
    limit.prune(10_000)
    assert limit.take("a", 10_000) == 0


def test_text_is_escaped_and_lines_folded_at_75_octets() -> None:
    assert _text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    for line in ("x" * 200, "é" * 100, "a" + "😀" * 40):
        parts = _fold(line).split("\r\n ")
        assert "".join(parts) == line
        assert len(parts[0].encode()) <= 75 and all(len(p.encode()) <= 74 for p in parts[1:])

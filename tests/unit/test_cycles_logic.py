"""Club cycles' pure rules: the meeting slot, the period rule across DST, ranges, ballots."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cogs.cycles import logic
from core.errors import UserError

BERLIN = "Europe/Berlin"


def local(epoch: float, zone: str = BERLIN) -> datetime:
    return datetime.fromtimestamp(epoch, ZoneInfo(zone))


def test_meet_reads_both_forms():
    assert logic.parse_meet("last Thursday 19:00") == logic.Slot(3, logic.time(19, 0), -1)
    assert logic.parse_meet("first mon at 08:30").ordinal == 1
    assert logic.parse_meet("thursday 19:00").ordinal is None
    with pytest.raises(UserError, match="meeting slot"):
        logic.parse_meet("sometime soon")
    with pytest.raises(UserError, match="monthly"):
        logic.check_slot_cadence(logic.parse_meet("thursday 19:00"), "monthly")
    with pytest.raises(UserError, match="monthly slot"):
        logic.check_slot_cadence(logic.parse_meet("last thursday 19:00"), "weekly")


def test_monthly_slots_keep_wall_clock_across_dst():
    slot = logic.parse_meet("last sunday 19:00")
    start = datetime(2026, 2, 1, tzinfo=ZoneInfo(BERLIN)).timestamp()
    slots = [local(s) for s in logic.slots_after(slot, "monthly", BERLIN, start, 3)]
    assert [(s.month, s.day, s.hour) for s in slots] == [(2, 22, 19), (3, 29, 19), (4, 26, 19)]


def test_period_rule_leaves_nominate_and_vote():
    slot = logic.parse_meet("last thursday 19:00")
    opens = datetime(2026, 12, 28, 12, tzinfo=ZoneInfo("UTC")).timestamp()
    meet = logic.first_meeting(slot, "monthly", "UTC", opens, 5 * 86400, 2 * 86400)
    assert local(meet, "UTC").date().isoformat() == "2027-01-28"  # Dec 31 leaves too little


def test_biweekly_keeps_parity_of_the_anchor():
    slot = logic.parse_meet("thursday 19:00")
    anchor = "2026-12-03T19:00:00"
    after = datetime(2026, 12, 4, tzinfo=ZoneInfo("UTC")).timestamp()
    nxt = logic.slots_after(slot, "biweekly", "UTC", after, 1, anchor)[0]
    assert local(nxt, "UTC").day == 17


def test_ranges_and_cadence_fit():
    with pytest.raises(UserError, match="between 1h and 4w"):
        logic.check_range("nominate", 40 * 86400, logic.NOMINATE_RANGE)
    with pytest.raises(UserError, match="between 1 and 5"):
        logic.check_per_member(9)
    with pytest.raises(UserError, match="longer than the weekly cadence"):
        logic.check_fits_cadence("weekly", 5 * 86400, 3 * 86400)
    slot = logic.parse_meet("thursday 19:00")
    first = datetime(2026, 12, 3, 19, tzinfo=ZoneInfo("UTC")).timestamp()
    squeezed = logic.squeezed_slot(
        slot, "weekly", "UTC", first, 6 * 86400, 86400, "2026-12-03T19:00:00"
    )
    assert squeezed is not None


def test_ballot_most_seconded_first_and_earliest_breaks_ties():
    a = logic.Nominee("dune", "Dune", "", (1, 2), 10.0)
    b = logic.Nominee("emma", "Emma", "", (3,), 5.0)
    c = logic.Nominee("ulysses", "Ulysses", "", (4,), 1.0)
    assert [n.title for n in logic.ballot([b, c, a])] == ["Dune", "Ulysses", "Emma"]
    assert logic.earliest([a, b, c], ["emma", "DUNE"]).title == "Emma"
    assert logic.title_key("  The   HOBBIT ") == logic.title_key("the hobbit")


def test_durations_and_slots_said_as_people_do():
    assert logic.spoken_duration(2 * 86400) == "2 days"
    assert logic.spoken_duration(7 * 86400) == "1 week"
    assert logic.spoken_duration(36 * 3600) == "36 hours"
    assert logic.spoken_duration(90 * 60) == "90 minutes"
    monthly = logic.parse_meet("last thursday 19:00")
    assert logic.slot_words(monthly, "monthly") == "the last Thursday of each month at 19:00"
    weekly = logic.parse_meet("tuesday 18:30")
    assert logic.slot_words(weekly, "weekly") == "every Tuesday at 18:30"
    assert logic.slot_words(weekly, "biweekly") == "every other Tuesday at 18:30"

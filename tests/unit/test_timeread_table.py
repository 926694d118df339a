"""The phrase table: how `core.timeread.read_time` must read typed times, in zones from
UTC-10 to UTC+13, on and around DST changes in both hemispheres.

Each row: zone | reference wall time in that zone | text | expected. Expected is a wall
time in the zone (`2025-03-09 17:00`, optionally `-> end`), `+N` for exactly N seconds
after the reference, or `!` for a refusal. Wall times are made UTC the way the reader does
(a time in a DST gap moves forward by the gap; in an overlap the first occurrence).
The same table drives the candidate comparison in tests/bench/bench_timeread.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.errors import UserError
from core.timeread import read_time

TABLE = """
# a bare clock time is its next occurrence, whatever the zone's distance from UTC
Asia/Tokyo | 2026-12-01 12:00 | 7pm | 2026-12-01 19:00
Asia/Tokyo | 2026-12-01 12:00 | 19:00 | 2026-12-01 19:00
Asia/Tokyo | 2026-12-01 12:00 | 11am | 2026-12-02 11:00
Asia/Tokyo | 2026-12-01 12:00 | noon | 2026-12-02 12:00
Asia/Tokyo | 2026-12-01 12:00 | at 8 | 2026-12-01 20:00
Asia/Tokyo | 2026-12-01 12:00 | at 8am | 2026-12-02 08:00
Asia/Tokyo | 2026-12-01 12:00 | midnight | 2026-12-02 00:00
Asia/Tokyo | 2026-12-01 12:00 | tonight | 2026-12-01 20:00
Asia/Tokyo | 2026-12-01 12:00 | tomorrow 18:00 | 2026-12-02 18:00
Asia/Tokyo | 2026-12-01 12:00 | friday 7pm | 2026-12-04 19:00
Asia/Tokyo | 2026-12-01 12:00 | in 2 hours | +7200
Europe/Berlin | 2026-12-01 10:00 | 11am | 2026-12-01 11:00
Europe/Berlin | 2026-12-01 10:00 | 9am | 2026-12-02 09:00
Europe/Berlin | 2026-12-01 10:00 | 10:00 | 2026-12-02 10:00
Europe/Berlin | 2026-12-01 10:00 | 10:01 | 2026-12-01 10:01
Europe/Berlin | 2026-12-01 10:00 | at 11 | 2026-12-01 11:00
Europe/Berlin | 2026-12-01 10:00 | 11 | 2026-12-01 11:00
Europe/Berlin | 2026-12-01 10:00 | friday 7-9pm | 2026-12-04 19:00 -> 2026-12-04 21:00
Europe/Berlin | 2026-12-01 10:00 | Dec 3 7pm | 2026-12-03 19:00
Europe/Berlin | 2026-12-01 10:00 | 3 December | 2026-12-03 12:00
Europe/Berlin | 2026-12-01 10:00 | December 1 | 2026-12-01 12:00
Europe/Berlin | 2026-12-01 10:00 | Dec 1 9am | 2027-12-01 09:00
Europe/Berlin | 2026-12-01 10:00 | 3/4 | 2027-04-03 12:00
Europe/Berlin | 2026-12-01 10:00 | 25/12 | 2026-12-25 12:00
Europe/Berlin | 2026-12-01 10:00 | 12/25 | 2026-12-25 12:00
Europe/Berlin | 2026-12-01 10:00 | next friday | 2026-12-11 12:00
Europe/Berlin | 2026-12-01 10:00 | friday next week | 2026-12-11 12:00
Europe/Berlin | 2026-12-01 10:00 | Friday of next week | 2026-12-11 12:00
Europe/Berlin | 2026-12-01 10:00 | this friday | 2026-12-04 12:00
Europe/Berlin | 2026-12-01 10:00 | tuesday | 2026-12-01 12:00
Europe/Berlin | 2026-12-01 10:00 | tuesday 9am | 2026-12-08 09:00
Europe/Berlin | 2026-12-01 10:00 | next tuesday | 2026-12-08 12:00
Europe/Berlin | 2026-12-01 10:00 | last friday | 2026-11-27 12:00
Europe/Berlin | 2026-12-01 10:00 | this weekend | 2026-12-05 12:00
Europe/Berlin | 2026-12-01 10:00 | next weekend | 2026-12-12 12:00
Europe/Berlin | 2026-12-01 10:00 | tonight at 8 | 2026-12-01 20:00
Europe/Berlin | 2026-12-01 10:00 | this afternoon at 3 | 2026-12-01 15:00
Europe/Berlin | 2026-12-01 10:00 | 11 tonight | 2026-12-01 23:00
Europe/Berlin | 2026-12-01 10:00 | this evening | 2026-12-01 19:00
Europe/Berlin | 2026-12-01 10:00 | tomorrow morning | 2026-12-02 09:00
Europe/Berlin | 2026-12-01 10:00 | tomorrow afternoon | 2026-12-02 15:00
Europe/Berlin | 2026-12-01 10:00 | tomorrow evening at 7 | 2026-12-02 19:00
Europe/Berlin | 2026-12-01 10:00 | half an hour from now | +1800
Europe/Berlin | 2026-12-01 10:00 | in 30 minutes | +1800
Europe/Berlin | 2026-12-01 10:00 | 30m | +1800
Europe/Berlin | 2026-12-01 10:00 | 12h | +43200
Europe/Berlin | 2026-12-01 10:00 | 3d | 2026-12-04 10:00
Europe/Berlin | 2026-12-01 10:00 | 1w | 2026-12-08 10:00
Europe/Berlin | 2026-12-01 10:00 | in 3 days | 2026-12-04 10:00
Europe/Berlin | 2026-12-01 10:00 | in 2 weeks at 9am | 2026-12-15 09:00
Europe/Berlin | 2026-12-01 10:00 | 2026-12-03 18:30 | 2026-12-03 18:30
Europe/Berlin | 2026-12-01 10:00 | 2026-12-03T18:30 | 2026-12-03 18:30
Europe/Berlin | 2026-12-01 10:00 | tomorrow | 2026-12-02 10:00
Europe/Berlin | 2026-12-01 10:00 | day after tomorrow | 2026-12-03 10:00
Europe/Berlin | 2026-12-01 10:00 | friday at noon | 2026-12-04 12:00
Europe/Berlin | 2026-12-01 10:00 | friday midnight | 2026-12-05 00:00
# a date at midnight is the midnight that ends that day, like `friday midnight` (a bug
# once: the yearly repeat added the day twice, 14 August)
Europe/Berlin | 2026-12-01 10:00 | at midnight on 12th August | 2027-08-13 00:00
Europe/Berlin | 2026-12-01 10:00 | 12th August at midnight | 2027-08-13 00:00
Europe/Berlin | 2026-12-01 10:00 | Dec 3 midnight | 2026-12-04 00:00
Europe/Berlin | 2026-12-01 10:00 | Friday 19:30 | 2026-12-04 19:30
Europe/Berlin | 2026-12-01 10:00 | fri 7:30pm | 2026-12-04 19:30
Europe/Berlin | 2026-12-01 10:00 | Dec 24 at 6pm | 2026-12-24 18:00
Europe/Berlin | 2026-12-01 10:00 | 24 December 2027 18:00 | 2027-12-24 18:00
Europe/Berlin | 2026-12-01 10:00 | December 24th, 7pm | 2026-12-24 19:00
Europe/Berlin | 2026-12-01 10:00 | in an hour | +3600
Europe/Berlin | 2026-12-01 10:00 | in 1 hour and 30 minutes | +5400
Europe/Berlin | 2026-12-01 10:00 | an hour from now | +3600
Europe/Berlin | 2026-12-01 10:00 | when pigs fly | !
Europe/Berlin | 2026-12-01 10:00 | 2020 | !
Europe/Berlin | 2026-12-01 10:00 | 32 December | !
Europe/Berlin | 2026-12-01 10:00 | soon | !
Europe/Berlin | 2026-12-01 10:00 | friday or saturday | !
Europe/Berlin | 2026-12-01 10:00 | 7pm tomorrow | 2026-12-02 19:00
Europe/Berlin | 2026-12-01 10:00 | 8pm - 11pm | 2026-12-01 20:00 -> 2026-12-01 23:00
Europe/Berlin | 2026-12-01 10:00 | 7-9pm | 2026-12-01 19:00 -> 2026-12-01 21:00
Europe/Berlin | 2026-12-01 10:00 | from 7 to 9pm | 2026-12-01 19:00 -> 2026-12-01 21:00
Europe/Berlin | 2026-12-01 10:00 | 11pm-1am | 2026-12-01 23:00 -> 2026-12-02 01:00
Europe/Berlin | 2026-12-01 10:00 | quarter past 7 | 2026-12-01 19:15
Europe/Berlin | 2026-12-01 10:00 | half past 9 | 2026-12-01 21:30
Europe/Berlin | 2026-12-01 10:00 | friday 7pm for 2 hours | 2026-12-04 19:00 -> 2026-12-04 21:00
Europe/Berlin | 2026-12-01 10:00 | now | +0
# relative days keep the wall-clock time across DST (US spring forward 2025-03-09)
America/Los_Angeles | 2025-03-08 12:00 | tomorrow at 5pm | 2025-03-09 17:00
America/Los_Angeles | 2025-03-08 12:00 | tomorrow 9am | 2025-03-09 09:00
America/Los_Angeles | 2025-03-08 12:00 | in 2 weeks at 9am | 2025-03-22 09:00
America/Los_Angeles | 2025-03-08 12:00 | 1w | 2025-03-15 12:00
America/Los_Angeles | 2025-03-08 12:00 | 3d | 2025-03-11 12:00
America/Los_Angeles | 2025-03-08 12:00 | in 24 hours | +86400
America/Los_Angeles | 2025-03-08 12:00 | in 2 hours | +7200
America/Los_Angeles | 2025-03-08 12:00 | sunday 10am | 2025-03-09 10:00
America/Los_Angeles | 2025-03-08 12:00 | monday | 2025-03-10 12:00
America/Los_Angeles | 2025-03-08 12:00 | 11am | 2025-03-09 11:00
America/Los_Angeles | 2025-03-08 12:00 | 7pm | 2025-03-08 19:00
America/Los_Angeles | 2025-03-08 12:00 | tomorrow at 2:30am | 2025-03-09 02:30
America/Los_Angeles | 2025-03-08 12:00 | next saturday | 2025-03-15 12:00
America/Los_Angeles | 2025-03-08 12:00 | saturday | 2025-03-15 12:00
America/Los_Angeles | 2025-03-08 22:00 | tomorrow at 5pm | 2025-03-09 17:00
America/Los_Angeles | 2025-03-09 01:30 | in 1 hour | +3600
America/Los_Angeles | 2025-03-09 01:30 | 3am | 2025-03-09 03:00
America/Los_Angeles | 2025-03-09 01:30 | today at 5pm | 2025-03-09 17:00
America/Los_Angeles | 2025-03-09 01:30 | tomorrow at 5pm | 2025-03-10 17:00
America/Los_Angeles | 2025-03-09 01:30 | 1d | 2025-03-10 01:30
# Europe spring forward 2025-03-30 and fall back 2025-10-26
Europe/Berlin | 2025-03-29 12:00 | tomorrow at 5pm | 2025-03-30 17:00
Europe/Berlin | 2025-03-29 12:00 | sunday 9am | 2025-03-30 09:00
Europe/Berlin | 2025-03-29 12:00 | in 1 day | 2025-03-30 12:00
Europe/Berlin | 2025-03-29 12:00 | in 24 hours | +86400
Europe/Berlin | 2025-03-29 12:00 | tomorrow | 2025-03-30 12:00
Europe/Berlin | 2025-03-29 12:00 | next week | 2025-04-05 12:00
Europe/Berlin | 2025-03-29 12:00 | in 2 weeks at 9am | 2025-04-12 09:00
Europe/Berlin | 2025-03-29 12:00 | 2025-03-30 02:30 | 2025-03-30 02:30
Europe/Berlin | 2025-10-25 12:00 | tomorrow at 5pm | 2025-10-26 17:00
Europe/Berlin | 2025-10-25 12:00 | tomorrow 2:30 | 2025-10-26 02:30
Europe/Berlin | 2025-10-25 12:00 | sunday 10:00 | 2025-10-26 10:00
Europe/Berlin | 2025-10-25 12:00 | 3d | 2025-10-28 12:00
Europe/Berlin | 2025-10-25 12:00 | in 3 hours | +10800
Europe/Berlin | 2025-10-25 12:00 | monday 8am | 2025-10-27 08:00
Europe/Berlin | 2025-10-26 01:30 | in 2 hours | +7200
Europe/Berlin | 2025-10-26 01:30 | 9am | 2025-10-26 09:00
# southern hemisphere: Sydney fall back 2025-04-06, spring forward 2025-10-05
Australia/Sydney | 2025-04-05 12:00 | tomorrow at 5pm | 2025-04-06 17:00
Australia/Sydney | 2025-04-05 12:00 | tomorrow morning | 2025-04-06 09:00
Australia/Sydney | 2025-04-05 12:00 | monday 9am | 2025-04-07 09:00
Australia/Sydney | 2025-04-05 12:00 | in 2 days | 2025-04-07 12:00
Australia/Sydney | 2025-04-05 12:00 | 7pm | 2025-04-05 19:00
Australia/Sydney | 2025-10-04 12:00 | tomorrow at 5pm | 2025-10-05 17:00
Australia/Sydney | 2025-10-04 12:00 | sunday 8am | 2025-10-05 08:00
Australia/Sydney | 2025-10-04 12:00 | 1w | 2025-10-11 12:00
Australia/Sydney | 2025-10-04 12:00 | next friday | 2025-10-10 12:00
Australia/Sydney | 2025-10-04 12:00 | friday | 2025-10-10 12:00
# Auckland: spring forward 2025-09-28, summer (UTC+13) in January; Tonga UTC+13
Pacific/Auckland | 2025-09-27 12:00 | tomorrow at 5pm | 2025-09-28 17:00
Pacific/Auckland | 2025-09-27 12:00 | tomorrow 9am | 2025-09-28 09:00
Pacific/Auckland | 2025-09-27 12:00 | in 2 hours | +7200
Pacific/Auckland | 2025-09-27 12:00 | 11am | 2025-09-28 11:00
Pacific/Auckland | 2025-09-27 12:00 | 10 October | 2025-10-10 12:00
Pacific/Auckland | 2026-01-15 12:00 | 7pm | 2026-01-15 19:00
Pacific/Auckland | 2026-01-15 12:00 | 9am | 2026-01-16 09:00
Pacific/Auckland | 2026-01-15 12:00 | friday 7pm | 2026-01-16 19:00
Pacific/Tongatapu | 2026-06-01 23:30 | 8am | 2026-06-02 08:00
Pacific/Tongatapu | 2026-06-01 23:30 | midnight | 2026-06-02 00:00
Pacific/Tongatapu | 2026-06-01 23:30 | tomorrow at 5pm | 2026-06-02 17:00
Pacific/Tongatapu | 2026-06-01 23:30 | 11:45pm | 2026-06-01 23:45
# west of UTC: a passed time is tomorrow, not refused
Pacific/Honolulu | 2026-06-01 20:00 | 7pm | 2026-06-02 19:00
Pacific/Honolulu | 2026-06-01 20:00 | 9pm | 2026-06-01 21:00
Pacific/Honolulu | 2026-06-01 20:00 | monday 9pm | 2026-06-01 21:00
Pacific/Honolulu | 2026-06-01 20:00 | monday 7pm | 2026-06-08 19:00
Pacific/Honolulu | 2026-06-01 20:00 | tomorrow at 6am | 2026-06-02 06:00
Pacific/Honolulu | 2026-06-01 20:00 | June 1 10pm | 2026-06-01 22:00
Pacific/Honolulu | 2026-06-01 20:00 | June 1 7pm | 2027-06-01 19:00
America/Chicago | 2026-12-01 16:00 | 3pm | 2026-12-02 15:00
America/Chicago | 2026-12-01 16:00 | 5pm | 2026-12-01 17:00
America/Chicago | 2026-12-01 16:00 | at 3 | 2026-12-02 03:00
America/Chicago | 2026-12-01 16:00 | 12/3 | 2026-12-03 12:00
America/Chicago | 2026-12-01 16:00 | 3/4 | 2027-03-04 12:00
America/Chicago | 2026-12-01 16:00 | 12/3 7pm | 2026-12-03 19:00
America/Chicago | 2026-12-01 16:00 | 12/3/2026 7pm | 2026-12-03 19:00
# a date said on that very day is today while its time is ahead
Asia/Kolkata | 2026-08-10 09:00 | August 10 | 2026-08-10 12:00
Asia/Kolkata | 2026-08-10 09:00 | August 10 8am | 2027-08-10 08:00
Asia/Kolkata | 2026-08-10 09:00 | Aug 10 at 6pm | 2026-08-10 18:00
Asia/Kolkata | 2026-08-10 09:00 | 10 Aug | 2026-08-10 12:00
Asia/Kolkata | 2026-08-10 09:00 | 10th of August | 2026-08-10 12:00
Asia/Kolkata | 2026-08-10 09:00 | Aug 9 | 2027-08-09 12:00
Asia/Kolkata | 2026-08-10 09:00 | in 90 minutes | +5400
Asia/Kolkata | 2026-08-10 09:00 | 2h | +7200
Europe/London | 2026-03-28 23:00 | tomorrow at 1:30am | 2026-03-29 01:30
Europe/London | 2026-03-28 23:00 | sunday 10am | 2026-03-29 10:00
Europe/London | 2026-03-28 23:00 | tomorrow at 9am | 2026-03-29 09:00
Europe/London | 2026-03-28 23:00 | 9am | 2026-03-29 09:00
America/New_York | 2026-11-01 00:30 | in 2 hours | +7200
America/New_York | 2026-11-01 00:30 | 9am | 2026-11-01 09:00
America/New_York | 2026-11-01 00:30 | tomorrow at 9am | 2026-11-02 09:00
America/New_York | 2026-11-01 00:30 | 1d | 2026-11-02 00:30
# shapes from other parsers' test suites
UTC | 2012-08-10 00:00 | Aug 10 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | Monday | 2012-08-13 12:00
UTC | 2012-08-10 00:00 | this saturday | 2012-08-11 12:00
UTC | 2012-08-10 00:00 | next saturday | 2012-08-18 12:00
UTC | 2012-08-10 00:00 | next sunday | 2012-08-19 12:00
UTC | 2012-08-10 00:00 | last friday | 2012-08-03 12:00
UTC | 2012-08-10 00:00 | tonight | 2012-08-10 20:00
UTC | 2012-08-10 00:00 | tonight 8pm | 2012-08-10 20:00
UTC | 2012-08-10 00:00 | 11 at night | 2012-08-10 23:00
UTC | 2012-08-10 00:00 | 6 in the afternoon | 2012-08-10 18:00
UTC | 2012-08-10 00:00 | 10 - 11 at night | 2012-08-10 22:00 -> 2012-08-10 23:00
UTC | 2012-08-10 00:00 | 8 - 11pm | 2012-08-10 20:00 -> 2012-08-10 23:00
UTC | 2012-08-10 00:00 | 12-3pm | 2012-08-10 12:00 -> 2012-08-10 15:00
UTC | 2012-08-10 00:00 | 1pm-3 | 2012-08-10 13:00 -> 2012-08-10 15:00
UTC | 2012-08-10 00:00 | Sunday, December 7, 2014 | 2014-12-07 12:00
UTC | 2012-08-10 00:00 | 12/7/2014 | 2014-12-07 12:00
UTC | 2012-08-10 00:00 | 2014-12-07 | 2014-12-07 12:00
UTC | 2012-08-10 00:00 | 20:32:13 | 2012-08-10 20:32:13
UTC | 2012-08-10 00:00 | at 12.30 | 2012-08-10 12:30
UTC | 2012-08-10 00:00 | in 10 minutes | +600
UTC | 2012-08-10 00:00 | 3 days ago | 2012-08-07 00:00
UTC | 2012-08-10 00:00 | yesterday | 2012-08-09 00:00
UTC | 2012-08-10 00:00 | next month | 2012-09-10 00:00
UTC | 2012-08-10 00:00 | next year | 2013-08-10 00:00
UTC | 2012-08-10 00:00 | in a week | 2012-08-17 00:00
UTC | 2012-08-10 00:00 | within 2 hours | +7200
UTC | 2012-08-10 00:00 | 5 minutes later | +300
UTC | 2012-08-10 00:00 | 2 weeks from now | 2012-08-24 00:00
UTC | 2012-08-10 00:00 | the day after tomorrow at 9 | 2012-08-12 09:00
UTC | 2012-08-10 00:00 | thurs | 2012-08-16 12:00
UTC | 2012-08-10 00:00 | sat 3pm | 2012-08-11 15:00
UTC | 2012-08-10 00:00 | Tuesday, next week | 2012-08-14 12:00
UTC | 2012-08-10 00:00 | this morning | 2012-08-10 09:00
UTC | 2012-08-10 00:00 | 10:00:00 - 21:45:00 | 2012-08-10 10:00 -> 2012-08-10 21:45
Europe/Berlin | 2012-08-10 00:00 | Jan 1 2020 9am UTC | 2020-01-01 10:00
Europe/Berlin | 2026-12-01 10:00 | 10 - 22 December | 2026-12-10 12:00 -> 2026-12-22 12:00
Europe/Berlin | 2026-12-01 10:00 | Dec 24-26 | 2026-12-24 12:00 -> 2026-12-26 12:00
Europe/Berlin | 2026-12-01 10:00 | 10 December at 7pm | 2026-12-10 19:00
"""


def _wall(text: str, zone: str) -> float:
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=ZoneInfo(zone), fold=0).timestamp()


def rows() -> list[tuple[str, float, str, float | None, float | None]]:
    """(zone, now, text, expected start or None for a refusal, expected end)."""
    return rows_from(TABLE)


def rows_from(table: str) -> list[tuple[str, float, str, float | None, float | None]]:
    """The rows of a table in this format (also used by test_timeread_peer.py)."""
    out = []
    for line in table.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        zone, ref, text, expected = (part.strip() for part in line.split("|"))
        now = _wall(ref, zone)
        end = None
        if expected == "!":
            start = None
        elif expected.startswith("+"):
            start = now + int(expected[1:])
        else:
            if "->" in expected:
                expected, end_text = (p.strip() for p in expected.split("->"))
                end = _wall(end_text, zone)
            start = _wall(expected, zone)
        out.append((zone, now, text, start, end))
    return out


ROWS = rows()


def test_the_table_is_large_and_wide() -> None:
    assert len(ROWS) >= 150
    assert {"Pacific/Honolulu", "Pacific/Auckland", "Pacific/Tongatapu"} <= {r[0] for r in ROWS}


@pytest.mark.parametrize(
    ("zone", "now", "text", "start", "end"), ROWS, ids=[f"{r[0]}:{r[2]}" for r in ROWS]
)
def test_phrase(zone: str, now: float, text: str, start: float | None, end: float | None) -> None:
    if start is None:
        with pytest.raises(UserError):
            read_time(text, zone, now)
        return
    reading = read_time(text, zone, now)
    assert (reading.start, reading.end) == (start, end), reading.label

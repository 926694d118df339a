"""The peer table: phrases from chrono's English test suite (github.com/wanasit/chrono,
test/en/*.test.ts: casual, relative, time units ago / later / within / casual relative,
weekday, month name little endian, slash dates, time expressions), each with the reference
date the test uses and the result the test expects.

Same row format as tests/unit/test_timeread_table.py: zone | reference wall time | text |
expected (`YYYY-MM-DD HH:MM[:SS]`, optionally `-> end`; `+N` for exactly N seconds after the
reference; `!` for a refusal). chrono's tests run in the machine's zone; the rows use UTC
(month-first slash dates, like chrono's default `en`) and Europe/London for chrono.en.GB.

Where chrono checks only the day, the expected time is what our reader gives that day by
our rules (12:00 for a day, the current wall time for a relative day; docs/rules.md,
"Reading a time"). Where our rules deliberately differ from chrono the row is converted and
marked `# ours:` with the reason:
- a bare clock time / a date without a year is its NEXT occurrence (chrono: the nearest,
  often in the past);
- parts of the day: morning 09:00, evening 19:00, tonight 20:00 (chrono 06, 20, 22);
- a lone number without am/pm is the next time the clock shows that hour;
- a bare amount (`1 m`, `3y`, `a day`) means from now (chrono refuses some);
- a weekend is its Saturday.
Where chrono extracts the time from a sentence, the row uses the extracted text; a few
sentences are kept whole to check that plain leading/trailing words are tolerated."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from core.errors import UserError
from core.timeread import read_time

_spec = importlib.util.spec_from_file_location(
    "timeread_table", Path(__file__).with_name("test_timeread_table.py")
)
assert _spec and _spec.loader
_table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_table)

TABLE = """
# --- en_casual.test.ts ---
UTC | 2012-08-10 08:09:10 | now | +0
UTC | 2012-08-10 08:09:10 | The Deadline is now | +0
UTC | 2012-08-10 12:00 | today | 2012-08-10 12:00
UTC | 2012-08-10 12:00 | The Deadline is today | 2012-08-10 12:00
UTC | 2012-08-10 12:00 | Tomorrow | 2012-08-11 12:00
UTC | 2012-08-10 12:00 | The Deadline is Tomorrow | 2012-08-11 12:00
# ours: a relative day keeps the wall-clock time (chrono: `tomorrow` at 1 AM is today noon)
UTC | 2012-08-10 01:00 | Tomorrow | 2012-08-11 01:00
UTC | 2012-08-10 12:00 | yesterday | 2012-08-09 12:00
UTC | 2012-08-10 12:00 | The Deadline was yesterday | 2012-08-09 12:00
# ours: night is 20:00 (chrono: last night = yesterday 00:00)
UTC | 2012-08-10 12:00 | last night | 2012-08-09 20:00
# ours: morning 09:00 (chrono 06:00)
UTC | 2012-08-10 12:00 | this morning | 2012-08-10 09:00
UTC | 2012-08-10 12:00 | this afternoon | 2012-08-10 15:00
UTC | 2012-08-10 12:00 | The Deadline was this afternoon | 2012-08-10 15:00
# ours: evening 19:00 (chrono 20:00)
UTC | 2012-08-10 12:00 | this evening | 2012-08-10 19:00
UTC | 2012-08-10 12:00 | today 5PM | 2012-08-10 17:00
UTC | 2012-08-10 12:00 | The Deadline is today 5PM | 2012-08-10 17:00
UTC | 2012-08-04 12:00 | today - next friday | 2012-08-04 12:00 -> 2012-08-10 12:00
UTC | 2012-08-10 12:00 | today - next friday | 2012-08-10 12:00 -> 2012-08-17 12:00
UTC | 2012-08-04 12:00 | The event is today - next friday | 2012-08-04 12:00 -> 2012-08-10 12:00
# ours: morning 09:00 (chrono 06:00)
UTC | 2012-08-04 12:00 | today morning to tomorrow | 2012-08-04 09:00 -> 2012-08-05 12:00
UTC | 2012-08-04 12:00 | today to tomorrow afternoon | 2012-08-04 12:00 -> 2012-08-05 15:00
# ours: tonight 20:00 (chrono 22:00)
UTC | 2012-01-01 12:00 | tonight | 2012-01-01 20:00
UTC | 2012-01-01 12:00 | tonight 8pm | 2012-01-01 20:00
UTC | 2012-01-01 12:00 | tonight at 8 | 2012-01-01 20:00
UTC | 2012-01-01 12:00 | tomorrow before 4pm | 2012-01-02 16:00
UTC | 2012-01-01 12:00 | tomorrow after 4pm | 2012-01-02 16:00
UTC | 2012-08-10 00:00 | thurs | 2012-08-16 12:00
# ours: evening 19:00 (chrono 20:00)
UTC | 2016-10-01 00:00 | this evening | 2016-10-01 19:00
UTC | 2016-10-01 00:00 | yesterday afternoon | 2016-09-30 15:00
# ours: morning 09:00 (chrono 06:00)
UTC | 2016-10-01 08:00 | tomorrow morning | 2016-10-02 09:00
UTC | 2016-10-01 08:00 | this afternoon at 3 | 2016-10-01 15:00
UTC | 2016-10-01 08:00 | 11 at night | 2016-10-01 23:00
UTC | 2016-10-01 08:00 | 11 tonight | 2016-10-01 23:00
# ours: morning 09:00 (chrono 06:00); the written zone decides
UTC | 2019-06-01 00:00 | Jan 1, 2020 Morning UTC | 2020-01-01 09:00
Asia/Tokyo | 2019-06-01 00:00 | Jan 1, 2020 Evening JST | 2020-01-01 19:00
UTC | 2012-08-10 00:00 | notoday | !
UTC | 2012-08-10 00:00 | tdtmr | !
UTC | 2012-08-10 00:00 | xyesterday | !
UTC | 2012-08-10 00:00 | nowhere | !
UTC | 2012-08-10 00:00 | noway | !
UTC | 2012-08-10 00:00 | knowledge | !
UTC | 2012-08-10 00:00 | mar | !
UTC | 2012-08-10 00:00 | jan | !

# --- en_relative.test.ts ---
UTC | 2017-11-19 12:00 | this week | 2017-11-19 12:00
UTC | 2017-11-19 12:00 | this month | 2017-11-01 12:00
UTC | 2017-11-01 12:00 | this month | 2017-11-01 12:00
UTC | 2017-11-19 12:00 | this year | 2017-01-01 12:00
UTC | 2012-08-10 00:00 | end of the month | 2012-08-31 12:00
UTC | 2012-08-10 00:00 | last day of the month | 2012-08-31 12:00
UTC | 2012-09-10 00:00 | end of month | 2012-09-30 12:00
UTC | 2012-02-10 00:00 | last day of month | 2012-02-29 12:00
# ours: weeks start on Monday, so a week ends on Sunday (chrono: Saturday)
UTC | 2022-08-02 00:00 | end of next week | 2022-08-14 12:00
UTC | 2016-10-01 00:00 | end of next month | 2016-11-30 12:00
UTC | 2023-01-15 00:00 | last day of next month | 2023-02-28 12:00
UTC | 2020-11-22 00:00 | end of next year | 2021-12-31 12:00
UTC | 2016-10-01 12:00 | last week | 2016-09-24 12:00
UTC | 2016-10-01 12:00 | lastmonth | 2016-09-01 12:00
UTC | 2016-10-01 12:00 | last day | 2016-09-30 12:00
UTC | 2016-10-01 12:00 | last month | 2016-09-01 12:00
UTC | 2016-10-01 12:00 | past week | 2016-09-24 12:00
UTC | 2016-10-01 12:00 | next hour | 2016-10-01 13:00
UTC | 2016-10-01 12:00 | next week | 2016-10-08 12:00
UTC | 2016-10-01 12:00 | next day | 2016-10-02 12:00
UTC | 2016-10-01 12:00 | next month | 2016-11-01 12:00
UTC | 2020-11-22 12:11:32 | next year | 2021-11-22 12:11:32
UTC | 2021-01-22 12:00 | next quarter | 2021-04-22 12:00
UTC | 2021-10-22 12:00 | next qtr | 2022-01-22 12:00
UTC | 2021-01-22 12:00 | next two quarter | 2021-07-22 12:00
UTC | 2020-11-22 12:11:32 | after this year | 2021-11-22 12:11:32
UTC | 2016-10-07 12:00 | next hour | 2016-10-07 13:00
UTC | 2016-10-07 12:00 | next month | 2016-11-07 12:00
Asia/Tokyo | 2020-11-29 13:24:13 | now | +0
Asia/Tokyo | 2020-11-29 13:24:13 | in 10 minutes | +600
Europe/London | 2020-11-29 04:24:13 | in 20 minutes | +1200

# --- en_time_units_casual_relative.test.ts ---
UTC | 2016-10-01 12:00 | next 2 weeks | 2016-10-15 12:00
UTC | 2016-10-01 12:00 | next 2 days | 2016-10-03 12:00
UTC | 2016-10-01 12:00 | next two years | 2018-10-01 12:00
UTC | 2016-10-01 12:00 | next 2 weeks 3 days | 2016-10-18 12:00
UTC | 2016-10-01 12:00 | after a year | 2017-10-01 12:00
UTC | 2016-10-01 15:00 | after an hour | 2016-10-01 16:00
UTC | 2016-10-01 12:00 | last 2 weeks | 2016-09-17 12:00
UTC | 2016-10-01 12:00 | last two weeks | 2016-09-17 12:00
UTC | 2016-10-01 12:00 | past 2 days | 2016-09-29 12:00
UTC | 2016-10-01 12:00 | +2 months, 5 days | 2016-12-06 12:00
UTC | 2012-07-10 12:14 | +15 minutes | 2012-07-10 12:29
UTC | 2012-07-10 12:14 | +15min | 2012-07-10 12:29
UTC | 2012-07-10 12:14 | +1 day 2 hour | 2012-07-11 14:14
UTC | 2012-07-10 12:14 | +1m | 2012-07-10 12:15
UTC | 2015-07-10 12:14 | -3y | 2012-07-10 12:14
UTC | 2016-10-01 12:00 | -2hr5min | 2016-10-01 09:55
UTC | 2016-10-01 12:00 | -2 hours 5 minutes | 2016-10-01 09:55
# ours: a bare amount means from now (chrono.casual refuses `3y`, `1 m`, `a day`)
UTC | 2015-07-10 12:14 | 3y | 2018-07-10 12:14
UTC | 2015-07-10 12:14 | 1 m | 2015-07-10 12:15
UTC | 2015-07-10 12:14 | a day | 2015-07-11 12:14
UTC | 2015-07-10 12:14 | the day | !
UTC | 2015-07-10 12:14 | +am | !
UTC | 2015-07-10 12:14 | +them | !

# --- en_time_units_ago.test.ts ---
UTC | 2012-08-10 00:00 | 5 days ago | 2012-08-05 00:00
UTC | 2012-08-10 00:00 | 5 days ago, we did something | 2012-08-05 00:00
UTC | 2012-08-10 00:00 | 10 days ago | 2012-07-31 00:00
UTC | 2012-08-10 12:14 | 15 minute ago | 2012-08-10 11:59
UTC | 2012-08-10 12:14 | 15 minute earlier | 2012-08-10 11:59
UTC | 2012-08-10 12:14 | 15 minute before | 2012-08-10 11:59
UTC | 2012-08-10 12:14 |    12 hours ago | 2012-08-10 00:14
UTC | 2012-08-10 12:14 | 1h ago | 2012-08-10 11:14
UTC | 2012-08-10 12:14 | 1hr ago | 2012-08-10 11:14
UTC | 2012-08-10 12:14 |    half an hour ago | 2012-08-10 11:44
UTC | 2012-08-10 12:14 | 12 hours ago | 2012-08-10 00:14
UTC | 2012-08-10 12:14 | 12 seconds ago | 2012-08-10 12:13:48
UTC | 2012-08-10 12:14 | three seconds ago | 2012-08-10 12:13:57
UTC | 2012-08-10 00:00 | 5 Days ago | 2012-08-05 00:00
UTC | 2012-08-10 12:14 |    half An hour ago | 2012-08-10 11:44
UTC | 2012-08-10 00:00 | A days ago | 2012-08-09 00:00
UTC | 2012-08-10 12:14 | a min before | 2012-08-10 12:13
UTC | 2012-08-10 12:14 | the min before | 2012-08-10 12:13
UTC | 2012-10-10 00:00 | 5 months ago | 2012-05-10 00:00
UTC | 2012-08-10 00:00 | 5 years ago | 2007-08-10 00:00
UTC | 2012-08-03 00:00 | a week ago | 2012-07-27 00:00
UTC | 2012-08-03 00:00 | a week ago, we did something | 2012-07-27 00:00
UTC | 2012-08-03 00:00 | a few days ago | 2012-07-31 00:00
UTC | 2012-08-10 22:30 | 15 hours 29 min ago | 2012-08-10 07:01
UTC | 2012-08-10 22:30 | 1 day 21 hours ago | 2012-08-09 01:30
UTC | 2012-08-10 22:30 | 1d 21 h 25m ago | 2012-08-09 01:05
UTC | 2012-08-10 22:30 | 3 min 49 sec ago | 2012-08-10 22:26:11
UTC | 2012-08-10 22:30 | 3m 49s ago | 2012-08-10 22:26:11
UTC | 2012-08-10 00:00 | 2 day before today | 2012-08-08 00:00
UTC | 2012-08-10 00:00 | the day before yesterday | 2012-08-08 00:00
UTC | 2012-08-10 00:00 | 2 day before yesterday | 2012-08-07 00:00
UTC | 2012-08-10 00:00 | a week before yesterday | 2012-08-02 00:00
UTC | 2012-08-10 12:14 | 5 minutes ago | 2012-08-10 12:09
UTC | 2012-08-10 12:14 | 5m ago | 2012-08-10 12:09
UTC | 2012-08-10 12:14 | 5hr before | 2012-08-10 07:14
UTC | 2024-09-10 12:00 | 2 days ago | 2024-09-08 12:00
UTC | 2024-09-10 12:00 | 2 weeks ago | 2024-08-27 12:00
UTC | 2024-09-10 12:00 | 2 months ago | 2024-07-10 12:00
UTC | 2024-09-10 12:00 | 2 years ago | 2022-09-10 12:00
# ours: a bare amount means from now (chrono refuses `15 hours 29 min`, `5 days`)
UTC | 2012-08-10 12:14 | 15 hours 29 min | 2012-08-11 03:43
UTC | 2012-08-10 12:14 | 5 days | 2012-08-15 12:14
UTC | 2012-08-10 12:14 | a few hour | 2012-08-10 15:14
UTC | 2012-08-10 12:14 | am ago | !
UTC | 2012-08-10 12:14 | them ago | !

# --- en_time_units_later.test.ts ---
UTC | 2012-08-10 12:00 | 2 days later | 2012-08-12 12:00
UTC | 2012-08-10 10:00 | 5 minutes later | 2012-08-10 10:05
UTC | 2012-07-10 10:00 | 3 week later | 2012-07-31 10:00
UTC | 2012-07-10 10:00 | 3w later | 2012-07-31 10:00
UTC | 2012-07-10 10:00 | 3mo later | 2012-10-10 10:00
UTC | 2012-08-10 00:00 | 5 days from now | 2012-08-15 00:00
UTC | 2012-08-10 00:00 | 5 days from now, we did something | 2012-08-15 00:00
UTC | 2012-08-10 00:00 | 10 days from now | 2012-08-20 00:00
UTC | 2012-08-10 12:14 | 15 minute from now | 2012-08-10 12:29
UTC | 2012-08-10 12:14 | 15 minutes earlier | 2012-08-10 11:59
UTC | 2012-08-10 12:14 | 15 minute out | 2012-08-10 12:29
UTC | 2012-08-10 12:14 |    12 hours from now | 2012-08-11 00:14
UTC | 2012-08-10 12:14 |    12 hrs from now | 2012-08-11 00:14
UTC | 2012-08-10 12:14 |    half an hour from now | 2012-08-10 12:44
UTC | 2012-08-10 12:14 | 12 seconds from now | 2012-08-10 12:14:12
UTC | 2012-08-10 12:14 | three seconds from now | 2012-08-10 12:14:03
UTC | 2012-08-10 00:00 | 5 Days from now | 2012-08-15 00:00
UTC | 2012-08-10 12:14 |    half An hour from now | 2012-08-10 12:44
UTC | 2012-08-10 00:00 | A days from now | 2012-08-11 00:00
UTC | 2012-08-10 12:14 | a min out | 2012-08-10 12:15
UTC | 2012-08-10 12:14 | in 1 hour | 2012-08-10 13:14
UTC | 2012-08-10 12:14 | in 1 mon | 2012-09-10 12:14
UTC | 2012-08-10 12:40 | in 1.5 hours | 2012-08-10 14:10
UTC | 2012-08-10 12:40 | in 1d 2hr 5min | 2012-08-11 14:45
UTC | 2012-08-10 12:40 | in 1d, 2hr, and 5min | 2012-08-11 14:45
UTC | 2012-08-10 12:14 | the min after | 2012-08-10 12:15
UTC | 2012-08-10 12:14 | 15 minutes from now | 2012-08-10 12:29
UTC | 2012-08-10 12:40 | 25 minutes later | 2012-08-10 13:05
UTC | 2012-08-10 12:14 | 15m from now | 2012-08-10 12:29
UTC | 2012-08-10 12:14 | 15s later | 2012-08-10 12:14:15
UTC | 2012-08-10 00:00 | 2 day after today | 2012-08-12 00:00
UTC | 2012-08-10 00:00 | the day after tomorrow | 2012-08-12 00:00
UTC | 2012-08-10 00:00 | 2 day after tomorrow | 2012-08-13 00:00
UTC | 2012-08-10 00:00 | a week after tomorrow | 2012-08-18 00:00
UTC | 2023-12-29 00:00 | next tuesday +10 days | 2024-01-12 12:00
UTC | 2023-12-29 00:00 | 2023-12-29 -10days | 2023-12-19 12:00
UTC | 2023-12-29 08:30 | now + 40minutes | 2023-12-29 09:10
UTC | 2012-08-10 12:14 | tell them later | !

# --- en_time_units_within.test.ts ---
UTC | 2012-08-10 00:00 | in 5 days | 2012-08-15 00:00
UTC | 2012-08-10 00:00 | we have to make something in 5 days. | 2012-08-15 00:00
UTC | 2012-08-10 00:00 | in five days | 2012-08-15 00:00
UTC | 2012-08-10 00:00 | within 10 day | 2012-08-20 00:00
UTC | 2012-08-10 12:14 | in 5 minutes | 2012-08-10 12:19
UTC | 2012-08-10 12:14 | for 5 minutes | 2012-08-10 12:19
UTC | 2012-08-10 12:14 | for 5 minutes and 30 seconds | 2012-08-10 12:19:30
UTC | 2012-08-10 12:14 | for 10 minutes and 10 seconds | 2012-08-10 12:24:10
UTC | 2012-08-10 12:14 | within 1 hour | 2012-08-10 13:14
UTC | 2012-08-10 12:14 | In 5 minutes | 2012-08-10 12:19
UTC | 2012-08-10 12:14 | In 5 minutes I will go home | 2012-08-10 12:19
UTC | 2012-08-10 12:14 | In 5 seconds | 2012-08-10 12:14:05
UTC | 2012-08-10 12:14 | within half an hour | 2012-08-10 12:44
UTC | 2012-08-10 12:14 | within two weeks | 2012-08-24 12:14
UTC | 2012-08-10 12:14 | within a month | 2012-09-10 12:14
UTC | 2012-07-10 12:14 | within a few months | 2012-10-10 12:14
UTC | 2012-08-10 12:14 | within one year | 2013-08-10 12:14
UTC | 2012-08-10 12:14 | within One Year | 2013-08-10 12:14
UTC | 2012-08-10 12:14 | In 5 Minutes | 2012-08-10 12:19
UTC | 2012-08-10 12:14 | In 5 mins | 2012-08-10 12:19
UTC | 2016-10-01 00:00 | in a week | 2016-10-08 00:00
UTC | 2016-10-01 13:00 | In around 5 hours | 2016-10-01 18:00
UTC | 2016-10-01 13:00 | In about ~5 hours | 2016-10-01 18:00
UTC | 2016-10-01 14:52 | in 1 month | 2016-11-01 14:52
UTC | 2012-08-10 12:49 | In  about 5 hours | 2012-08-10 17:49
UTC | 2012-08-10 12:49 | within around 3 hours | 2012-08-10 15:49
# ours: several is 3 (chrono 7)
UTC | 2012-08-10 12:49 | In several hours | 2012-08-10 15:49
UTC | 2012-08-10 12:49 | In a couple of days | 2012-08-12 12:49
UTC | 2012-08-10 12:14 | within 30 days | 2012-09-09 12:14
UTC | 2020-07-10 12:14 | in 24 hours | 2020-07-11 12:14
UTC | 2020-07-10 12:14 | in one day | 2020-07-11 12:14
UTC | 2016-10-01 14:52 | in 2 minute | 2016-10-01 14:54
UTC | 2016-10-01 14:52 | in 2hour | 2016-10-01 16:52
UTC | 2016-10-01 14:52 | in a few year | 2019-10-01 14:52
UTC | 2016-10-01 14:52 | within 12 month | 2017-10-01 14:52
UTC | 2016-10-01 14:52 | within 3 days | 2016-10-04 14:52
UTC | 2016-10-01 14:52 | 2 months | 2016-12-01 14:52
UTC | 2012-08-10 12:14 | 1 hour | 2012-08-10 13:14
UTC | 2016-10-01 14:52 | 1 month | 2016-11-01 14:52
UTC | 2016-10-01 14:52 | in 15m | 2016-10-01 15:07
UTC | 2016-10-01 14:52 | within 5hr | 2016-10-01 19:52

# --- en_weekday.test.ts ---
# ours: a weekday is the next such day (chrono: Monday on a Thursday is 3 days back)
UTC | 2012-08-09 00:00 | Monday | 2012-08-13 12:00
UTC | 2012-08-09 00:00 | Thursday | 2012-08-09 12:00
UTC | 2012-08-09 00:00 | Sunday | 2012-08-12 12:00
UTC | 2012-08-09 00:00 | last Friday | 2012-08-03 12:00
UTC | 2012-08-09 00:00 | The Deadline is last Friday... | 2012-08-03 12:00
UTC | 2012-08-09 00:00 | past Friday | 2012-08-03 12:00
UTC | 2015-04-18 00:00 | on Friday next week | 2015-04-24 12:00
UTC | 2015-04-18 00:00 | Let's have a meeting on Friday next week | 2015-04-24 12:00
UTC | 2015-04-18 00:00 | on Tuesday, next week | 2015-04-21 12:00
UTC | 2022-08-02 00:00 | This Saturday | 2022-08-06 12:00
UTC | 2022-08-02 00:00 | This Sunday | 2022-08-07 12:00
UTC | 2022-08-02 00:00 | This Wednesday | 2022-08-03 12:00
UTC | 2022-08-07 00:00 | This Saturday | 2022-08-13 12:00
UTC | 2022-08-07 00:00 | This Sunday | 2022-08-07 12:00
UTC | 2022-08-07 00:00 | This Wednesday | 2022-08-10 12:00
UTC | 2022-08-02 00:00 | Last Saturday | 2022-07-30 12:00
UTC | 2022-08-02 00:00 | Last Sunday | 2022-07-31 12:00
UTC | 2022-08-02 00:00 | Last Wednesday | 2022-07-27 12:00
UTC | 2022-08-02 00:00 | Next Saturday | 2022-08-13 12:00
UTC | 2022-08-02 00:00 | Next Sunday | 2022-08-14 12:00
UTC | 2022-08-02 00:00 | Next Wednesday | 2022-08-10 12:00
UTC | 2022-08-06 00:00 | Next Saturday | 2022-08-13 12:00
UTC | 2022-08-06 00:00 | Next Sunday | 2022-08-14 12:00
UTC | 2022-08-06 00:00 | Next Wednesday | 2022-08-10 12:00
UTC | 2022-08-07 00:00 | Next Saturday | 2022-08-13 12:00
UTC | 2022-08-07 00:00 | Next Sunday | 2022-08-14 12:00
UTC | 2022-08-07 00:00 | Next Wednesday | 2022-08-10 12:00
# ours: a weekend is its Saturday (chrono: last weekend is the Sunday)
UTC | 2024-10-18 12:00 | last weekend | 2024-10-12 12:00
UTC | 2024-10-18 12:00 | this weekend | 2024-10-19 12:00
UTC | 2024-10-18 12:00 | next weekend | 2024-10-26 12:00
UTC | 2024-10-18 12:00 | last weekday | 2024-10-17 12:00
UTC | 2024-10-18 12:00 | next weekday | 2024-10-21 12:00
UTC | 2024-10-19 12:00 | last weekday | 2024-10-18 12:00
UTC | 2024-10-19 12:00 | next weekday | 2024-10-21 12:00
# ours: morning 09:00 (chrono 06:00)
UTC | 2015-04-18 00:00 | on Tuesday morning | 2015-04-21 09:00
UTC | 2015-04-18 00:00 | Lets meet on Tuesday morning | 2015-04-21 09:00
UTC | 2012-08-09 00:00 | Sunday, December 7, 2014 | 2014-12-07 12:00
UTC | 2012-08-09 00:00 | Sunday 12/7/2014 | 2014-12-07 12:00
# ours: a weekday is the next such day, so the range starts on the coming Friday
UTC | 2023-04-09 00:00 | Friday to Monday | 2023-04-14 12:00 -> 2023-04-17 12:00
UTC | 2023-04-09 00:00 | Monday to Friday | 2023-04-10 12:00 -> 2023-04-14 12:00
UTC | 2022-08-02 00:00 | Tuesday of next week | 2022-08-09 12:00
UTC | 2022-08-02 00:00 | Friday of next week | 2022-08-12 12:00
UTC | 2022-08-02 00:00 | Monday of next week | 2022-08-08 12:00

# --- en_month_name_little_endian.test.ts ---
UTC | 2012-08-10 00:00 | 10 August 2012 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | 3rd Feb 82 | 1982-02-03 12:00
UTC | 2013-08-10 00:00 | Sun 15Sep | 2013-09-15 12:00
UTC | 2013-08-10 00:00 | SUN 15SEP | 2013-09-15 12:00
UTC | 2012-08-10 00:00 | 10 August | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | The Deadline is 10 August | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | Tuesday, 10 January | 2013-01-10 12:00
UTC | 2012-08-10 00:00 | Tue, 10 January | 2013-01-10 12:00
UTC | 2012-08-10 00:00 | 31st March, 2016 | 2016-03-31 12:00
UTC | 2012-08-10 00:00 | 23rd february, 2016 | 2016-02-23 12:00
UTC | 2012-08-08 00:00 | 10-August 2012 | 2012-08-10 12:00
UTC | 2012-08-08 00:00 | 10-August-2012 | 2012-08-10 12:00
UTC | 2012-08-08 00:00 | 10/August 2012 | 2012-08-10 12:00
UTC | 2012-08-08 00:00 | 10/August/2012 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | 10 - 22 August 2012 | 2012-08-10 12:00 -> 2012-08-22 12:00
UTC | 2012-08-10 00:00 | 10 to 22 August 2012 | 2012-08-10 12:00 -> 2012-08-22 12:00
UTC | 2012-08-10 00:00 | 10 August - 12 September | 2012-08-10 12:00 -> 2012-09-12 12:00
UTC | 2012-08-10 00:00 | 10 August - 12 September 2013 | 2013-08-10 12:00 -> 2013-09-12 12:00
UTC | 2012-08-10 00:00 |  17 August 2013 to 19 August 2013 | 2013-08-17 12:00 -> 2013-08-19 12:00
# ours: a date without a year is its next occurrence (chrono: this year's, in the past)
UTC | 2012-08-10 00:00 | 12th of July at 19:00 | 2013-07-12 19:00
UTC | 2012-08-10 00:00 | 5 May 12:00 | 2013-05-05 12:00
UTC | 2012-08-10 00:00 | 7 May 11:00 | 2013-05-07 11:00
UTC | 2012-08-10 00:00 | Twenty-fourth of May | 2013-05-24 12:00
UTC | 2012-08-10 00:00 | Eighth to eleventh May 2010 | 2010-05-08 12:00 -> 2010-05-11 12:00
UTC | 2017-07-07 15:00 | 24th October, 9 am | 2017-10-24 09:00
UTC | 2017-07-07 15:00 | 24th October, 9 pm | 2017-10-24 21:00
UTC | 2017-07-07 15:00 | 24 October, 9 pm | 2017-10-24 21:00
UTC | 2017-07-07 15:00 | 24 October, 9 p.m. | 2017-10-24 21:00
UTC | 2017-07-07 15:00 | 24 October 10 o clock | 2017-10-24 10:00
UTC | 2012-08-10 00:00 | 03 Aug 96 | 1996-08-03 12:00
UTC | 2012-08-10 00:00 | 3 Aug 96 | 1996-08-03 12:00
UTC | 2012-08-10 00:00 | 9 Aug 96 | 1996-08-09 12:00
# ours: next occurrence (chrono without forwardDate: this year's, in the past)
UTC | 2016-03-15 00:00 | 22-23 Feb at 7pm | 2017-02-22 19:00 -> 2017-02-23 19:00
UTC | 2012-08-10 00:00 | 17 August 2013 - 19 August 2013 | 2013-08-17 12:00 -> 2013-08-19 12:00
UTC | 2012-08-10 00:00 | 32 August 2014 | !
UTC | 2012-08-10 00:00 | 29 February 2014 | !
UTC | 2012-08-10 00:00 | 32 August | !
UTC | 2013-08-10 00:00 | 29 February | 2016-02-29 12:00

# --- en_slash.test.ts ---
UTC | 2012-08-10 00:00 |     04/2016    | 2016-04-01 12:00
UTC | 2012-08-10 00:00 | 06/2004 | 2004-06-01 12:00
UTC | 2012-08-10 00:00 | 8/10/2012 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | : 8/1/2012 | 2012-08-01 12:00
UTC | 2012-08-10 00:00 | 8/10 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | The Deadline is 8/10/2012 | 2012-08-10 12:00
UTC | 2015-11-03 00:00 | Tuesday 11/3/2015 | 2015-11-03 12:00
UTC | 2015-11-03 00:00 | The Deadline is Tuesday 11/3/2015 | 2015-11-03 12:00
UTC | 2012-08-10 00:00 | 2/28/2014 | 2014-02-28 12:00
UTC | 2012-08-10 00:00 | 12-30-16 | 2016-12-30 12:00
UTC | 2012-08-10 00:00 | Friday 12-30-16 | 2016-12-30 12:00
Europe/London | 2012-08-10 00:00 | 8/10/2012 | 2012-10-08 12:00
Europe/London | 2012-08-10 00:00 | 30-12-16 | 2016-12-30 12:00
Europe/London | 2012-08-10 00:00 | Friday 30-12-16 | 2016-12-30 12:00
Europe/London | 2012-08-10 00:00 | 8/Oct/2012 | 2012-10-08 12:00
UTC | 2012-08-10 00:00 | 2012/8/10 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | The Deadline is 2012/8/10 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | 2014/2/28 | 2014-02-28 12:00
UTC | 2012-08-10 00:00 | 2014/12/28 | 2014-12-28 12:00
UTC | 2012-08-10 00:00 | 2012/Aug/10 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | 2012/aug/10 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | 8/10/2012 - 8/15/2012 | 2012-08-10 12:00 -> 2012-08-15 12:00
UTC | 2012-08-10 00:00 | 2015-05-25 | 2015-05-25 12:00
UTC | 2012-08-10 00:00 | 2015/05/25 | 2015-05-25 12:00
UTC | 2012-08-10 00:00 | 2015.05.25 | 2015-05-25 12:00
UTC | 2012-08-10 00:00 | 05-25-2015 | 2015-05-25 12:00
UTC | 2012-08-10 00:00 | 05/25/2015 | 2015-05-25 12:00
UTC | 2012-08-10 00:00 | 05.25.2015 | 2015-05-25 12:00
UTC | 2012-08-10 00:00 | 25/05/2015 | 2015-05-25 12:00
UTC | 2012-08-10 00:00 | 8/32/2014 | !
UTC | 2012-08-10 00:00 | 8/32 | !
UTC | 2012-08-10 00:00 | 2/29/2014 | !
UTC | 2012-08-10 00:00 | 2014/22/29 | !
UTC | 2012-08-10 00:00 | 2014/13/22 | !
UTC | 2012-08-10 00:00 | 80-32-89-89 | !
UTC | 1999-06-01 00:00 | 5/31 | 2000-05-31 12:00

# --- en_time_exp.test.ts ---
UTC | 2016-10-01 08:00 |   11 AM  | 2016-10-01 11:00
UTC | 2016-10-01 08:00 | 20:32:13 | 2016-10-01 20:32:13
UTC | 2016-10-01 08:00 | 10:00:00 - 21:45:00 | 2016-10-01 10:00 -> 2016-10-01 21:45
UTC | 2016-10-01 08:00 | 6 in the afternoon | 2016-10-01 18:00
# ours: a clock time is its next occurrence (chrono: 06:00 today, already past)
UTC | 2016-10-01 08:00 | 6 in the morning | 2016-10-02 06:00
UTC | 2016-10-01 08:00 | 10 - 11 at night | 2016-10-01 22:00 -> 2016-10-01 23:00
UTC | 2016-10-01 08:00 | 8pm - 11 | 2016-10-01 20:00 -> 2016-10-01 23:00
UTC | 2016-10-01 08:00 | 8 - 11pm | 2016-10-01 20:00 -> 2016-10-01 23:00
# ours: a lone number is the next time the clock shows that hour (chrono: 07-08 today, past)
UTC | 2016-10-01 08:00 | 7 - 8 | 2016-10-01 19:00 -> 2016-10-01 20:00
UTC | 2012-08-10 00:00 | 1pm-3 | 2012-08-10 13:00 -> 2012-08-10 15:00
UTC | 2012-08-10 00:00 | 1am-3 | 2012-08-10 01:00 -> 2012-08-10 03:00
UTC | 2012-08-10 00:00 | 11pm-3 | 2012-08-10 23:00 -> 2012-08-11 03:00
# ours: a clock time equal to now is not ahead: the next one (chrono: now)
UTC | 2012-08-10 00:00 | 12-3am | 2012-08-11 00:00 -> 2012-08-11 03:00
UTC | 2012-08-10 00:00 | 12-3pm | 2012-08-10 12:00 -> 2012-08-10 15:00
UTC | 2012-08-10 00:00 | at 1 | 2012-08-10 01:00
UTC | 2012-08-10 00:00 | at 12 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | at 12.30 | 2012-08-10 12:30
UTC | 2016-10-01 08:00 | 2020 | !
UTC | 2016-10-01 08:00 | 2020   | !
UTC | 2016-10-01 08:00 | I'm at 101,194 points! | !
UTC | 2016-10-01 08:00 | I'm at 101 points! | !
UTC | 2016-10-01 08:00 | I'm at 10.1 | !
UTC | 2016-10-01 08:00 | I'm at 10.1 - 10.12 | !
UTC | 2016-10-01 08:00 | I'm at 10 - 10.1 | !
UTC | 2016-10-01 08:00 | I'm at 10 - 20 | !
UTC | 2016-10-01 08:00 | 7-730 | !

# --- more forms people type (chrono middle-endian / ISO / time expressions) ---
UTC | 2012-08-10 00:00 | August 10, 2012 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | Aug 10th | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | Aug. 10 | 2012-08-10 12:00
UTC | 2012-08-10 00:00 | Sept. 3rd at 5pm | 2012-09-03 17:00
UTC | 2012-08-10 00:00 | August 10, 2012 12:30 AM | 2012-08-10 00:30
UTC | 2012-08-10 00:00 | Tue, Aug 14 2012 12:00 | 2012-08-14 12:00
UTC | 2012-08-10 00:00 | Saturday, 12 December 2026 | 2026-12-12 12:00
UTC | 2012-08-10 00:00 | the 3rd | 2012-09-03 12:00
UTC | 2012-08-10 00:00 | 3rd of march | 2013-03-03 12:00
UTC | 2012-08-10 00:00 | march 3rd at 5 | 2013-03-03 05:00
UTC | 2012-08-10 00:00 | 12/25 | 2012-12-25 12:00
UTC | 2012-08-10 00:00 | 25/12/2026 | 2026-12-25 12:00
UTC | 2012-08-10 00:00 | 2012-08-10T12:30:00Z | 2012-08-10 12:30
UTC | 2012-08-10 00:00 | 2012-08-10T12:30:00.000Z | 2012-08-10 12:30
UTC | 2012-08-10 00:00 | 2012-08-10T12:30:00+09:00 | 2012-08-10 03:30
UTC | 2012-08-10 00:00 | 2 weeks from now | 2012-08-24 00:00
UTC | 2012-08-10 10:00 | noon tomorrow | 2012-08-11 12:00
UTC | 2012-08-10 10:00 | midnight | 2012-08-11 00:00
UTC | 2012-08-10 10:00 | 5.30pm | 2012-08-10 17:30
UTC | 2012-08-10 10:00 | 17h30 | 2012-08-10 17:30
UTC | 2012-08-10 10:00 | 5 o'clock | 2012-08-10 17:00
UTC | 2012-08-10 10:00 | quarter past 5 | 2012-08-10 17:15
UTC | 2012-08-10 10:00 | half past six | 2012-08-10 18:30
UTC | 2012-08-10 10:00 | quarter to 7pm | 2012-08-10 18:45
UTC | 2012-08-10 10:00 | +2 months | 2012-10-10 10:00
UTC | 2012-08-10 10:00 | -3 days | 2012-08-07 10:00
UTC | 2012-08-10 10:00 | 3 days ago | 2012-08-07 10:00
"""

ROWS = [(zone, now, text, start, end) for zone, now, text, start, end in _table.rows_from(TABLE)]


def test_the_peer_table_is_large() -> None:
    assert len(ROWS) >= 300


@pytest.mark.parametrize(
    ("zone", "now", "text", "start", "end"), ROWS, ids=[f"{r[0]}:{r[2]}" for r in ROWS]
)
def test_peer_phrase(
    zone: str, now: float, text: str, start: float | None, end: float | None
) -> None:
    if start is None:
        with pytest.raises(UserError):
            read_time(text, zone, now)
        return
    reading = read_time(text, zone, now)
    assert (reading.start, reading.end) == (start, end), reading.label


@pytest.mark.parametrize(
    "text",
    ["friday at the pub", "the pub on friday", "lunch at 5", "not friday", "every friday",
     "late friday", "meet at 8", "the deadline is 8"],
)  # fmt: skip
def test_sentences_are_refused_unless_the_rest_is_plain(text: str) -> None:
    with pytest.raises(UserError):
        read_time(text, "Europe/Berlin", 1796115600.0)


def test_a_lone_twelve_with_a_day_is_noon() -> None:
    reading = read_time("3 Aug 12", "UTC", 1796115600.0)
    assert reading.label.endswith("12:00 (UTC)")

"""Insights rules and figures: pure, no discord, no store, no I/O.

This package re-exports its modules, so callers keep using `logic.<name>`:
`figures` (the dataclasses and constants), `text` (clipping, percentages, dates),
`attention` (which groups need attention), `activity` (weekly activity, trend, server
rows), `group` (the group picture), `summaries` (the text beside the pictures) and
`export` (the CSV). The 26-week heatmap of `/checkin streak` is check-ins' own.

`gather` collects the figures through the other features' `api.py` into the dataclasses
below (epochs are UTC seconds); everything here turns them into what is shown: the
groups needing attention (most urgent first, with the reason as text), the activity
trend, the server summary rows, the text figures beside each picture (the same numbers
as the picture, within Discord's limits) and the CSV of `/insights export`.

Rules, precisely (`now` is injected, never read from the clock here):

* **Quiet**: a group needs attention when nothing happened in the last `QUIET_DAYS` (14)
  days, i.e. its last activity (or, with none, its creation; with neither, always) is at
  or before `now - 14 days`. Exactly 14 days ago counts as quiet.
* **Halved**: completion over the last `COMPARE_WEEKS` (4) weeks -- sum of check-ins over
  sum of expected check-ins of the periods that *started* in `[now - 4w, now)` -- is at
  most half of the completion over the 4 weeks before (`[now - 8w, now - 4w)`). Both
  windows need expected check-ins and the earlier completion must be above zero.
  Periods still open (`end` known and after `now`) are left out: they are not over yet.
* **Most urgent first**: quiet groups before halved ones, the longer quiet first; then
  the larger drop first; then the larger group; then by name.
* **Trend**: activity (check-ins + poll votes + event RSVP answers) per week; the
  last `COMPARE_WEEKS` weeks against the same number of weeks before: `up` at +20 % or
  more, `down` at -20 % or less, else `flat`; `new` when the weeks before were empty.
"""

from __future__ import annotations

from cogs.insights.logic.activity import ServerRow, Trend, activity_by_week, server_rows, trend_of
from cogs.insights.logic.attention import Attention, attention_of, needing_attention
from cogs.insights.logic.export import CSV_HEADER, csv_rows, export_csv
from cogs.insights.logic.figures import (
    COMPARE_WEEKS,
    DAY,
    DEFAULT_WEEKS,
    QUIET_DAYS,
    TREND_THRESHOLD,
    WEEK,
    EventAttendance,
    GroupFigures,
    PeriodCompletion,
    PollParticipation,
    attendance_basis,
    in_window,
    sum_completion,
    window_completion,
)
from cogs.insights.logic.group import (
    MAX_BARS,
    GroupPicture,
    Headline,
    completion_series,
    group_picture,
    headline,
)
from cogs.insights.logic.summaries import (
    ALT_LIMIT,
    Summary,
    digest_content,
    group_alt,
    group_summary,
    row_text,
    server_alt,
    server_summary,
)
from cogs.insights.logic.text import (
    ago_text,
    date_text,
    join_lines,
    local_date,
    one_line,
    page_of,
    pct,
    ratio,
)

__all__ = [
    "ALT_LIMIT",
    "COMPARE_WEEKS",
    "CSV_HEADER",
    "DAY",
    "DEFAULT_WEEKS",
    "MAX_BARS",
    "QUIET_DAYS",
    "TREND_THRESHOLD",
    "WEEK",
    "Attention",
    "EventAttendance",
    "GroupFigures",
    "GroupPicture",
    "Headline",
    "PeriodCompletion",
    "PollParticipation",
    "ServerRow",
    "Summary",
    "Trend",
    "activity_by_week",
    "ago_text",
    "attendance_basis",
    "attention_of",
    "completion_series",
    "csv_rows",
    "date_text",
    "digest_content",
    "export_csv",
    "group_alt",
    "group_picture",
    "group_summary",
    "headline",
    "in_window",
    "join_lines",
    "local_date",
    "needing_attention",
    "one_line",
    "page_of",
    "pct",
    "ratio",
    "row_text",
    "server_alt",
    "server_rows",
    "server_summary",
    "sum_completion",
    "trend_of",
    "window_completion",
]

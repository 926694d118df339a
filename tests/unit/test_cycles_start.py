"""`/cycle start`'s checks as a pure function: the new cycle, or each refusal word for word
(the texts the command has always sent), the first that applies in the command's order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cogs.cycles import logic
from core.errors import BotMissingPermission, UserError
from core.ui import when_text

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()  # a Tuesday
LEADER = 7
BERLIN = "Europe/Berlin"
PLACE = logic.StartPlace(
    guild_id=1,
    group_id=2,
    group_name="Book Club",
    archived=False,
    channel_works=True,
    runs_cycle=False,
    missing_permission=None,
    timezone=BERLIN,
)
MONTHLY = logic.StartOptions(name="Book of the month", meet="last thursday 7pm")
WEEKLY = logic.StartOptions(name="Sprint", meet="thursday 19:00", cadence="weekly")
DAY = 86400


def berlin(*args: int) -> float:
    return datetime(*args, tzinfo=ZoneInfo(BERLIN)).timestamp()


def refusal(options: logic.StartOptions, place: logic.StartPlace = PLACE) -> UserError:
    with pytest.raises(UserError) as refused:
        logic.plan_start(options, place, NOW, LEADER)
    return refused.value


def test_a_monthly_cycle_with_the_defaults():
    options = replace(MONTHLY, name="  Book   of the month ")
    new = logic.plan_start(options, PLACE, NOW, LEADER)
    assert new == logic.NewCycle(
        guild_id=1, group_id=2, name="Book of the month", meet="last thursday 19:00",
        cadence="monthly", nominate_s=5 * DAY, vote_s=2 * DAY, checkins=True, per_member=1,
        timezone=BERLIN, anchor="2026-12-31T19:00:00", created_by=LEADER, created_at=NOW,
    )  # fmt: skip
    # the anchor is the first meeting: the first slot that leaves nominate + vote
    first = logic.first_meeting(
        logic.parse_meet(new.meet), "monthly", BERLIN, NOW, 5 * DAY, 2 * DAY
    )
    assert first == berlin(2026, 12, 31, 19)


def test_a_weekly_cycle_with_its_options():
    options = replace(WEEKLY, nominate="2d", vote=" 12h ", checkins=False, per_member=3)
    new = logic.plan_start(options, PLACE, NOW, LEADER)
    assert (new.cadence, new.meet, new.nominate_s, new.vote_s) == (
        "weekly", "thursday 19:00", 2 * DAY, DAY // 2
    )  # fmt: skip
    assert (new.checkins, new.per_member, new.name) == (False, 3, "Sprint")
    assert new.anchor == "2026-12-10T19:00:00"  # Tuesday noon + 2.5 days is Friday: a week on
    blank = logic.plan_start(replace(WEEKLY, nominate="", vote="  "), PLACE, NOW, LEADER)
    assert (blank.nominate_s, blank.vote_s) == logic.DEFAULTS["weekly"]  # blank: the default


def test_a_monthly_cadence_is_implied_only_by_a_monthly_slot():
    new = logic.plan_start(replace(MONTHLY, meet="first monday 08:30"), PLACE, NOW, LEADER)
    assert (new.cadence, new.meet) == ("monthly", "first monday 08:30")
    biweekly = logic.plan_start(replace(WEEKLY, cadence="biweekly"), PLACE, NOW, LEADER)
    assert biweekly.cadence == "biweekly"


REFUSALS = [
    (
        "archived",
        MONTHLY,
        {"archived": True},
        "**Book Club** is archived; restore it before you start a cycle.",
    ),
    (
        "blank name",
        replace(MONTHLY, name="  "),
        {},
        "Give the cycle a `name`, like `Book of the month`.",
    ),
    ("long name", replace(MONTHLY, name="x" * 81), {}, "`name` can be at most 80 characters long."),
    (
        "unreadable slot",
        replace(MONTHLY, meet="sometime soon"),
        {},
        "I can't read `sometime soon` as a meeting slot. Write a weekday and a time: "
        "`thursday 19:00` or `thursday 7pm` (weekly or biweekly), or for monthly "
        "`first`…`fourth` or `last` before it, like `last thursday 7pm`.",
    ),
    (
        "weekly slot, monthly by default",
        replace(MONTHLY, meet="thursday 19:00"),
        {},
        "`thursday 19:00` is a weekly slot, but the cadence is monthly by default: choose "
        "cadence `weekly` or `biweekly`, or write `meet` like `last thursday 19:00`.",
    ),
    (
        "weekly slot, monthly chosen",
        replace(WEEKLY, cadence="monthly"),
        {},
        "A monthly cycle meets on one weekday of the month: write `meet` like "
        "`last thursday 19:00` or `first thursday 19:00`, or choose cadence `weekly` or "
        "`biweekly`.",
    ),
    (
        "monthly slot, weekly chosen",
        replace(MONTHLY, cadence="weekly"),
        {},
        "`last thursday 19:00` is a monthly slot, but the cadence is weekly: write `meet` "
        "like `thursday 19:00`, or choose cadence `monthly`.",
    ),
    (
        "unreadable nominate",
        replace(MONTHLY, nominate="soon"),
        {},
        "`soon` is not a duration. Write it like `30m`, `1h`, `3d` or `1w`.",
    ),
    (
        "nominate too short",
        replace(MONTHLY, nominate="30m"),
        {},
        "`nominate` must be between 1h and 4w (you gave 30m).",
    ),
    (
        "vote too long",
        replace(MONTHLY, vote="3w"),
        {},
        "`vote` must be between 1h and 2w (you gave 3w).",
    ),
    (
        "per_member",
        replace(MONTHLY, per_member=6),
        {},
        "`per_member` must be between 1 and 5 (you gave 6).",
    ),
    (
        "longer than the cadence",
        replace(WEEKLY, nominate="5d", vote="3d"),
        {},
        "Nominations (5 days) and the vote (3 days) together are longer than the weekly "
        "cadence (7 days). Shorten `nominate` or `vote`.",
    ),
    (
        "a cycle runs",
        MONTHLY,
        {"runs_cycle": True},
        "**Book Club** already runs a cycle. `/cycle status` shows it; "
        "`/cycle stop` ends it before you start another.",
    ),
    (
        "no working channel",
        MONTHLY,
        {"channel_works": False},
        "**Book Club** has no working channel; `/group repair` fixes it.",
    ),
    (
        "the bot can't post",
        MONTHLY,
        {"missing_permission": "Send Messages"},
        "I can't post the cycle in the group's channel: I'm missing the **Send Messages** "
        "permission. A server admin can grant it to my role in Server Settings → Roles.",
    ),
]


@pytest.mark.parametrize(
    ("options", "place", "text"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_each_refusal_reads_as_the_command_always_said_it(options, place, text):
    assert str(refusal(options, replace(PLACE, **place))) == text


def test_a_missing_permission_is_named_as_discord_names_it():
    refused = refusal(MONTHLY, replace(PLACE, missing_permission="View Channel"))
    assert isinstance(refused, BotMissingPermission)
    assert refused.permission == "View Channel"


def test_a_meeting_inside_the_next_window_is_refused_with_both_times():
    # weekly, 5 days + 2 days: after a meeting and its hour, the next window ends an hour
    # after the following Thursday's slot
    refused = refusal(replace(WEEKLY, nominate="5d", vote="2d"))
    meeting = berlin(2026, 12, 17, 19)  # the first meeting is the 10th (noon + 7 days)
    window_end = berlin(2026, 12, 10, 19) + logic.MEETING_LENGTH + 7 * DAY
    assert str(refused) == (
        f"The meeting {when_text(meeting)} would fall inside the nomination or vote "
        "window: after the meeting before it, nominations (5 days) and the vote (2 days) "
        f"run until {when_text(window_end)}. Shorten `nominate` or `vote`."
    )


def test_the_first_refusal_that_applies_is_the_one_sent():
    everything_wrong = replace(
        PLACE, archived=True, runs_cycle=True, channel_works=False, missing_permission="X"
    )
    assert "is archived" in str(refusal(replace(MONTHLY, name=""), everything_wrong))
    place = replace(everything_wrong, archived=False)
    assert "`name`" in str(refusal(replace(MONTHLY, name=""), place))
    assert "already runs a cycle" in str(refusal(MONTHLY, place))
    assert "no working channel" in str(refusal(MONTHLY, replace(place, runs_cycle=False)))
    squeezed = replace(WEEKLY, nominate="5d", vote="2d")
    only_permission = replace(PLACE, missing_permission="Send Messages")
    assert isinstance(refusal(squeezed, only_permission), BotMissingPermission)

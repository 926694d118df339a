"""The polls feature's public face: the only polls module other features import.

Another feature (cycles, say) creates a poll for a group, reads its result, or closes it.
To hear when a poll closes, however it closes (its deadline, `/poll close`, its message
deleted, `close_poll`), pass `on_close=(job_kind, payload)` when creating it: polls then
schedules that job, due at once, with `payload | {"poll_id", "tally", "winners"}`, in the
same transaction that marks the poll closed. The job is as durable as any other.

Every function takes the bot and finds the polls service through `bot.feature_cog("polls")`
(raises `FeatureUnavailable` while polls is not loaded).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cogs.groups import api as groups
from cogs.polls import logic
from cogs.polls.models import NewPoll, Poll, Presentation
from cogs.polls.store_insights import last_votes, participation_rows
from core.errors import NotFound, UserError
from core.store import Store

if TYPE_CHECKING:
    from cogs.polls.service import PollService
    from core.bot import HuddleBot


@dataclass(frozen=True)
class PollResult:
    """A poll as a reader sees it: counts per option (in option order), winners (the
    options with the most votes; several = a tie, none = no votes yet)."""

    poll_id: int
    question: str
    options: list[str]
    counts: list[int]
    winners: list[str]
    closed: bool
    link: str

    @property
    def tally(self) -> dict[str, int]:
        return dict(zip(self.options, self.counts, strict=True))


def _service(bot: HuddleBot) -> PollService:
    return bot.feature_cog("polls").service  # type: ignore[attr-defined]


async def create_poll(
    bot: HuddleBot,
    group_id: int,
    question: str,
    options: Sequence[str],
    *,
    creator_id: int,
    channel_id: int | None = None,
    multiple: bool = False,
    max_choices: int | None = None,
    closes_at: float | None = None,
    hide_results: bool = False,
    on_close: tuple[str, dict[str, Any]] | None = None,
    nudge_hours: int | None = None,
    request_id: str | None = None,
    presentation: Presentation | None = None,
) -> PollResult:
    """Post a poll only the group's members may vote in, in `channel_id` (default: the
    group's channel). The same rules as `/poll create` apply (2–20 distinct options,
    `max_choices` implies `multiple`); a broken rule raises `UserError`. `closes_at` is UTC
    epoch seconds (None: closed by hand or `close_poll`). `nudge_hours`: DM the members
    who haven't voted that many hours before it closes (as `/poll create nudge:`); none
    when that moment is not after now (a shorter vote).

    `request_id` (a feature's own name for this poll, e.g. `cycle:3:1`) makes it once: it
    is stored before the message is posted, so calling again with it (after a crash or a
    failure such as a missing permission) returns that poll, completing what was not done
    (its reactions), instead of posting a second. Without it, a failure leaves nothing.

    `presentation` (`Presentation(intro, option_notes, announce_close)`): a line above the
    options, a note under each (escaped by the caller), and `announce_close=False` for a
    poll whose result the caller announces itself (no "📊 The poll … is closed" line; the
    poll's message still shows it closed with its counts)."""
    group = await groups.get_group(bot.store, group_id)
    if group is None:
        raise NotFound(f"There is no group #{group_id}.")
    channel_id = channel_id or _group_channel(group)
    texts = logic.check_options(list(options))
    rules = logic.check_choices(len(texts), multiple or None, max_choices)
    new = NewPoll(
        guild_id=group.guild_id, channel_id=channel_id, group_id=group.id,
        creator_id=creator_id, question=logic.check_question(question),
        options=texts, multiple=rules.multiple,
        max_choices=rules.max_choices, hide_results=hide_results, closes_at=closes_at,
        on_close=on_close, nudge_hours=nudge_hours if closes_at is not None else None,
        presentation=presentation or Presentation(),
    )  # fmt: skip
    channel = bot.get_partial_messageable(channel_id, guild_id=group.guild_id)
    service = _service(bot)
    if request_id is None:
        poll = await service.create(new, channel)
    else:
        poll = await service.create_once(new, channel, request_id)
    return await _result(service, poll)


def _group_channel(group: groups.GroupRef) -> int:
    if not group.channel_id or group.broken:
        raise UserError(
            f"**{group.name}** has no working channel; a leader can fix it with `/group repair`."
        )
    return group.channel_id


async def poll_result(bot: HuddleBot, poll_id: int) -> PollResult | None:
    """The poll's options, counts, winners and whether it is closed; None if there is no
    such poll. Hidden results are not hidden here: the caller decides who sees them."""
    service = _service(bot)
    poll = await service.polls.get(poll_id)
    if poll is None or poll.status == "pending":
        return None
    return await _result(service, poll)


async def find_poll_by_on_close(bot: HuddleBot, kind: str, **match: Any) -> int | None:
    """The newest posted poll whose `on_close` request is `kind` with a payload holding every
    `match` item, or None. A caller that died right after `create_poll` (before noting the
    poll's id) finds the poll it made this way instead of posting a second one."""
    rows = await bot.store.fetchall(
        "SELECT id, on_close FROM polls WHERE status != 'pending' AND on_close IS NOT NULL"
        " AND json_extract(on_close, '$.kind') = ? ORDER BY id DESC",
        (kind,),
    )
    for row in rows:
        payload = json.loads(row["on_close"]).get("payload") or {}
        if all(payload.get(k) == v for k, v in match.items()):
            return int(row["id"])
    return None


async def close_poll(bot: HuddleBot, poll_id: int) -> PollResult | None:
    """Close the poll now, as `/poll close` does (final recount, closed message,
    announcement, audit line, on_close job). None if there is no such poll; an already
    closed poll is left as it is and its result returned."""
    await _service(bot).close(poll_id)
    return await poll_result(bot, poll_id)


async def _result(service: PollService, poll: Poll) -> PollResult:
    counts, _ = await service.summary(poll)
    report = logic.closing_report(poll.options, counts)
    return PollResult(
        poll_id=poll.id,
        question=poll.question,
        options=list(poll.options),
        counts=counts,
        winners=report["winners"],
        closed=not poll.is_open,
        link=poll.link(),
    )


@dataclass(frozen=True)
class PollParticipation:
    """A group poll and how many distinct members voted in it."""

    group_id: int
    question: str
    created_at: float
    voters: int


async def participation_by_poll(
    store: Store, guild_id: int, since: float, until: float
) -> list[PollParticipation]:
    """Distinct voters of every posted group poll of a server created in [since, until),
    oldest first; one query. (Insights.)"""
    rows = await participation_rows(store, guild_id, since, until)
    return [PollParticipation(r[0], r[1], r[2], r[3]) for r in rows]


async def last_vote_by_group(store: Store, guild_id: int) -> dict[int, float]:
    """The time of the latest vote in each group's polls; one query."""
    return await last_votes(store, guild_id)

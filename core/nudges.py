"""Nudging members who have not answered something yet (a poll's vote, an event's RSVP),
shared by the features that do it (docs/rules.md, "Who hasn't answered").

A nudge is a *round*: at most one per target (a poll, an event) per `GAP` (12 hours),
whoever asks (a leader's command or the scheduled nudge). A round is recorded before
anything is sent; its members go out in batch jobs of the feature's own kind, at most
`BATCH` members each and spread at the DM pace. A batch first *claims* its members (one
row each, so a retried job nudges nobody twice), DMs each one through `bot.dm_pacer`, and
mentions those whose DMs are closed in the group's channel: one message per batch, so at
most 100 mentions, pinging exactly those members.

The feature decides who is still to be nudged (it knows who answered) and writes the
texts; this module keeps the rounds, the claims and the sending.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from core.dms import send_dm
from core.errors import UserError
from core.fit import mention_batches
from core.store import Store
from core.ui import ping_only, ts

if TYPE_CHECKING:
    from core.bot import HuddleBot
    from core.scheduler import Scheduler

log = logging.getLogger(__name__)

GAP = 12 * 3600  # at most one round per target per 12 hours, whoever asks
BATCH = 100  # members per batch job: its channel fallback is one message of ≤100 mentions

Job = tuple[str, float, dict[str, Any], int | None, str | None]


def next_possible(last_round: float | None, now: float) -> float | None:
    """When the next round may start, or None if one may start now."""
    if last_round is None or now - last_round >= GAP:
        return None
    return last_round + GAP


def batch_jobs(
    kind: str,
    user_ids: Sequence[int],
    payload: dict[str, Any],
    guild_id: int,
    key: str,
    now: float,
    dm_rate: float,
) -> list[Job]:
    """The batch jobs of a round: `BATCH` members each, spread at the pace the DMs go
    out anyway, all under one key (one scheduler slot: a big group's nudge never holds up
    other jobs)."""
    spacing = BATCH / dm_rate
    return [
        (kind, now + (i // BATCH) * spacing, {**payload, "user_ids": list(user_ids[i : i + BATCH])},
         guild_id, key)
        for i in range(0, len(user_ids), BATCH)
    ]  # fmt: skip


class NudgeLog:
    """The SQL of rounds and claims (tables `nudge_rounds`, `nudge_sent`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def last_round(self, feature: str, target_id: int) -> float | None:
        value = await self.store.fetchval(
            "SELECT MAX(started_at) FROM nudge_rounds WHERE feature = ? AND target_id = ?",
            (feature, target_id),
        )
        return None if value is None else float(value)

    async def start_round(
        self,
        feature: str,
        target_id: int,
        guild_id: int,
        now: float,
        by: int | None,
        jobs: Sequence[Job] = (),
        scheduler: Scheduler | None = None,
    ) -> float | None:
        """Record a round and schedule its batch `jobs` unless one started within `GAP`:
        None when recorded, else when the next one is possible. Checked and written in one
        transaction, so two leaders pressing at once start one round, and a crash leaves
        either the round with its jobs or neither."""
        async with self.store.transaction() as tx:
            row = await tx.fetchone(
                "SELECT MAX(started_at) FROM nudge_rounds WHERE feature = ? AND target_id = ?",
                (feature, target_id),
            )
            later = next_possible(None if row is None or row[0] is None else float(row[0]), now)
            if later is not None:
                return later
            await tx.execute(
                "INSERT INTO nudge_rounds (feature, target_id, started_at, guild_id, started_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (feature, target_id, now, guild_id, by),
            )
            for kind, due, payload, job_guild, key in jobs:
                assert scheduler is not None, "jobs need the scheduler"
                await scheduler.schedule(kind, due, payload, job_guild, key=key, tx=tx)
        return None

    async def claim(
        self, feature: str, target_id: int, round_at: float, user_ids: Sequence[int]
    ) -> list[int]:
        """Members of this round not nudged yet, now recorded as nudged (before sending)."""
        claimed: list[int] = []
        async with self.store.transaction() as tx:
            for user_id in user_ids:
                cur = await tx.execute(
                    "INSERT INTO nudge_sent (feature, target_id, round_at, user_id)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (feature, target_id, round_at, user_id),
                )
                if cur.rowcount:
                    claimed.append(user_id)
        return claimed

    async def mark_channel(
        self, feature: str, target_id: int, round_at: float, user_ids: Sequence[int]
    ) -> None:
        async with self.store.transaction() as tx:
            await tx.executemany(
                "UPDATE nudge_sent SET method = 'channel' WHERE feature = ? AND target_id = ?"
                " AND round_at = ? AND user_id = ?",
                [(feature, target_id, round_at, u) for u in user_ids],
            )


async def open_round(
    bot: HuddleBot,
    log: NudgeLog,
    subject: tuple[str, int, int],
    batches: tuple[str, str, dict[str, Any]],
    pending: Sequence[int],
    by: int | None,
    what: str,
) -> None:
    """Start a round for `pending` (the polls' and events' `/… nudge` and scheduled nudges):
    its batch jobs, `(kind, key, payload)` (the payload gains `round_at`), recorded for
    `subject` = (feature, target id, guild id) under the 12-hour gap. Raises UserError
    naming `what` ("Poll #3", "**Book talk**") when a round ran within the gap."""
    feature, target_id, guild_id = subject
    kind, key, payload = batches
    now = bot.clock.now()
    jobs = batch_jobs(
        kind, pending, {**payload, "round_at": now}, guild_id, key, now, bot.dm_pacer.rate
    )
    later = await log.start_round(feature, target_id, guild_id, now, by, jobs, bot.scheduler)
    if later is not None:
        raise UserError(
            f"{what}'s members were nudged less than 12 hours ago; the next"
            f" nudge is possible {ts(later, 'R')} ({ts(later, 'f')})."
        )


async def deliver(
    bot: HuddleBot,
    feature: str,
    target_id: int,
    round_at: float,
    user_ids: Sequence[int],
    dm_text: str,
    channel_id: int | None,
    channel_prefix: str,
) -> tuple[int, int]:
    """One batch: claim, DM each (paced), mention in `channel_id` those whose DMs are
    closed. Returns (DMs delivered, mentioned in the channel)."""
    nudges = NudgeLog(bot.store)
    claimed = await nudges.claim(feature, target_id, round_at, user_ids)
    fallback: list[int] = []
    for user_id in claimed:
        async with bot.dm_pacer:
            if not await _dm(bot, user_id, dm_text):
                fallback.append(user_id)
    if not fallback or channel_id is None:
        return len(claimed) - len(fallback), 0
    await nudges.mark_channel(feature, target_id, round_at, fallback)
    channel = bot.get_partial_messageable(channel_id)
    for text, ids in mention_batches(fallback, channel_prefix):
        async with bot.dm_pacer:
            try:
                await channel.send(text, allowed_mentions=ping_only(ids))
            except (discord.NotFound, discord.Forbidden) as exc:
                log.warning("%s %s nudge: channel %s refused: %s", feature, target_id,
                            channel_id, exc)  # fmt: skip
    return len(claimed) - len(fallback), len(fallback)


async def _dm(bot: HuddleBot, user_id: int, text: str) -> bool:
    """True if the DM went out, or failed for a reason a channel mention won't fix."""
    return await send_dm(bot, user_id, text) != "refused"

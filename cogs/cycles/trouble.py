"""A cycle step the bot cannot do (a missing permission, Discord failing) is retried by the
scheduler with backoff; its leaders are told once in the group channel what is wrong,
naming a missing permission as Discord does, and that `/cycle advance` tries again at
once. "Once": the period remembers the problem it told (`told`), and the same
problem is not told again; the message carries a nonce, so a rerun never posts it twice."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.cycles.store import CycleStore
from cogs.groups import api as groups
from core.errors import BotMissingPermission
from core.ui import nonce_for, ping_only

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


def problem_of(error: BaseException) -> tuple[str, str]:
    """(a short key naming the problem, what to tell the leaders)."""
    if isinstance(error, BotMissingPermission):
        return f"perm:{error.permission}", (
            f"I'm missing the **{error.permission}** permission in this channel."
            " A server admin can grant it to my role."
        )
    if isinstance(error, discord.Forbidden):
        return "forbidden", f"Discord refused me ({error.status}: {error.text or 'forbidden'})."
    if isinstance(error, discord.HTTPException):
        return f"http:{error.status}", f"Discord failed ({error.status}); I'll try again."
    return f"error:{type(error).__name__}", "Something went wrong on my side; I'll try again."


async def tell_leaders(bot: HuddleBot, cycles: CycleStore, period_id: int, error: BaseException):
    """Tell the period's leaders once what stops its step; never raises."""
    try:
        key, text = problem_of(error)
        await _tell(bot, cycles, period_id, key, text)
    except Exception:
        log.exception("cycle period %s: could not tell the leaders of %r", period_id, error)


async def tell_note(bot: HuddleBot, cycles: CycleStore, period_id: int, key: str, note: str):
    """Tell the leaders once of something a step could not do although it went on (the
    meeting made without its Discord scheduled event); never raises."""
    try:
        await _tell(bot, cycles, period_id, key, note, stuck=False)
    except Exception:
        log.exception("cycle period %s: could not tell the leaders %r", period_id, note)


async def _tell(
    bot: HuddleBot,
    cycles: CycleStore,
    period_id: int,
    key: str,
    text: str,
    *,
    stuck: bool = True,
) -> None:
    period = await cycles.period(period_id)
    cycle = await cycles.cycle(period.cycle_id) if period else None
    if period is None or cycle is None or cycle.status != "active":
        return
    if period.told == key:
        return
    group = await groups.get_group(bot.store, cycle.group_id)
    if group is None or not group.channel_id:
        return
    leaders = await groups.leader_ids(bot.store, group.id)
    mentions = " ".join(f"<@{u}>" for u in leaders)
    content = (
        f"⚠️ {mentions} **{cycle.name}** is stuck: {text}\n"
        "I keep trying; a leader's `/cycle advance` tries again now."
        if stuck
        else f"ℹ️ {mentions} **{cycle.name}**: {text}"
    )
    channel = bot.get_partial_messageable(group.channel_id, guild_id=group.guild_id)
    await channel.send(
        content,
        nonce=nonce_for(f"cycle-told:{period.id}:{key}"),
        allowed_mentions=ping_only(leaders),
    )
    await cycles.record(period.id, told=key)


async def all_clear(cycles: CycleStore, period_id: int) -> None:
    """The step went through: a later problem is told again."""
    period = await cycles.period(period_id)
    if period is not None and period.told is not None:
        await cycles.record(period_id, told=None)

"""Set-up and checks for bench_big_server: the 1,000-member check-in nudge, the 200 open polls
reconciled at start-up, a restart without the harness's settle, and a watcher that notes
when each fan-out finished.

Set-up is made quickly but through the features' own paths where it matters: the group with
`/group create`, its 999 other members written to `group_members` (as a join would; no
1,000 slash commands), the schedule with `/checkin schedule … nudge`, the polls with
`cogs.polls.api.create_poll`, the votes cast while the bot is down with the emulator's
`react_raw` (no gateway event, as for a bot that is offline)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cogs.polls import api as polls_api
from core.bot import HuddleBot
from core.clock import Clock
from core.letters import letter
from tests.emulator.harness import READY_TIMEOUT, settings_for, stop_bot
from tests.emulator.server import Emulator
from tests.support.groups import slash

NUDGE_GROUP = "Nudge Club"
NUDGE_DM = "Friendly nudge"
NUDGE_MENTION = "Nudge: you haven't checked in"
POLL_OPTIONS = ("Yes", "No", "Maybe")
MENTION = re.compile(r"<@(\d+)>")


# -- the 1,000-member check-in nudge ------------------------------------------------------


@dataclass
class NudgeGroup:
    group_id: int
    channel_id: int
    members: list[Any]  # UserHandles, Alice (the leader) first
    closed: set[int]  # members whose DMs are closed: mentioned in the channel instead
    job_id: int = 0

    @property
    def open_ids(self) -> list[int]:
        return [u.id for u in self.members if u.id not in self.closed]


async def make_nudge_group(
    bot: HuddleBot, handle: Any, people: list[Any], size: int, closed_every: int
) -> NudgeGroup:
    """Alice's group of `size` members (her and `people[: size - 1]`), every
    `closed_every`-th of them with DMs closed, scheduled daily with a 1-hour nudge; the
    current period's prompt is posted now, which arms the nudge (due in about an hour:
    the benchmark moves it into the measured window)."""
    guild_id = handle.guild.id
    await bot.config.set(guild_id, "timezone", "UTC")
    r = await slash(handle.alice, "group create", name=NUDGE_GROUP, description="Everyone")
    group_id = await bot.store.fetchval("SELECT id FROM groups WHERE name = ?", (NUDGE_GROUP,))
    assert group_id, r.text
    channel_id = int(
        await bot.store.fetchval("SELECT channel_id FROM groups WHERE id = ?", (group_id,))
    )
    others = people[: size - 1]
    async with bot.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
            " VALUES (?, ?, ?, 0, ?)",
            [(guild_id, group_id, u.id, time.time()) for u in others],
        )
    members = [handle.alice, *others]
    assert await bot.store.fetchval(
        "SELECT COUNT(*) FROM group_members WHERE group_id = ?", (group_id,)
    ) == len(members)
    closed = {u.id for n, u in enumerate(members) if n % closed_every == closed_every - 1}
    for u in members:
        if u.id in closed:
            u.close_dms()
    # Daily at (now + 2 h): the current period opened 22 h ago and closes in 2 h, so its
    # nudge (1 h before the close) is still ahead.
    at = (datetime.now(UTC) + timedelta(hours=2)).strftime("%H:%M")
    r = await handle.alice.slash(
        "checkin schedule", group=NUDGE_GROUP, cadence="daily", time=at, nudge=1
    )
    assert not r.text.startswith("Sorry"), r.text
    key = f"checkin:{group_id}"
    now = time.time()
    await bot.store.execute(  # the prompt job is for tomorrow: post today's prompt now
        "UPDATE jobs SET due_at = ?, asked_for = ? WHERE kind = 'checkin.prompt' AND key = ?",
        (now, now, key),
    )
    await bot.scheduler.schedule_many([])  # wakes the scheduler
    group = NudgeGroup(group_id, channel_id, members, closed)
    deadline = time.monotonic() + 60
    while not group.job_id:
        assert time.monotonic() < deadline, "the prompt armed no nudge"
        await asyncio.sleep(0.05)
        group.job_id = (
            await bot.store.fetchval(
                "SELECT id FROM jobs WHERE kind = 'checkin.nudge' AND key = ?", (key,)
            )
            or 0
        )
    return group


# -- 200 open polls, votes cast while the bot is down --------------------------------------


@dataclass
class OpenPolls:
    polls: list[tuple[int, int]]  # (poll id, message id)
    expected: dict[int, set[tuple[int, int]]] = field(default_factory=dict)  # votes to count
    to_remove: dict[int, set[tuple[int, str]]] = field(default_factory=dict)  # (user, emoji)

    @property
    def votes(self) -> int:
        return sum(len(v) for v in self.expected.values())

    @property
    def removals(self) -> int:
        return sum(len(v) for v in self.to_remove.values())


async def make_polls(
    bot: HuddleBot, group: NudgeGroup, channels: list[int], count: int
) -> OpenPolls:
    """`count` single-choice polls of the nudge group, one per channel in turn (as polls
    of 200 groups would be), made with the polls API."""
    made = []
    for n in range(count):
        result = await polls_api.create_poll(
            bot, group.group_id, f"Bench poll {n}?", POLL_OPTIONS,
            creator_id=group.members[0].id, channel_id=channels[n % len(channels)],
        )  # fmt: skip
        made.append(result.poll_id)
    rows = await bot.store.fetchall(
        f"SELECT id, message_id FROM polls WHERE id IN ({','.join('?' * len(made))})", made
    )
    by_id = {r["id"]: int(r["message_id"]) for r in rows}
    return OpenPolls([(poll_id, by_id[poll_id]) for poll_id in made])


def cast_votes_while_down(
    emu: Emulator, polls: OpenPolls, group: NudgeGroup, outsiders: list[Any], voters: int
) -> None:
    """Per poll: `voters` members react (option k % 3); every 15th of them also reacts a
    second option (single choice: reconcile keeps the first in option order, removes the
    other); one non-member reacts (removed, not counted). Nothing is dispatched."""
    members = group.members
    for p, (poll_id, message_id) in enumerate(polls.polls):
        expected, remove = set(), set()
        for k in range(voters):
            user = members[(p * 37 + k) % len(members)].id
            option = k % len(POLL_OPTIONS)
            emu.react_raw(message_id, user, letter(option))
            expected.add((user, option))
            if k % 15 == 0:  # option 0: the extra 🇨 goes
                emu.react_raw(message_id, user, letter(2))
                remove.add((user, letter(2)))
        outsider = outsiders[p % len(outsiders)].id
        emu.react_raw(message_id, outsider, letter(1))
        remove.add((outsider, letter(1)))
        polls.expected[poll_id] = expected
        polls.to_remove[poll_id] = remove


async def votes_counted_exactly(bot: HuddleBot, polls: OpenPolls) -> tuple[bool, int]:
    """Whether every poll's stored votes are exactly the expected ones; the count stored."""
    rows = await bot.store.fetchall(
        "SELECT poll_id, user_id, option FROM poll_votes WHERE poll_id IN"
        f" ({','.join('?' * len(polls.polls))})",
        [p for p, _ in polls.polls],
    )
    stored: dict[int, set[tuple[int, int]]] = {p: set() for p, _ in polls.polls}
    for r in rows:
        stored[r["poll_id"]].add((r["user_id"], r["option"]))
    return stored == polls.expected, len(rows)


def removals_done(emu: Emulator, polls: OpenPolls) -> int:
    """How many of the reactions reconcile must remove are gone from the messages."""
    gone = 0
    for poll_id, message_id in polls.polls:
        reactions = emu.world.reactions.get(message_id, {})
        gone += sum(1 for user, emoji in polls.to_remove[poll_id]
                    if user not in reactions.get(emoji, []))  # fmt: skip
    return gone


# -- restarting ---------------------------------------------------------------------------


async def restart_bot(
    emu: Emulator,
    old: HuddleBot,
    db_path: Path,
    handlers: dict[str, Any],
    while_down: Callable[[], None],
) -> tuple[HuddleBot, float]:
    """Stop `old`, run `while_down`, start a new bot on the same database with `handlers`
    registered before its scheduler may run; returns it and the time it was READY (its
    start-up poll reconcile begins then). Unlike `harness.start_bot`, no settle: the
    measured window begins at once."""
    await stop_bot(old)
    while_down()
    settings = settings_for(emu, db_path)
    bot = HuddleBot(settings, clock=Clock(), guild_ready_timeout=0.05)

    async def no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
        pass

    bot.before_identify_hook = no_identify_delay  # type: ignore[method-assign]
    for kind, handler in handlers.items():
        bot.scheduler.register(kind, handler)
    task = asyncio.create_task(bot.start(settings.token), name="huddle-bot")
    bot._emulator_task = task  # type: ignore[attr-defined]
    await asyncio.wait_for(bot.wait_until_ready(), READY_TIMEOUT * 3)
    return bot, time.perf_counter()


# -- watching the fan-outs ----------------------------------------------------------------


class Watcher:
    """Every 0.25 s: reminder DMs delivered, nudge DMs and channel mentions; the time
    (perf_counter) each first reached its target, and the time of the last nudge."""

    def __init__(self, handle: Any, going: list[Any], group: NudgeGroup) -> None:
        self.handle = handle
        self.going = going
        self.group = group
        self.reminders = self.nudge_dms = self.nudge_mentions = 0
        self.reminders_at: float | None = None
        self.nudge_at: float | None = None
        self.nudge_first: float | None = None
        self._task: asyncio.Task[None] | None = None

    def count(self) -> None:
        self.reminders = sum(1 for u in self.going if u.dm_messages())
        self.nudge_dms = sum(
            1 for u in self.group.members
            if any(NUDGE_DM in m["content"] for m in u.dm_messages())
        )  # fmt: skip
        mentioned: set[int] = set()
        for m in self.handle.messages(self.group.channel_id):
            if NUDGE_MENTION in m["content"]:
                mentioned.update(int(x) for x in MENTION.findall(m["content"]))
        self.nudge_mentions = len(mentioned)

    @property
    def nudged(self) -> int:
        return self.nudge_dms + self.nudge_mentions

    @property
    def done(self) -> bool:
        return self.reminders_at is not None and self.nudge_at is not None

    async def _watch(self) -> None:
        while True:
            self.count()
            now = time.perf_counter()
            if self.reminders_at is None and self.reminders >= len(self.going):
                self.reminders_at = now
            if self.nudge_first is None and self.nudged:
                self.nudge_first = now
            if self.nudge_at is None and self.nudged >= len(self.group.members):
                self.nudge_at = now
            await asyncio.sleep(0.25)

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self.count()

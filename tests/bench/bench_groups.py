"""Groups benchmark: one server with 250 groups and 5,000 memberships.

Measures, against the in-process Discord emulator and the real bot:
  1. REST calls per `/group create` and per `/group join` (with and without the
     interaction callback, which is itself a call);
  2. latency of the `/group list` and autocomplete store/query path (GroupStore.summaries
     plus rendering, cold and cached; api.group_choices), p50/p99;
  3. latency of whole round trips through the emulator: an autocomplete interaction and a
     `/group list` interaction (dispatch → bot → callback), p50/p99.

Run: .venv/bin/python -m tests.bench.bench_groups [--groups 250] [--memberships 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import tempfile
import time
from pathlib import Path

from cogs.groups import render
from cogs.groups.api import group_choices
from cogs.groups.store import GroupStore
from core.clock import FakeClock
from tests.emulator import Emulator
from tests.emulator.harness import start_bot, stop_bot
from tests.support.groups import create

CALLBACK = r"/interactions/\d+/[^/]+/callback$"
CREATED_BY_COMMAND = 20  # real roles/channels; the rest are rows (250 roles is Discord's cap)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def calls(emu: Emulator) -> tuple[int, int]:
    total = len(emu.requests)
    return total, total - emu.count_requests("POST", CALLBACK)


async def bench_create(emu, guild, users) -> list[tuple[int, int, int]]:
    """(with callback, without, voice channels made) per create."""
    out = []
    for i in range(CREATED_BY_COMMAND):
        emu.reset_requests()
        voice = i % 4 == 3
        r = await create(users[i % len(users)], f"Bench {i:03d}", voice=voice)
        assert "Created" in r.text, r.text
        out.append((*calls(emu), int(voice)))
    return out


async def bench_join(emu, guild, users) -> list[tuple[int, int]]:
    out = []
    for i, user in enumerate(users):
        emu.reset_requests()
        r = await user.slash("group join", group=f"Bench {i % CREATED_BY_COMMAND:03d}")
        assert "joined" in r.text or "already" in r.text, r.text
        if "joined" in r.text:
            out.append(calls(emu))
    return out


async def populate(bot, guild_id: int, groups: int, memberships: int) -> None:
    """The remaining groups and memberships as rows, the way the bot stores them."""
    rng = random.Random(3)
    now = bot.clock.now()
    existing = await bot.store.fetchval(
        "SELECT COUNT(*) FROM groups WHERE guild_id = ?", (guild_id,)
    )
    async with bot.store.transaction() as tx:
        for i in range(existing, groups):
            vis = ("open", "open", "request", "invite")[i % 4]
            await tx.execute(
                "INSERT INTO groups (guild_id, name, name_key, description, visibility,"
                " max_members, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    guild_id,
                    f"Group {i:03d}",
                    f"group {i:03d}",
                    "A group for benchmarking.",
                    vis,
                    25,
                    10_000 + i,
                    now,
                ),
            )
        ids = [
            r["id"]
            for r in await tx.fetchall("SELECT id FROM groups WHERE guild_id = ?", (guild_id,))
        ]
        have = (await tx.fetchone("SELECT COUNT(*) AS n FROM group_members"))["n"]
        pairs = set()
        while len(pairs) < memberships - have:
            pairs.add((rng.choice(ids), rng.randrange(20_000, 21_500)))
        await tx.executemany(
            "INSERT OR IGNORE INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(guild_id, g, u, int(u % 17 == 0), now) for g, u in pairs],
        )


ARRIVALS: dict[str, list[float]] = {}


async def round_trip(emu, user, kind: int, command: str, options: dict, focused=None) -> None:
    """Dispatch an interaction and wait for the bot's callback: the time a member waits.
    (UserHandle.slash/autocomplete also wait for 30 ms of quiet afterwards; not here.)
    Also records when the callback request reached the emulator, before the emulator
    validates it against the OpenAPI spec: the bot's own share of the round trip."""
    data = user._command_data(command, options, focused=focused)
    inter, payload = user._base(kind, user._channel_id(None))
    payload["data"] = data
    start = time.monotonic()
    await emu.dispatch("INTERACTION_CREATE", payload)
    await asyncio.wait_for(inter.responded.wait(), 5)
    arrived = [r.time for r in emu.find_requests("POST", CALLBACK) if r.time >= start]
    if arrived:
        ARRIVALS.setdefault(command, []).append((arrived[0] - start) * 1000)


async def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def run(groups: int, memberships: int, n: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)
    emu = Emulator(clock=FakeClock(1_800_000_000.0))
    await emu.start()
    guild = emu.create_guild(name="Bench")
    users = [guild.add_member(f"user{i}") for i in range(40)]
    tmp = Path(tempfile.mkdtemp())
    bot = await start_bot(
        emu, tmp / "huddle.db", FakeClock(1_800_000_000.0), extensions=["cogs.admin", "cogs.groups"]
    )
    try:
        await bot.config.set(guild.id, "groups.max_per_member", 300)
        created = await bench_create(emu, guild, users)
        joins = await bench_join(emu, guild, users[1:])
        await populate(bot, guild.id, groups, memberships)
        count = await bot.store.fetchval("SELECT COUNT(*) FROM groups")
        members = await bot.store.fetchval("SELECT COUNT(*) FROM group_members")
        bot.get_cog("Groups").store.forget_cache()  # rows were written behind its back
        gs = GroupStore(bot.store)

        async def list_path():
            render.list_pages(await gs.summaries(guild.id), 25)

        async def list_path_cold():
            gs.forget_cache()
            await list_path()

        prefixes = ["", "gr", "group 1", "bench", "9", "zz"]
        rng = random.Random(5)

        async def choice_path():
            scope = rng.choice(["joinable", "member", "leader", "all"])
            await group_choices(bot.store, guild.id, users[0].id, rng.choice(prefixes), scope)

        async def ac_round_trip():
            await round_trip(
                emu, users[2], 4, "group join", {"group": rng.choice(prefixes)}, "group"
            )

        async def list_round_trip():
            await round_trip(emu, users[3], 2, "group list", {})

        rows = [
            ("store: /group list, uncached", await timed(list_path_cold, n)),
            ("store: /group list, cached summaries", await timed(list_path, n)),
            ("store: group_choices (autocomplete)", await timed(choice_path, n)),
            ("round trip: autocomplete interaction", await timed(ac_round_trip, n // 5)),
            ("  of which until the callback arrives", ARRIVALS.get("group join", [0.0])),
            ("round trip: /group list interaction", await timed(list_round_trip, n // 5)),
            ("  of which until the callback arrives", ARRIVALS.get("group list", [0.0])),
        ]
        report(count, members, created, joins, rows, len(emu.violations))
    finally:
        await stop_bot(bot)
        await emu.stop()


def report(count, members, created, joins, rows, violations) -> None:
    print(f"\nserver: {count} groups, {members} memberships; spec violations: {violations}\n")
    print(f"{'REST calls':<42}{'median':>8}{'max':>6}   (n)")
    plain = [c for c in created if not c[2]]
    voice = [c for c in created if c[2]]
    for label, data in (
        ("/group create, incl. callback", [c[0] for c in plain]),
        ("/group create, excl. callback", [c[1] for c in plain]),
        ("/group create +voice, incl. callback", [c[0] for c in voice]),
        ("/group create +voice, excl. callback", [c[1] for c in voice]),
        ("/group join, incl. callback", [j[0] for j in joins]),
        ("/group join, excl. callback", [j[1] for j in joins]),
    ):
        print(f"{label:<42}{statistics.median(data):>8.0f}{max(data):>6}   ({len(data)})")
    print(f"\n{'latency (ms)':<42}{'p50':>8}{'p99':>8}{'max':>8}   (n)")
    for label, values in rows:
        print(
            f"{label:<42}{pct(values, 0.5):>8.2f}{pct(values, 0.99):>8.2f}"
            f"{max(values):>8.2f}   ({len(values)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=250)
    parser.add_argument("--memberships", type=int, default=5000)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.memberships, args.n))


if __name__ == "__main__":
    main()

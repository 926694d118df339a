"""Polls benchmark: 10,000 reaction events from 1,000 members, unthrottled, to Huddle and to
a bare discord.py client that only counts them; then `/poll results` and its autocomplete
under 200 concurrent users against a bare `/ping`.

Design (fair by construction):
- Three processes. This one runs the emulator and is the feeder; Huddle (the real bot with
  every feature extension) and the bare client (a commands.Bot with Huddle's intents, only
  counting on_raw_reaction_add/remove, plus a /ping) each run in their own process
  (tests/bench/bench_polls_child.py), one after the other in the same run, so each has a
  core to itself next to the feeder, and CPU and RSS are each process's own.
- The MESSAGE_REACTION_ADD/REMOVE gateway frames are JSON-encoded before the clock starts
  (with the receiving session's sequence numbers) and written to the websocket in a tight
  loop, as fast as the socket takes them: the feed outruns both consumers (the feed rate is
  printed next to theirs).
- events/s = events processed / (last processed − first frame sent), on the shared
  monotonic clock. Processed: Huddle, the vote committed to SQLite; bare, the listener
  ran. CPU: each process's process_time() over the same window (all its threads, so
  Huddle's SQLite thread counts). Idle RSS: VmRSS after 2 s idle, connected, 1,000 members
  cached (Huddle: the poll open).
- Exact count: the votes stored in SQLite equal, pair by pair, the (member, option) pairs
  still reacted at the end of the stream.
- Interactions: rounds of 200 INTERACTION_CREATE dispatched at once from 200 members,
  answer time = dispatch → callback received by the emulator; kinds interleaved round by
  round. Huddle: /poll results, its poll autocomplete and a /ping in the same process; the
  bare client: the same /ping (one cog in bench_polls_child, not the emulator's test-only
  /ping, whose import brought the emulator package into Huddle's memory).

Then, once: the counts after a restart + close with a clean-up backlog (bench_polls_lag).

Run: .venv/bin/python -m tests.bench.bench_polls [--runs 3] [--rate N] [--profile DIR] [--no-lag]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cogs.polls import logic
from tests.bench import bench_polls_lag
from tests.emulator import Emulator
from tests.emulator.rest.reactions import reaction_event

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 1_000
EVENTS = 10_000
OPTIONS = 10
CONCURRENT = 200
ROUNDS = 3  # measured rounds of CONCURRENT per interaction kind


def plan(members: list[int], rng: random.Random) -> list[tuple[int, str, bool]]:
    """EVENTS toggles (user, emoji, add?) that are valid reaction changes on Discord."""
    held: set[tuple[int, str]] = set()
    out = []
    emojis = [logic.option_emoji(i) for i in range(OPTIONS)]
    while len(out) < EVENTS:
        key = (rng.choice(members), rng.choice(emojis))
        added = key not in held
        (held.add if added else held.discard)(key)
        out.append((key[0], key[1], added))
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Child:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, role: str, emu: Emulator, db: Path, env: dict[str, str]) -> Child:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bench.bench_polls_child", role,
            cwd=str(ROOT),
            env={
                **os.environ, **env,
                "DISCORD_TOKEN": emu.token, "DISCORD_API_BASE": emu.api_base,
                "DISCORD_GATEWAY_URL": emu.gateway_url, "DATABASE_PATH": str(db),
            },
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=(db.parent / f"{role}.stderr").open("wb"),
            limit=2**24,
        )  # fmt: skip
        child = cls(proc)
        place(proc.pid, CONSUMER_CPU)  # before it connects: all its threads follow
        await child.read("ready")
        await emu.settle()
        return child

    async def read(self, key: str, wait: float = 120) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), wait)
            if not line:
                raise AssertionError(f"child exited before {key!r}")
            msg = json.loads(line)
            if key in msg:
                return msg

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")

    async def ask(self, line: str, key: str) -> dict[str, Any]:
        self.send(line)
        return await self.read(key)

    async def quit(self) -> None:
        self.send("quit")
        try:
            await asyncio.wait_for(self.proc.wait(), 15)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


STALL = float(os.environ.get("BENCH_STALL", "0"))  # see feed()
# Where the processes run. "free" (default): left to the OS, as a real bot runs;
# "split": the feeder (this process) on one core, each consumer on the other (Huddle's
# SQLite thread then shares its loop's core: ~5x the involuntary context switches, ratio
# median 0.87 vs 0.90 free); "same": all on one core. Core placement was suspected for the
# slow mode and ruled out: "same" was no slower than "split" on a loaded machine.
PLACEMENT = os.environ.get("BENCH_PLACEMENT", "free")
FEEDER_CPU, CONSUMER_CPU = 0, 1


def place(pid: int, cpu: int) -> None:
    if PLACEMENT == "free" or (os.cpu_count() or 1) < 2:
        return
    os.sched_setaffinity(pid, {FEEDER_CPU if PLACEMENT == "same" else cpu})


async def feed(emu: Emulator, child: Child, datas: list[tuple[str, dict]], rate: float | None):
    """Pre-encode the frames for the child's session, then write them as fast as the socket
    takes them (or at `rate` events/s). → (sent at, per frame; feed seconds; child's done).

    BENCH_STALL=<s> stops the child (SIGSTOP) for that long while the feed starts, so the
    whole burst is waiting when it wakes: the consumer meets the worst backlog on purpose
    (a slow mode once seen came with a feed faster than the consumer)."""
    session = emu.gateway.live_sessions()[-1]
    ws = session.ws
    assert ws is not None
    base = session.seq
    frames = [
        json.dumps({"op": 0, "t": t, "s": base + i + 1, "d": d}) for i, (t, d) in enumerate(datas)
    ]
    session.seq += len(frames)
    await child.ask(f"arm {len(frames)}", "armed")
    if STALL:
        os.kill(child.proc.pid, signal.SIGSTOP)
        asyncio.get_running_loop().call_later(STALL, os.kill, child.proc.pid, signal.SIGCONT)
    sent: list[float] = []
    mono = time.monotonic
    start = mono()
    for n, frame in enumerate(frames):
        sent.append(mono())
        await ws.send_str(frame)
        if rate and n % 10 == 0:
            await asyncio.sleep(max(0.0, start + n / rate - mono()))
    fed = mono() - start
    done = await child.read("done")
    return sent, fed, done


async def interactions(emu: Emulator, guild, users, kinds: dict[str, tuple]) -> dict[str, list]:
    """Rounds of CONCURRENT interactions at once, kinds interleaved; → kind → answer times."""

    def build(kind: str, user) -> tuple[Any, dict]:
        type_, command, options, focused = kinds[kind]
        inter, payload = user._base(type_, int(guild.general))
        payload["data"] = user._command_data(command, options, focused=focused)
        return inter, payload

    async def one(inter, payload) -> float:
        started = time.perf_counter()
        await emu.dispatch("INTERACTION_CREATE", payload)
        await asyncio.wait_for(inter.responded.wait(), 60)
        return time.perf_counter() - started

    async def round_of(kind: str, n: int) -> list[float]:
        batch = [build(kind, users[i % len(users)]) for i in range(n)]
        return list(await asyncio.gather(*(one(i, p) for i, p in batch)))

    for kind in kinds:  # warm up
        await round_of(kind, 20)
    out: dict[str, list] = {k: [] for k in kinds}
    for _ in range(ROUNDS):
        for kind in kinds:
            out[kind] += await round_of(kind, CONCURRENT)
            await emu.settle()
    return out


async def run(rate: float | None = None, profile: Path | None = None) -> dict[str, Any]:
    emu = Emulator(clock=None)
    await emu.start()
    handle = emu.create_guild(name="Bench")
    tmp = Path(tempfile.mkdtemp(prefix="bench_polls_"))
    members = [handle.add_member(f"m{i}") for i in range(MEMBERS)]
    events = plan([m.id for m in members], random.Random(1))
    out: dict[str, Any] = {"tmp": str(tmp)}
    try:
        # -- Huddle -------------------------------------------------------------------
        env = {"BENCH_PROFILE": str(profile / "huddle.txt")} if profile else {}
        huddle = await Child.start("huddle", emu, tmp / "huddle.db", env)
        options = ";".join(f"Option {i}" for i in range(OPTIONS))
        r = await handle.alice.slash(
            "poll create", question="Bench?", options=options, multiple=True
        )
        assert "posted" in r.text, r.text
        message = next(m for m in reversed(handle.messages(handle.general)) if m.get("embeds"))
        mid = int(message["id"])
        await emu.settle(quiet=0.2)
        datas = [
            (
                "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE",
                reaction_event(emu, handle.guild, message, user, emoji, added),
            )
            for user, emoji, added in events
        ]
        held: set[tuple[int, int]] = set()
        for user, emoji, added in events:  # the message's reactions at the end of the stream
            key = (user, logic.emoji_option(emoji, OPTIONS))
            (held.add if added else held.discard)(key)  # type: ignore[arg-type]
            (emu.react_raw if added else emu.unreact_raw)(mid, user, emoji)
        out["huddle_rss"] = (await huddle.ask("idle", "rss_kib"))["rss_kib"]
        emu.reset_requests()
        sent, fed, done = await feed(emu, huddle, datas, rate)
        out["feed_eps"] = len(datas) / fed
        out["huddle"] = done
        out["huddle_eps"] = done["count"] / (done["done"] - sent[0])
        lat = [t - s for t, s in zip(done["t"], sent, strict=False)]
        out["huddle_lat"] = (pct(lat, 0.5), pct(lat, 0.99))
        out["huddle_cpu"] = done["cpu_s"]
        await asyncio.sleep(3.5)  # the trailing live edit
        out["edits"] = emu.count_requests("PATCH", rf"/channels/\d+/messages/{mid}$")
        poll_id = 1
        kinds = {
            "results": (2, "poll results", {"poll": str(poll_id)}, None),
            "autocomplete": (4, "poll results", {"poll": "Ben"}, "poll"),
            # the other kinds of autocomplete (target: every one within 2x of a bare answer)
            "group_ac": (
                4,
                "poll create",
                {"question": "Q?", "options": "A;B", "group": "Bo"},
                "group",
            ),
            "closes_ac": (
                4,
                "poll create",
                {"question": "Q?", "options": "A;B", "closes": "friday 7pm"},
                "closes",
            ),
            "ping": (2, "ping", {}, None),
        }
        if profile:
            await huddle.ask("profile start -", "profiled")
        out["huddle_inter"] = await interactions(emu, handle, members[:CONCURRENT], kinds)
        if profile:
            await huddle.ask("profile stop huddle_interactions", "profiled")
        await huddle.quit()
        with sqlite3.connect(tmp / "huddle.db") as db:
            stored = set(db.execute("SELECT user_id, option FROM poll_votes WHERE poll_id = 1"))
        out["stored"], out["expected"], out["exact"] = len(stored), len(held), stored == held

        # -- the bare client ------------------------------------------------------------
        env = {"BENCH_PROFILE": str(profile / "bare.txt")} if profile else {}
        bare = await Child.start("bare", emu, tmp / "bare.db", env)
        out["bare_rss"] = (await bare.ask("idle", "rss_kib"))["rss_kib"]
        sent, fed, done = await feed(emu, bare, datas, rate)
        out["feed_eps_bare"] = len(datas) / fed
        out["bare"] = done
        out["bare_eps"] = done["count"] / (done["done"] - sent[0])
        lat = [t - s for t, s in zip(done["t"], sent, strict=False)]
        out["bare_lat"] = (pct(lat, 0.5), pct(lat, 0.99))
        out["bare_cpu"] = done["cpu_s"]
        if profile:
            await bare.ask("profile start -", "profiled")
        out["bare_inter"] = await interactions(
            emu, handle, members[:CONCURRENT], {"ping": kinds["ping"]}
        )
        if profile:
            await bare.ask("profile stop bare_interactions", "profiled")
        await bare.quit()
        out["violations"] = len(emu.violations)
    finally:
        await emu.stop()
    return out


def figures(o: dict[str, Any]) -> dict[str, float]:
    """The headline numbers of one run."""
    ms = {
        f"{who}_{kind}_{q}": 1000 * pct(o[f"{who}_inter"][kind], p)
        for who, kinds in (
            ("huddle", ("results", "autocomplete", "group_ac", "closes_ac", "ping")),
            ("bare", ("ping",)),
        )
        for kind in kinds
        for q, p in (("p50", 0.5), ("p99", 0.99))
    }
    return {
        "feed_eps": min(o["feed_eps"], o["feed_eps_bare"]),
        "huddle_eps": o["huddle_eps"],
        "bare_eps": o["bare_eps"],
        "eps_ratio": o["huddle_eps"] / o["bare_eps"],
        "huddle_cpu_s": o["huddle_cpu"],
        "bare_cpu_s": o["bare_cpu"],
        "cpu_ratio": o["huddle_cpu"] / o["bare_cpu"],
        "huddle_lat_p50_ms": 1000 * o["huddle_lat"][0],
        "huddle_lat_p99_ms": 1000 * o["huddle_lat"][1],
        "bare_lat_p50_ms": 1000 * o["bare_lat"][0],
        "bare_lat_p99_ms": 1000 * o["bare_lat"][1],
        **ms,
        "results_p99_vs_bare_ping_p99": ms["huddle_results_p99"] / ms["bare_ping_p99"],
        **{
            f"{kind}_{q}_vs_bare_ping_{q}": ms[f"huddle_{kind}_{q}"] / ms[f"bare_ping_{q}"]
            for kind in ("autocomplete", "group_ac", "closes_ac")
            for q in ("p50", "p99")
        },
        "huddle_rss_mib": o["huddle_rss"] / 1024,
        "bare_rss_mib": o["bare_rss"] / 1024,
        "rss_ratio": o["huddle_rss"] / o["bare_rss"],
        "edits": o["edits"],
        "stored_votes": o["stored"],
        "expected_votes": o["expected"],
        "exact": float(o["exact"]),
        "violations": o["violations"],
        **gc_figures("huddle", o["huddle"]),
        **gc_figures("bare", o["bare"]),
        "huddle_batches": o["huddle"].get("batches", 0),
        "huddle_involuntary_switches": o["huddle"].get("switches", [0, 0])[1],
        "bare_involuntary_switches": o["bare"].get("switches", [0, 0])[1],
    }


def gc_figures(who: str, done: dict[str, Any]) -> dict[str, float]:
    """The collector's work in the window: full (gen 2) collections and all pauses."""
    stats = done.get("gc") or {}
    if not stats:
        return {}
    return {
        f"{who}_gc2_runs": stats["2"][0],
        f"{who}_gc_pause_ms": 1000 * sum(v[1] for v in stats.values()),
        f"{who}_gc2_pause_ms": 1000 * stats["2"][1],
        f"{who}_objects_k": done.get("gc_objects", 0) / 1000,
    }


def report(runs: list[dict[str, float]]) -> str:
    keys = list(runs[0])
    rows = [("figure", *[f"run {i + 1}" for i in range(len(runs))], "median")]
    for key in keys:
        values = [r[key] for r in runs]
        med = statistics.median(values)
        fmt = "{:,.2f}" if abs(med) < 10 else "{:,.0f}"
        rows.append((key, *[fmt.format(v) for v in values], fmt.format(med)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=None, help="pace the feed (events/s)")
    parser.add_argument("--profile", type=Path, default=None, help="pyinstrument Huddle into DIR")
    parser.add_argument(
        "--no-lag", action="store_true", help="skip the restart + close with a clean-up backlog"
    )
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    runs = []
    place(os.getpid(), FEEDER_CPU)
    for n in range(args.runs):
        o = await run(args.rate, args.profile)
        runs.append(figures(o))
        print(f"run {n + 1} done ({o['tmp']})", file=sys.stderr)
    print(f"== placement: {PLACEMENT} (BENCH_PLACEMENT=split|same|free)")
    print(
        f"== {EVENTS:,} reaction events from {MEMBERS:,} members, "
        f"{'unthrottled' if not args.rate else f'paced at {args.rate:,.0f}/s'}; "
        f"{CONCURRENT} concurrent interactions x {ROUNDS} rounds per kind"
    )
    print(report(runs))
    if not args.no_lag:
        lag = await bench_polls_lag.run(lambda role, emu, db: Child.start(role, emu, db, {}))
        print(
            f"== exact while the clean-up lags: {bench_polls_lag.EVENTS:,} toggles, "
            f"{bench_polls_lag.OPTIONS} options, single choice, Discord's reaction pace, "
            "restart in the middle of the clean-up, then /poll close"
        )
        for key, value in lag.items():
            print(f"{key}: {value}")


def test_bench_polls() -> None:
    o = asyncio.run(run())
    f = figures(o)
    print("\n" + report([f]))
    assert o["exact"], (o["stored"], o["expected"])


if __name__ == "__main__":
    asyncio.run(main())

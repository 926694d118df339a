"""Big-server benchmark: one 30,000-member server under Discord's rate limits.

The whole bot (all features) runs against the emulator with its Discord-like rate limits
on (per-route buckets, 50 requests/s global), on the real clock. Set-up (not measured):
30,000 members, 200 group channels, an event with 2,000 members Going and DM reminders
on (made with `/config reminders` and `/event create`, the RSVPs written to the database
as the RSVP button would); a real group of 1,000 members (`/group create`, the other 999
written to `group_members` as joins would), every 5th with DMs closed, scheduled with
`/checkin schedule … nudge:1` and its current prompt posted, which arms the nudge; 200
open single-choice polls of that group, one in each group channel (`polls.api.create_poll`).
"Ordinary" jobs each post one message in a group's channel, like a check-in prompt or a
poll close. Three measured phases, in order:

  A. 500 ordinary jobs due at the same instant, nothing else running (the baseline: 500
     sends under the 50 requests/s global limit need ≥ 10 s whatever the bot does);
  (between A and B the bot restarts: while it is down, 30 members vote on each poll, every
  15th of them on a second option too, and one non-member; the new bot's start-up
  reconcile of the 200 polls begins when it is READY, one second before B falls due)
  B. the same 500 due at the same instant as the event's real reminder job, whose fan-out
     (2,000 paced DMs + mention messages) then runs for minutes, and the group's real
     nudge job (1,000 members: 800 DMs, 200 mentioned in the channel, at most 100 per
     message, in batch jobs of 25), while the poll reconcile runs;
  C. while those fan-outs still run, 500 ordinary jobs due spread evenly over 60 s (as
     prompts across groups would be): here "p99 < 1 s" is a meaningful target.

For each phase: start lateness (handler start − due time) and completion (message sent −
due time), p50/p99/max. The fan-out must not hold ordinary jobs up: B ≈ A, C < 1 s. While
B and C run, a member runs a slash command every 0.5 s (target: every answer < 3 s).
Also reported: when the reminder DMs and the nudge (DMs + mentions) were all out, counted
from the due time (both share `bot.dm_pacer`, 5/s); when the start-up reconcile finished;
whether the votes cast while down are stored exactly (the expected set, computed from the
reconcile rule: the first option in option order kept, non-members not counted) and the
extra reactions removed; REST calls/s, 429s (target 0: the bot paces itself under the
global limit, `core.pacing`), how often the global pacer made a request wait, the worst
event-loop stall (a 50 ms ticker; the emulator shares the process, so a stall may be
either's), and the peak RSS (an upper bound for the bot).

About discord.py's "Can't keep up, websocket is 41.3s behind": a false alarm against the
in-process emulator. Its keep-alive thread records the heartbeat's send time only after the
send future returns; the emulator, on the same loop, answers the ACK before that, so the
latency is measured from the previous heartbeat: one interval (41.25 s). It shows on an
idle bot whose loop never lags more than ~40 ms; the stall ticker here is the real measure.

Run: .venv/bin/python -m tests.bench.bench_big_server [--members 30000] [--going 2000]
     [--ordinary 500] [--groups 200] [--spread 60] [--nudge 1000] [--closed-every 5]
     [--polls 200] [--voters 30] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import tempfile
import time
from pathlib import Path

from core.clock import Clock
from tests.bench.big_server_parts import (
    Watcher,
    cast_votes_while_down,
    make_nudge_group,
    make_polls,
    removals_done,
    restart_bot,
    votes_counted_exactly,
)
from tests.emulator.harness import start_bot, stop_bot
from tests.emulator.server import Emulator

ORDINARY = "bench.ordinary"


def since(start: float, end: float | None) -> float:
    """Seconds from `start` to `end` (perf_counter); NaN if it never happened."""
    return float("nan") if end is None else end - start


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class StallTicker:
    """A 50 ms ticker: the worst delay of the event loop and how many were over 1 s."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.over_1s = 0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(0.05)
            lag = time.perf_counter() - t0 - 0.05
            self.worst = max(self.worst, lag)
            self.over_1s += lag > 1.0

    def start(self) -> None:
        self._task = asyncio.create_task(self._tick())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


class Phase:
    """Start and completion lateness of one phase's ordinary jobs."""

    def __init__(self, name: str, expected: int) -> None:
        self.name = name
        self.expected = expected
        self.start: list[float] = []
        self.done: list[float] = []
        self.all_done = asyncio.Event()

    def figures(self) -> dict[str, float]:
        start = [x * 1000 for x in self.start]
        done = [x * 1000 for x in self.done]
        return {
            "jobs": len(self.done),
            "start_p50": statistics.median(start),
            "start_p99": pct(start, 0.99),
            "start_max": max(start),
            "done_p50": statistics.median(done),
            "done_p99": pct(done, 0.99),
            "done_max": max(done),
        }


async def run(
    members: int,
    going: int,
    ordinary: int,
    groups: int,
    spread: float,
    nudge: int,
    polls: int,
    voters: int,
    closed_every: int,
) -> dict[str, float]:
    emu = Emulator(clock=None)
    await emu.start()
    handle = emu.create_guild(name="Big")
    guild = handle.guild
    t = time.perf_counter()
    users = [handle.add_member(f"m{i}") for i in range(members)]
    channels = [int(emu.new_channel(guild, f"group-{g}", 0)["id"]) for g in range(groups)]
    setup_members = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp())
    bot = await start_bot(emu, tmp / "huddle.db", Clock())
    ticker = StallTicker()
    try:
        r = await handle.admin.slash("config reminders", defaults="2h", dm=True)
        assert not r.text.startswith("Sorry"), r.text
        r = await handle.alice.slash("event create", title="Festival", when="in 5 hours")
        event_id = await bot.store.fetchval("SELECT MAX(id) FROM events")
        assert event_id, r.text
        now = time.time()
        async with bot.store.transaction() as tx:
            await tx.executemany(
                "INSERT INTO event_rsvps (event_id, user_id, status, display_name, seq,"
                " answered_at) VALUES (?, ?, 'going', ?, ?, ?)",
                [(event_id, u.id, u.name, n + 10, now) for n, u in enumerate(users[:going])],
            )
        reminders = await bot.store.fetchall(
            "SELECT id FROM jobs WHERE kind LIKE 'event.remind%' AND key = ?",
            (f"event:{event_id}",),
        )
        assert reminders, "the event scheduled no reminder"
        t = time.perf_counter()
        # The nudge group: users after the Going ones (their DMs are told apart by text).
        group = await make_nudge_group(bot, handle, users[going:], nudge, closed_every)
        open_polls = await make_polls(bot, group, channels, polls)
        outsiders = users[going + nudge :] or [handle.bob]
        setup_groups = time.perf_counter() - t

        phases = {name: Phase(name, ordinary) for name in "ABC"}

        async def ordinary_job(job) -> None:
            phase = phases[job.payload["phase"]]
            phase.start.append(time.time() - job.due_at)
            channel = bot.get_partial_messageable(job.payload["channel"])
            await channel.send(f"Check-in time for group {job.payload['n']}!")
            phase.done.append(time.time() - job.due_at)
            if len(phase.done) == phase.expected:
                phase.all_done.set()

        def ordinary_jobs(phase: str, dues: list[float]) -> list[tuple]:
            return [
                (ORDINARY, due, {"channel": channels[n % groups], "n": n, "phase": phase},
                 guild.id, f"g:{phase}:{n % groups}")
                for n, due in enumerate(dues)
            ]  # fmt: skip

        bot.scheduler.register(ORDINARY, ordinary_job)
        await emu.settle()
        bot_paced = []  # (taken, delayed, waited) of the bot before the restart

        # -- the measured phases: rate limits on ----------------------------------------------
        limiter = emu.enable_rate_limits()
        emu.reset_requests()
        ticker.start()
        pacer = bot.global_pacer
        began = time.perf_counter()

        # A: the ordinary jobs alone, all due at once
        due = time.time() + 1.0
        await bot.scheduler.schedule_many(ordinary_jobs("A", [due] * ordinary))
        await asyncio.wait_for(phases["A"].all_done.wait(), timeout=600)
        await asyncio.sleep(2)  # let the route and global windows reset

        # The restart: votes are cast on the 200 polls while the bot is down; the new bot's
        # start-up reconcile begins when it is READY, one second before B falls due.
        pacer = bot.global_pacer
        bot_paced.append((pacer.taken, pacer.delayed, pacer.waited))
        restart_began = time.perf_counter()
        bot, ready_at = await restart_bot(
            emu, bot, tmp / "huddle.db", {ORDINARY: ordinary_job},
            lambda: cast_votes_while_down(emu, open_polls, group, outsiders, voters),
        )  # fmt: skip
        restart_s = ready_at - restart_began
        pacer = bot.global_pacer
        service = bot.get_cog("Polls").service
        reconciled: list[float] = []
        reconcile_watch = asyncio.create_task(service.startup_done.wait())
        reconcile_watch.add_done_callback(lambda _: reconciled.append(time.perf_counter()))

        # B + C: the reminder, the nudge and 500 jobs at the same instant, then 500 spread
        # over `spread` s
        due = time.time() + 1.0
        due_perf = time.perf_counter() + 1.0
        spread_from = due + 20.0
        async with bot.store.transaction() as tx:
            await tx.executemany(
                "UPDATE jobs SET due_at = ?, asked_for = ? WHERE id = ?",
                [(due, due, row["id"]) for row in reminders] + [(due, due, group.job_id)],
            )
        await bot.scheduler.schedule_many(
            ordinary_jobs("B", [due] * ordinary)
            + ordinary_jobs("C", [spread_from + spread * n / ordinary for n in range(ordinary)])
        )
        started = time.perf_counter()
        answers: list[float] = []
        fanout_over = asyncio.Event()

        async def ask() -> None:  # for as long as the DM fan-out runs
            # The answer time is until the emulator has the bot's answer (for a deferred
            # one, its follow-up), not the `slash` helper's return: that also waits for
            # the emulator to go quiet (up to 3 s), which a paced fan-out never does.
            while not fanout_over.is_set() or len(answers) < 3:
                known = set(emu.world.interactions)
                t0 = time.perf_counter()
                asked = asyncio.create_task(handle.bob.slash("event list"))
                while not (new := set(emu.world.interactions) - known):  # noqa: ASYNC110
                    await asyncio.sleep(0.001)
                inter = emu.world.interactions[new.pop()]
                await inter.responded.wait()
                if inter.response_type == 5:
                    await inter.done.wait()
                answers.append(time.perf_counter() - t0)
                reply = await asked
                assert reply.text, reply
                await asyncio.sleep(0.5)

        asker = asyncio.create_task(ask())
        watcher = Watcher(handle, users[:going], group)
        watcher.start()
        await asyncio.wait_for(phases["B"].all_done.wait(), timeout=600)
        await asyncio.wait_for(phases["C"].all_done.wait(), timeout=600)
        ordinary_s = time.perf_counter() - started

        deadline = time.perf_counter() + 900
        while time.perf_counter() < deadline and not (  # noqa: ASYNC110
            watcher.done and reconciled and removals_done(emu, open_polls) == open_polls.removals
        ):
            await asyncio.sleep(1.0)
        watcher.stop()
        fanout_over.set()
        await asker
        exact, votes_stored = await votes_counted_exactly(bot, open_polls)
        removed = removals_done(emu, open_polls)
        elapsed = time.perf_counter() - began
        report = limiter.report()
    finally:
        ticker.stop()
        await stop_bot(bot)
        await emu.stop()
    out: dict = {
        "members": members,
        "setup_members_s": setup_members,
        "setup_groups_s": setup_groups,
        "going": going,
        "dms_delivered": watcher.reminders,
        "fanout_s": since(due_perf, watcher.reminders_at),
        "nudge_members": len(group.members),
        "nudge_closed": len(group.closed),
        "nudge_dms": watcher.nudge_dms,
        "nudge_dms_expected": len(group.open_ids),
        "nudge_mentions": watcher.nudge_mentions,
        "nudge_first_s": since(due_perf, watcher.nudge_first),
        "nudge_s": since(due_perf, watcher.nudge_at),
        "restart_s": restart_s,
        "polls": len(open_polls.polls),
        "poll_votes_cast": open_polls.votes,
        "poll_votes_stored": votes_stored,
        "poll_votes_exact": exact,
        "poll_removals": open_polls.removals,
        "poll_removals_done": removed,
        "reconcile_s": since(ready_at, reconciled[0] if reconciled else None),
        "reconcile_after_due_s": since(due_perf, reconciled[0] if reconciled else None),
        "ordinary_bc_all_done_s": ordinary_s,
        "spread_s": spread,
        "answers": len(answers),
        "answer_p50_ms": 1000 * statistics.median(answers),
        "answer_max_ms": 1000 * max(answers),
        "answers_over_3s": sum(1 for a in answers if a >= 3),
        "rest_calls": report["calls"],
        "rest_per_s": report["calls"] / elapsed,
        "429s": report["429s"],
        "429s_global": report["429s_global"],
        "429s_route": report["429s_route"],
        "by_route": report["by_route"],
        "paced_requests": pacer.taken + bot_paced[0][0],
        "paced_delayed": pacer.delayed + bot_paced[0][1],
        "paced_wait_s": pacer.waited + bot_paced[0][2],
        "stall_worst_ms": ticker.worst * 1000,
        "stalls_over_1s": ticker.over_1s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    for name, phase in phases.items():
        out.update({f"{name}_{k}": v for k, v in phase.figures().items()})
    return out


PHASES = (
    ("A", "500 at once, alone"),
    ("B", "500 at once + reminder, nudge, poll reconcile"),
    ("C", "spread over the spread window, fan-outs running"),
)


def show(f: dict) -> str:
    rows = [
        ("members / Going with DM reminders", f"{f['members']:,} / {f['going']:,}"),
        ("DM reminders delivered (after due)", f"{f['dms_delivered']:,} in {f['fanout_s']:.1f} s"),
        ("nudge: group members (DMs closed)", f"{f['nudge_members']:,} ({f['nudge_closed']:,})"),
        ("nudge: DMs sent / channel mentions (expected)",
         f"{f['nudge_dms']:,} / {f['nudge_mentions']:,} "
         f"({f['nudge_dms_expected']:,} / {f['nudge_closed']:,})"),
        ("nudge: first / every member nudged (after due)",
         f"{f['nudge_first_s']:.1f} s / {f['nudge_s']:.1f} s"),
        ("restart (stop, votes cast while down, READY)", f"{f['restart_s']:.1f} s"),
        ("start-up reconcile of open polls: done after READY (after due)",
         f"{f['polls']} polls: {f['reconcile_s']:.1f} s ({f['reconcile_after_due_s']:.1f} s)"),
        ("votes cast while down counted exactly",
         f"{'yes' if f['poll_votes_exact'] else 'NO'} "
         f"({f['poll_votes_stored']:,} stored, {f['poll_votes_cast']:,} expected)"),
        ("extra/outsider reactions removed by reconcile",
         f"{f['poll_removals_done']} of {f['poll_removals']}"),
    ]  # fmt: skip
    for key, label in PHASES:
        label = label.replace("500", f"{f[key + '_jobs']}").replace(
            "the spread window", f"{f['spread_s']:.0f} s"
        )
        rows += [
            (f"{key}: {label}: start lateness p50 / p99 / max",
             f"{f[key + '_start_p50']:.0f} / {f[key + '_start_p99']:.0f} / "
             f"{f[key + '_start_max']:.0f} ms"),
            (f"{key}: {label}: completion p50 / p99 / max",
             f"{f[key + '_done_p50']:.0f} / {f[key + '_done_p99']:.0f} / "
             f"{f[key + '_done_max']:.0f} ms"),
        ]  # fmt: skip
    rows += [
        ("slash commands during B and C", f"{f['answers']}"),
        ("answer time p50 / max (target every one < 3 s)",
         f"{f['answer_p50_ms']:.0f} / {f['answer_max_ms']:.0f} ms ({f['answers_over_3s']} ≥ 3 s)"),
        ("REST calls (rate/s)", f"{f['rest_calls']:,} ({f['rest_per_s']:.1f}/s)"),
        ("429s (global / route; target 0)", f"{f['429s']} ({f['429s_global']} / {f['429s_route']})"),
        ("global pacer: requests / made to wait / total wait",
         f"{f['paced_requests']:,} / {f['paced_delayed']:,} / {f['paced_wait_s']:.1f} s"),
        ("worst event-loop stall (stalls > 1 s)",
         f"{f['stall_worst_ms']:.0f} ms ({f['stalls_over_1s']})"),
        ("peak RSS (bot + emulator, one process)", f"{f['peak_rss_mb']:.0f} MB"),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    out = "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
    top = list(f["by_route"].items())[:8]
    out += "\nREST calls by route (calls, 429s):\n" + "\n".join(
        f"  {route:<70} {c:>6} {n:>5}" for route, (c, n) in top
    )
    return out


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord.http").setLevel(logging.ERROR)  # 429s are counted instead
    logging.getLogger("discord.gateway").setLevel(logging.ERROR)  # the false "behind" alarm
    runs = []
    for i in range(args.runs):
        figures = await run(
            args.members, args.going, args.ordinary, args.groups, args.spread,
            args.nudge, args.polls, args.voters, args.closed_every,
        )  # fmt: skip
        print(f"== run {i + 1}\n{show(figures)}\n", flush=True)
        runs.append(figures)
    if len(runs) > 1:
        print("== median of runs")
        for key in (
            "A_start_p99",
            "B_start_p99",
            "C_start_p99",
            "C_done_p99",
            "answer_max_ms",
            "rest_per_s",
            "429s",
            "fanout_s",
            "nudge_s",
            "reconcile_s",
            "reconcile_after_due_s",
        ):
            print(f"  {key:<16} {statistics.median(r[key] for r in runs):.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--going", type=int, default=2_000)
    parser.add_argument("--ordinary", type=int, default=500)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--nudge", type=int, default=1_000, help="the nudged group's members")
    parser.add_argument("--closed-every", type=int, default=5, help="every n-th: DMs closed")
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--voters", type=int, default=30, help="votes per poll cast while down")
    parser.add_argument("--runs", type=int, default=1)
    asyncio.run(main(parser.parse_args()))

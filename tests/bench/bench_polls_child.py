"""One consumer of bench_polls, in its own process: Huddle (the real bot, every feature
extension, plus the /ping defined here) or the bare discord.py client (a
commands.Bot with Huddle's intents that only counts raw reaction events and answers /ping).

Driven over stdin/stdout by tests/bench/bench_polls.py, one JSON object per line:

  child → {"ready": …}                       connected, guilds cached, (Huddle) start-up done
  "idle"  → {"rss_kib": …}                   after 2 s idle
  "arm N" → {"armed": true}                  count the next N reaction events from here
  (feed)  → {"done": …, "cpu_s": …, "t": […]} when N are processed: for Huddle, committed to
                                             SQLite (engine.on_commit); for the bare client,
                                             received by its listener. `t`: monotonic time of
                                             each event's processing, in feed order.
  "profile start|stop NAME" → {"profiled": …}  (with BENCH_PROFILE) a profile of what runs
                                             between, written beside it as NAME.txt
  "quit"  → exit

Set BENCH_PROFILE=<path> to write a pyinstrument profile (text) of the armed window.

Run by the driver only: python -m tests.bench.bench_polls_child huddle|bare
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def switches() -> tuple[int, int]:
    """(voluntary, involuntary) context switches of this process's threads so far. Many
    involuntary ones mean another process ran on this one's core meanwhile."""
    voluntary = involuntary = 0
    for task in Path("/proc/self/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                voluntary += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches:"):
                involuntary += int(line.split()[1])
    return voluntary, involuntary


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class GcWatch:
    """The garbage collector's work inside the armed window: collections and pause time per
    generation (gc.callbacks), so a slow run can be told apart from a fast one by it."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.stats: dict[int, list[float]] = {}  # generation -> [collections, seconds, worst]
        self.on = False
        gc.callbacks.append(self._callback)

    def reset(self) -> None:
        self.stats = {0: [0, 0.0, 0.0], 1: [0, 0.0, 0.0], 2: [0, 0.0, 0.0]}
        self.on = True

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if not self.on:
            return
        if phase == "start":
            self.started = time.perf_counter()
        elif self.started is not None:
            took = time.perf_counter() - self.started
            entry = self.stats[info["generation"]]
            entry[0] += 1
            entry[1] += took
            entry[2] = max(entry[2], took)
            self.started = None

    def report(self) -> dict[str, Any]:
        self.on = False
        return {
            "gc": {str(g): v for g, v in self.stats.items()},
            "gc_objects": len(gc.get_objects()),
            "gc_threshold": gc.get_threshold(),
            "gc_frozen": gc.get_freeze_count(),
        }


class Counter:
    """Counts processed reaction events against a target; the CPU and times of the window."""

    def __init__(self) -> None:
        self.target = 0
        self.count = 0
        self.times: list[float] = []
        self.batches = 0
        self.cpu0 = 0.0
        self.profiler: Any = None
        self.gc = GcWatch()

    def arm(self, n: int) -> None:
        self.target, self.count, self.times, self.batches = n, 0, [], 0
        self.gc.reset()
        self.switches0 = switches()
        if os.environ.get("BENCH_PROFILE"):
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.0005, async_mode="disabled")
            self.profiler.start()
        self.cpu0 = time.process_time()

    def processed(self, n: int) -> None:
        if not self.target:
            return
        now = time.monotonic()
        self.count += n
        self.batches += 1
        self.times.extend([now] * n)
        if self.count >= self.target:
            cpu = time.process_time() - self.cpu0
            if self.profiler is not None:
                self.profiler.stop()
                path = Path(os.environ["BENCH_PROFILE"])
                path.write_text(self.profiler.output_text(unicode=True, show_all=True))
                path.with_suffix(".flat.txt").write_text(
                    self.profiler.output_text(unicode=True, flat=True)
                )
                self.profiler = None
            emit(
                {
                    "done": now, "count": self.count, "cpu_s": cpu, "t": self.times,
                    "batches": self.batches, **self.gc.report(),
                    "switches": [b - a for a, b in zip(self.switches0, switches(), strict=True)],
                    "cpus": sorted(os.sched_getaffinity(0)),
                }
            )  # fmt: skip
            self.target = 0


class Ping(commands.Cog):
    """The one /ping both consumers answer, the same code in each (Huddle loads it as this
    module's extension: the emulator's test-only /ping would import the whole emulator,
    jsonschema and aiohttp's server into Huddle's process and count in its memory)."""

    @discord.app_commands.command(name="ping", description="Answer pong")
    async def ping(self, interaction: discord.Interaction, text: str = "") -> None:
        await interaction.response.send_message(f"pong {text}".strip())


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ping())


class Bare(commands.Bot):
    """What any discord.py bot pays to receive the events, and a /ping."""

    def __init__(self, counter: Counter) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=discord.Intents.default())
        self.counter = counter

    async def setup_hook(self) -> None:
        await self.add_cog(Ping())
        await self.tree.sync()

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.counter.processed(1)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self.counter.processed(1)


def window_profile(what: str, name: str, profiler: Any) -> Any:
    """Start, or stop and write beside BENCH_PROFILE as NAME(.flat).txt, a profile."""
    if not os.environ.get("BENCH_PROFILE"):
        return None
    if what == "start":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        return profiler
    profiler.stop()
    path = Path(os.environ["BENCH_PROFILE"]).with_name(name + ".txt")
    path.write_text(profiler.output_text(unicode=True, show_all=True))
    path.with_suffix(".flat.txt").write_text(profiler.output_text(unicode=True, flat=True))
    return None


async def main(role: str) -> None:
    counter = Counter()
    token = os.environ["DISCORD_TOKEN"]
    if role == "bare":
        import yarl

        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
        discord.http.Route.BASE = os.environ["DISCORD_API_BASE"].rstrip("/")
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
            os.environ["DISCORD_GATEWAY_URL"]
        )
        bot: commands.Bot = Bare(counter)
    else:
        from core.bot import HuddleBot, feature_extensions
        from core.logs import setup_logging
        from core.settings import Settings

        settings = Settings(
            token=token,
            database_path=Path(os.environ["DATABASE_PATH"]),
            log_level="INFO",
            api_base=os.environ["DISCORD_API_BASE"],
            gateway_url=os.environ["DISCORD_GATEWAY_URL"],
        )
        setup_logging(settings.log_level, settings.database_path.parent, secret=token)  # as bot.py
        bot = HuddleBot(
            settings,
            extensions=[
                *(e for e in feature_extensions() if e not in os.environ.get("BENCH_SKIP", "")),
                "tests.bench.bench_polls_child",  # /ping, as the bare client's
            ],
            guild_ready_timeout=0.05,
        )
        # as bot.py (core/memory.py); BENCH_NO_FREEZE=1 measures without it
        bot.freeze_gc_when_ready = not os.environ.get("BENCH_NO_FREEZE")
    await bot.login(token)
    task = asyncio.create_task(bot.connect())
    await bot.wait_until_ready()
    if role == "huddle":
        service = bot.get_cog("Polls").service  # type: ignore[union-attr]
        await service.startup_done.wait()
        service.engine.on_commit = lambda _poll, batch, _at: counter.processed(len(batch))
    emit({"ready": True, "pid": os.getpid()})

    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line.strip())
        loop.call_soon_threadsafe(lines.put_nowait, "quit")

    threading.Thread(target=read_stdin, daemon=True).start()
    profiled: Any = None
    while True:
        command = await lines.get()
        if command == "idle":
            await asyncio.sleep(2.0)
            emit({"rss_kib": rss_kib()})
        elif command.startswith("arm "):
            counter.arm(int(command.split()[1]))
            emit({"armed": True})
        elif command.startswith("profile "):  # profile start|stop NAME: the interactions
            what, name = command.split()[1:]
            profiled = window_profile(what, name, profiled)
            emit({"profiled": what})
        elif command == "quit":
            break
    await bot.close()
    await asyncio.gather(task, return_exceptions=True)
    emit({"bye": True})


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

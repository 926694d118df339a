"""Interactions per second through a full round trip: the emulator dispatches
INTERACTION_CREATE over the gateway, the real bot handles it, its callback reaches the
emulator (which validates it against Discord's spec). At 1, 10 and 100 in flight.

Run: .venv/bin/python -m tests.bench.bench_interactions [--count 600]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from core.clock import FakeClock
from tests.emulator import Emulator
from tests.emulator.harness import start_bot, stop_bot


async def one_round_trip(user, command: str, options: dict) -> float:
    started = time.perf_counter()
    inter, payload = user._base(2, user._channel_id(None))
    payload["data"] = user._command_data(command, options)
    await user.emulator.dispatch("INTERACTION_CREATE", payload)
    await inter.responded.wait()
    return time.perf_counter() - started


async def run_level(users, command: str, options: dict, count: int, in_flight: int):
    semaphore = asyncio.Semaphore(in_flight)
    latencies: list[float] = []

    async def worker(i: int) -> None:
        async with semaphore:
            latencies.append(await one_round_trip(users[i % len(users)], command, options))

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(count)))
    return count / (time.perf_counter() - started), latencies


async def main(count: int) -> None:
    clock = FakeClock(1_800_000_000)
    emulator = Emulator(clock=clock)
    await emulator.start()
    guild = emulator.create_guild(name="Bench")
    with tempfile.TemporaryDirectory() as tmp:
        bot = await start_bot(
            emulator,
            Path(tmp) / "bench.db",
            clock,
            extensions=["cogs.admin", "tests.emulator.testext"],
        )
        users = [guild.alice, guild.bob, guild.carol, guild.dave]
        print(f"{'command':<12}{'in flight':>10}{'interactions/s':>16}{'p50 ms':>9}{'p99 ms':>9}")
        for command, options in (("ping", {"text": "hi"}), ("help", {})):
            await run_level(users, command, options, 50, 10)  # warm up
            for in_flight in (1, 10, 100):
                rate, lat = await run_level(users, command, options, count, in_flight)
                ms = sorted(x * 1000 for x in lat)
                p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
                print(
                    f"/{command:<11}{in_flight:>10}{rate:>16.0f}"
                    f"{statistics.median(ms):>9.1f}{p99:>9.1f}"
                )
        violations = len(emulator.violations)
        await stop_bot(bot)
    await emulator.stop()
    print(f"spec violations: {violations}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=600)
    asyncio.run(main(parser.parse_args().count))

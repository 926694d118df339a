"""Scheduler benchmark: 100,000 pending jobs — time to schedule, memory added, lateness.

Run: .venv/bin/python -m tests.bench.bench_scheduler [--jobs 100000] [--fire 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from core.clock import Clock
from core.scheduler import Scheduler
from core.store import Store


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(jobs: int, fire: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        await store.open()
        clock = Clock()
        scheduler = Scheduler(store, clock)
        lateness: list[float] = []
        done = asyncio.Event()

        async def record(job) -> None:
            lateness.append(clock.now() - job.due_at)
            if len(lateness) == fire:
                done.set()

        scheduler.register("bench.far", record)
        scheduler.register("bench.soon", record)
        base_rss = rss_mb()

        # 1) one by one, like features do (each its own commit)
        sample = 2000
        start = time.perf_counter()
        for i in range(sample):
            await scheduler.schedule("bench.far", clock.now() + 86400 + i, {"i": i}, 1)
        one_by_one = (time.perf_counter() - start) / sample

        # 2) the rest in bulk, in one transaction
        far = [
            ("bench.far", clock.now() + 86400 + i, {"i": i}, 1, None) for i in range(jobs - sample)
        ]
        start = time.perf_counter()
        await scheduler.schedule_many(far)
        bulk_seconds = time.perf_counter() - start
        added = rss_mb() - base_rss

        # 3) with all of them pending, jobs falling due over ~2 s: how late do they fire?
        scheduler.start()
        t0 = clock.now() + 0.2
        for i in range(fire):
            await scheduler.schedule("bench.soon", t0 + i * (2.0 / fire), {"i": i}, 1)
        await asyncio.wait_for(done.wait(), timeout=120)
        await scheduler.stop()
        await store.close()

    ms = [x * 1000 for x in lateness]
    print(f"{'pending jobs':<38}{jobs:>12,}")
    print(f"{'schedule one job (mean of 2,000)':<38}{one_by_one * 1e6:>10.0f} µs")
    print(f"{'schedule 98,000 in one transaction':<38}{bulk_seconds:>10.2f} s")
    print(f"{'resident memory added':<38}{added:>10.1f} MB")
    print(f"{'jobs fired while 100k pending':<38}{len(ms):>12,}")
    print(f"{'lateness median':<38}{statistics.median(ms):>10.2f} ms")
    print(f"{'lateness p99':<38}{pct(ms, 0.99):>10.2f} ms")
    print(f"{'lateness max':<38}{max(ms):>10.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--fire", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.jobs, args.fire))

"""Insights pictures benchmark: time per picture (p50/p99, target p99 < 1 s), RSS before
the first picture and after 100 of each kind, and the longest event-loop stall while
pictures are drawn through `charts.render` (a ticker sleeping 5 ms records the largest
gap between its wake-ups; target < 50 ms).

Figures: a group of 1,000 members with 12 weeks of check-ins, 50 events and 100 polls; a
server of 200 groups (one page of 12 rows); a member's 26-week check-in heatmap (drawn by
check-ins through the same `render`).

Run: .venv/bin/python -m tests.bench.bench_insights_draw   (or pytest -s on this file)
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from zoneinfo import ZoneInfo

from cogs.checkins.heatmap import draw_heatmap, heatmap_grid
from cogs.insights import charts, logic
from cogs.insights.samples import sample_group, sample_server

NOW = 1_796_126_400
PICTURES = 100
TICK = 0.005


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def jobs():
    group = logic.group_picture(sample_group(NOW, members=1000, events=50, polls=100), NOW)
    rows = logic.server_rows(sample_server(NOW, 200), NOW)
    rnd = random.Random(5)
    hm = heatmap_grid(
        [NOW - rnd.randint(0, 182 * 86400) for _ in range(400)], ZoneInfo("Europe/Berlin"), NOW
    )
    return {
        "group": (charts.draw_group, (group,)),
        "server": (charts.draw_server, (rows, NOW)),
        "heatmap": (draw_heatmap, (hm,)),
    }


async def run() -> dict:
    results: dict = {"rss_before": rss_mb(), "pil_loaded_before": "PIL" in sys.modules}
    work = jobs()
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            gaps.append(now - last - TICK)
            last = now

    # baseline: the same ticker with nothing drawing (what the machine's load costs alone)
    tick = asyncio.create_task(ticker())
    await asyncio.sleep(2.0)
    stop.set()
    await tick
    results["idle_max_gap_ms"] = max(gaps) * 1000
    gaps.clear()
    stop.clear()
    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    first = time.perf_counter()
    await charts.render(work["group"][0], *work["group"][1])
    results["first_ms"] = (time.perf_counter() - first) * 1000
    results["rss_after_first"] = rss_mb()
    for name, (fn, args) in work.items():
        times = []
        for _ in range(PICTURES):
            t = time.perf_counter()
            png = await charts.render(fn, *args)
            times.append(time.perf_counter() - t)
        results[name] = (times, len(png))
    stop.set()
    await tick
    results["rss_after"] = rss_mb()
    results["max_gap_ms"] = max(gaps) * 1000
    results["p99_gap_ms"] = pct(gaps, 0.99) * 1000
    return results


def report(r: dict) -> str:
    lines = [
        f"{'picture':<10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'PNG KB':>9}",
    ]
    for name in ("group", "server", "heatmap"):
        times, size = r[name]
        lines.append(
            f"{name:<10}{statistics.median(times) * 1000:>9.1f}{pct(times, 0.99) * 1000:>9.1f}"
            f"{max(times) * 1000:>9.1f}{size / 1024:>9.1f}"
        )
    lines += [
        f"first picture (imports Pillow, loads fonts): {r['first_ms']:.0f} ms",
        f"RSS before first picture: {r['rss_before']:.1f} MB (Pillow loaded: "
        f"{r['pil_loaded_before']}); after first: {r['rss_after_first']:.1f} MB; "
        f"after {3 * PICTURES} more: {r['rss_after']:.1f} MB",
        f"event loop while drawing (5 ms ticker): longest stall {r['max_gap_ms']:.1f} ms, "
        f"p99 {r['p99_gap_ms']:.1f} ms (idle baseline, nothing drawing: longest "
        f"{r['idle_max_gap_ms']:.1f} ms)",
    ]
    return "\n".join(lines)


def test_bench_insights_draw() -> None:
    r = asyncio.run(run())
    print("\n" + report(r))
    assert all(pct(r[k][0], 0.99) < 1.0 for k in ("group", "server", "heatmap"))


if __name__ == "__main__":
    res = asyncio.run(run())
    print(report(res))

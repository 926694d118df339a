"""Reading a calendar back with two independent parsers: `icalendar` +
`recurring-ical-events` (Python), and Mozilla's `ical.js` run by node (the parser
Thunderbird uses; tests/icaljs, installed by `.ci/run`). Both give the occurrences in a
window as dicts with UTC ISO times, so a test compares them with each other and with
what it expects."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import recurring_ical_events

ICALJS = Path(__file__).resolve().parents[1] / "icaljs"


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # floating: read as UTC, as the node side does with TZ=UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def python_occurrences(data: bytes, since: datetime, until: datetime) -> list[dict]:
    calendar = icalendar.Calendar.from_ical(data)
    found = []
    for vevent in recurring_ical_events.of(calendar).between(since, until):
        found.append(
            {
                "uid": str(vevent["UID"]),
                "start": _iso(vevent["DTSTART"].dt),
                "end": _iso(vevent["DTEND"].dt),
                "summary": str(vevent.get("SUMMARY", "")),
                "status": str(vevent.get("STATUS", "")),
            }
        )
    return sorted(found, key=lambda o: (o["start"], o["uid"]))


def icaljs_occurrences(data: bytes, since: datetime, until: datetime) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (ICALJS / "node_modules" / "ical.js").is_dir():
        raise RuntimeError(
            "ical.js is not installed: run `npm ci --prefix tests/icaljs` (.ci/run does)"
        )
    done = subprocess.run(
        [node, str(ICALJS / "occurrences.mjs"), _iso(since), _iso(until)],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},  # a floating time reads as UTC: visible as wrong
    )
    found = [json.loads(line) for line in done.stdout.decode().splitlines() if line.strip()]
    return sorted(found, key=lambda o: (o["start"], o["uid"]))


def both_parsers(data: bytes, since: datetime, until: datetime) -> list[dict]:
    """The occurrences as both parsers read them; fails when they disagree or when ical.js
    reads any time as floating."""
    ours = python_occurrences(data, since, until)
    theirs = icaljs_occurrences(data, since, until)
    assert not [o for o in theirs if o["floating"]], "ical.js read floating times"
    strip = [{k: v for k, v in o.items() if k != "floating"} for o in theirs]
    assert ours == strip, f"the parsers disagree:\n{ours}\n{strip}"
    return ours

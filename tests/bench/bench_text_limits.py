"""Untrusted-text benchmark (docs/testing.md, "Untrusted text"): every free-text slash
option is fed its longest allowed text (core.lengths) in the worst patterns we know, plus
hypothesis-generated texts made of the reader's own vocabulary, and the slowest read per
option is printed. Target: under 10 ms each (an autocomplete reads on every keystroke, on
the one event loop).

"Read" is what the bot does with the option before it answers: the time reader for `when`
and `closes` (autocomplete preview and the command's reading), duration and offset
parsers, the meeting-slot, clock and weekday readers, the poll option splitter, zone
suggestions, and for names, titles, questions and notes the escaping/clipping that shows
them back (core.fit). Name lookups (`group`, `poll`, `event`) are SQL LIKE queries and
are measured by tests/bench/bench_polls; here their echo (`fit.code`) is timed.

Also printed: the same readers at 6,000 characters (what a client can send before the
tree refuses it; the time reader refuses past 200 at once), and the time reader without
that guard at 1,000 and 4,000 characters, to show it is linear, not merely short-circuited.

Run: .venv/bin/python -m tests.bench.bench_text_limits [--examples 100]
 (or pytest -s tests/bench/bench_text_limits.py)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cogs.admin.logic import validate_reminder_offsets
from cogs.checkins.logic import normalise_status, parse_weekday
from cogs.cycles import logic as cycles
from cogs.events.findtime import FindTimeFlow
from cogs.events.logic import event_length, option_prefix, reminder_offsets
from cogs.polls.logic import check_options, check_question, parse_options
from core import fit, lengths
from core.errors import UserError
from core.timeparse import (
    duration_seconds,
    get_zone,
    is_duration,
    parse_clock,
    preview_choices,
    read_when,
    suggest_zones,
)

NOW = 1_796_000_000  # Dec 2026
ZONE = "Europe/Berlin"
SLASH_MAX = 6000  # what a slash option's value can carry before the tree refuses it
TARGET_MS = 10.0

# pieces that make the reader work hardest: range separators (each a place to split),
# amounts (greedy repeats), clock times and dates (tried by many patterns), words it
# almost knows, and markdown that escaping doubles
WORST_PIECES = [
    "at - ", "- ", "1-", "7pm to ", "x - ", "1 ", "12:00 ", "1:", "9", "a", "the ", "1h ",
    "+1d ", "in 2 days ", "1d and ", "for 1h ", "jan 1 ", "1 jan - ", "friday ", "next ",
    "12th august at midnight ", "1 1-", "1.1.", "utc+1 ", "; ", "a;", "`", "*", "[x](y) ",
    "\\", "<@1>", "# ", "ä", "🇦",
    "- " * 99 + "-;",  # find-a-time slots each as long as a time may be
]  # fmt: skip
VOCABULARY = [
    "at", "-", "to", "on", "the", "of", "in", "for", "next", "last", "this", "friday", "mon",
    "jan", "august", "12th", "1", "7", "12", "19:00", "7pm", "am", "noon", "midnight",
    "tonight", "tomorrow", "days", "h", "2h", "3d", "1w", "ago", "+", "and", "half", "utc",
    "+01:00", "2026-12-03", "3/4", ";", ",", "x", "week", "end", "`", "*",
]  # fmt: skip

Reader = Callable[[str], object]


def _quiet(read: Reader) -> Reader:
    def run(text: str) -> object:
        try:
            return read(text)
        except (UserError, ValueError):  # the weekday and status readers raise ValueError
            return None  # a refusal is a read too: it must be as fast

    return run


def _when(text: str) -> None:
    preview_choices(text, ZONE, NOW)  # the autocomplete
    read_when(text, ZONE, NOW)  # the command


def _closes(text: str) -> None:
    preview_choices(text, ZONE, NOW)
    is_duration(text)
    read_when(text, ZONE, NOW)


def _slots(text: str) -> None:
    _done, last = option_prefix(text)  # the findtime autocomplete reads the last slot
    if last:
        preview_choices(last, ZONE, NOW)
    FindTimeFlow.read_slots(text, ZONE, NOW)


def _zone(text: str) -> None:
    suggest_zones(text)
    get_zone(text)


def _cycle_duration(text: str) -> None:
    cycles.check_range("nominate", duration_seconds(text), cycles.NOMINATE_RANGE)


def _meet(text: str) -> None:
    cycles.check_slot_cadence(cycles.parse_meet(text), "monthly")


def _poll_options(text: str) -> None:
    for part in check_options(parse_options(text)):
        fit.escape(part, fit.CHOICE_NAME)


def _shown(limit: int, one_line: bool = True) -> Reader:
    def show(text: str) -> None:
        fit.escape(text, limit, one_line=one_line)
        fit.code(text)

    return show


def _question(text: str) -> None:
    fit.escape(check_question(text), lengths.TITLE)


def _pick(text: str) -> None:
    fit.escape(cycles.clean_title(text), lengths.TITLE)


def _note(text: str) -> None:
    fit.escape(cycles.clean_note(text), lengths.NOTE, one_line=False)


# option name → what reading it costs (several commands share a name: the costliest reader)
READERS: dict[str, Reader] = {
    "when": _when,
    "closes": _closes,
    "duration": event_length,
    "remind": reminder_offsets,
    "defaults": validate_reminder_offsets,
    "nominate": _cycle_duration,
    "vote": _cycle_duration,
    "meet": _meet,
    "time": parse_clock,
    "weekday": parse_weekday,
    "status": normalise_status,
    "zone": _zone,
    "timezone": _zone,
    "options": lambda t: (_quiet(_poll_options)(t), _slots(t)),  # poll and findtime
    "question": _question,
    "pick": _pick,
    "note": _note,
    "title": _shown(lengths.TITLE),
    "name": _shown(lengths.NAME),
    "where": _shown(lengths.TITLE),
    "text": _shown(lengths.TITLE),
    "description": _shown(lengths.NOTE, one_line=False),
    "prompt": _shown(lengths.NOTE, one_line=False),
    "group": _shown(lengths.NAME),
    "poll": _shown(lengths.NAME),
    "event": _shown(lengths.NAME),
}


def timed_ms(read: Reader, text: str) -> float:
    start = time.perf_counter()
    _quiet(read)(text)
    return (time.perf_counter() - start) * 1000


def filled(piece: str, length: int) -> str:
    return (piece * (length // len(piece) + 1))[:length]


def slowest_patterns(read: Reader, length: int, runs: int = 3) -> tuple[float, str]:
    """The slowest of the worst pieces repeated to `length` (best of `runs` each, so a
    scheduler hiccup doesn't count)."""
    worst = (0.0, "")
    for piece in WORST_PIECES:
        text = filled(piece, length)
        ms = min(timed_ms(read, text) for _ in range(runs))
        worst = max(worst, (ms, piece))
    return worst


def slowest_generated(read: Reader, length: int, examples: int) -> tuple[float, str]:
    """The slowest of `examples` hypothesis-made texts at `length`: vocabulary words and
    random characters, repeated to fill it."""
    found: list[tuple[float, str]] = [(0.0, "")]
    words = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12).map(" ".join)
    noise = st.text(min_size=1, max_size=12)
    strategy = st.one_of(words, noise, st.tuples(words, noise).map(" ".join))

    @settings(
        max_examples=examples, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(strategy)
    def probe(piece: str) -> None:
        text = filled(piece + " ", length)
        found.append((min(timed_ms(read, text) for _ in range(2)), piece))

    probe()
    return max(found)


def run(examples: int) -> list[tuple[str, int, float, str, float, str, float]]:
    rows = []
    for option, read in READERS.items():
        limit = lengths.limit_for(option)
        pattern_ms, pattern = slowest_patterns(read, limit)
        generated_ms, generated = slowest_generated(read, limit, examples)
        beyond_ms, _ = slowest_patterns(read, SLASH_MAX, runs=1)
        rows.append((option, limit, pattern_ms, pattern, generated_ms, generated, beyond_ms))
    return rows


def report(rows: list[tuple[str, int, float, str, float, str, float]]) -> None:
    print(
        f"{'option':<12}{'limit':>6}  {'worst pattern':>13}  {'generated':>9}  "
        f"{'at 6,000':>9}  slowest piece"
    )
    for option, limit, pattern_ms, pattern, generated_ms, generated, beyond_ms in rows:
        piece = pattern if pattern_ms >= generated_ms else generated
        flag = "" if max(pattern_ms, generated_ms) < TARGET_MS else "  OVER TARGET"
        print(
            f"{option:<12}{limit:>6}  {pattern_ms:>10.2f} ms  {generated_ms:>6.2f} ms  "
            f"{beyond_ms:>6.1f} ms  {piece[:30]!r}{flag}"
        )
    worst = max(max(r[2], r[4]) for r in rows)
    print(f"slowest read of any option at its limit: {worst:.2f} ms (target < {TARGET_MS} ms)")


def reader_scaling() -> None:
    """The time reader behind its length guard (`core.timeread.LONGEST`): its cost at
    1,000 and 4,000 characters of the worst pieces; linear means about 4x."""
    from core.timeparse import get_zone
    from core.timeread import _read

    tz = get_zone(ZONE)
    rows = []
    for piece in WORST_PIECES:
        small, large = (
            min(timed_ms(lambda t: _read(t, tz, NOW), filled(piece, n)) for _ in range(2))
            for n in (1000, 4000)
        )
        rows.append((large, small, piece))
    print("time reader without its guard (slowest 5 pieces): 1,000 → 4,000 characters")
    for large, small, piece in sorted(rows, reverse=True)[:5]:
        print(f"  {piece!r:<12} {small:7.2f} ms → {large:7.2f} ms  (x{large / small:.1f})")


def test_bench_text_limits() -> None:
    """Prints the figures (pytest -s); asserts nothing about time (that's the report)."""
    report(run(examples=60))
    reader_scaling()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100)
    report(run(parser.parse_args().examples))
    reader_scaling()

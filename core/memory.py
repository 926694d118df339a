"""Keep the garbage collector off what lives for the whole run.

After start-up a bot holds tens of thousands of objects that stay until it stops: modules,
classes, commands, the guild and member caches. CPython's cyclic collector walks every
tracked object at each full (generation 2) collection, and a burst of reaction events
allocates enough to trigger two of them per 10,000 events: measured in
tests/bench/bench_polls, 40-100 ms of pauses in a 300 ms burst, about a fifth of the CPU
the vote path costs. `gc.freeze()` once the bot is ready moves those objects to
the permanent generation, so later collections walk only what was made since.

Frozen objects are still freed by reference counting when the last reference goes; only
a reference cycle among them would stay (none is expected among start-up objects). It is
done once, at the first ready: later reconnects keep the collector as it is. Then the
memory start-up freed goes back to the system (`_trim`)."""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_startup_objects() -> int:
    """Collect what start-up left behind, then freeze the rest; → objects frozen."""
    gc.collect()
    gc.freeze()
    _trim()
    frozen = gc.get_freeze_count()
    log.info("%d start-up objects frozen out of garbage collection", frozen)
    return frozen


def _trim() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`).

    Start-up frees a lot in the middle of the heap (compiling the time reader's patterns,
    building the command tree, the migrations), which glibc keeps mapped: about 0.9 MiB of
    idle RSS in tests/bench/bench_polls. Not glibc (musl, macOS): nothing to do."""
    import ctypes  # only here: the one call of the run

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass

"""`python bot.py`, but on the test's clock: the process's `core.clock.Clock` starts at
HUDDLE_TEST_NOW (epoch seconds) and runs on with real time from there.

A subprocess on the real clock and an in-process bot on a fake one disagree about "now" by
however far the calendar has moved since the fake date was written: a job the subprocess
schedules "in an hour" is then never due for the in-process bot once the real date passes
the fake one. Every process of a test shares one clock instead. Everything else is bot.py's
own `main()`, run as `__main__` exactly as `python bot.py` runs it."""

from __future__ import annotations

import os
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    start = float(os.environ["HUDDLE_TEST_NOW"])
    real_start = time.time()
    sys.path.insert(0, str(ROOT))
    from core import clock

    # Only the real clock is shifted; FakeClock overrides now() and is not used here.
    clock.Clock.now = lambda self: start + (time.time() - real_start)  # type: ignore[method-assign]
    sys.argv = [str(ROOT / "bot.py"), *sys.argv[1:]]
    runpy.run_path(str(ROOT / "bot.py"), run_name="__main__")


if __name__ == "__main__":
    main()

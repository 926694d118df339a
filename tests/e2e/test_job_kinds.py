"""Every job kind the running bot handles is named in its feature's `jobs.py`: whoever
looks for what a feature schedules finds all of it in one file."""

from __future__ import annotations

import ast
from pathlib import Path

from core.bot import HuddleBot

ROOT = Path(__file__).resolve().parents[2]


def kinds_named_in(jobs_py: Path) -> set[str]:
    """The string constants assigned at the top level of a jobs.py."""
    names: set[str] = set()
    for node in ast.parse(jobs_py.read_text()).body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            names.add(value.value)
    return names


async def test_each_handled_kind_is_named_in_its_features_jobs_py(bot: HuddleBot) -> None:
    handled = set(bot.scheduler._handlers)
    assert len(handled) > 20, sorted(handled)  # every feature's kinds are registered
    for kind in handled:
        feature = {
            "poll": "polls",
            "event": "events",
            "cycle": "cycles",
            "checkin": "checkins",
        }.get(kind.split(".")[0], kind.split(".")[0])
        jobs_py = ROOT / "cogs" / feature / "jobs.py"
        if not jobs_py.exists():
            assert feature in {"core", "test"}, f"{kind}: no {jobs_py}"
            continue
        assert kind in kinds_named_in(jobs_py), f"{kind} is not named in {jobs_py}"

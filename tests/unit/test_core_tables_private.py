"""No feature names a core table in SQL: the scheduler's jobs go through its methods
(`schedule`, `cancel`, `cancel_key`, ...), once-flags through core/once.py."""

from __future__ import annotations

import re
from pathlib import Path

CORE_TABLES = ("jobs", "meta")
# A table named where SQL names one: after FROM, INTO, UPDATE, JOIN or TABLE.
NAMES_TABLE = re.compile(
    r"\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?("
    + "|".join(CORE_TABLES)
    + r")\b",
    re.IGNORECASE,
)
COGS = Path(__file__).resolve().parents[2] / "cogs"


def offending_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if NAMES_TABLE.search(line)]


def test_the_check_sees_core_tables_named_in_sql():
    assert offending_lines('await tx.execute("DELETE FROM jobs WHERE key = ?", (k,))')
    assert offending_lines("INSERT OR IGNORE INTO meta (key, value) VALUES (?, '1')")
    assert offending_lines("update Jobs set due_at = ?")
    assert not offending_lines('"SELECT * FROM job_runs"  # another table')
    assert not offending_lines("the jobs are due; meta data")


def test_no_feature_module_names_a_core_table():
    modules = sorted(COGS.rglob("*.py"))
    assert len(modules) > 50  # the scan reads the features, not an empty folder
    found = {
        str(path.relative_to(COGS)): lines
        for path in modules
        if (lines := offending_lines(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "use core.scheduler / core.once, not SQL on core's tables"

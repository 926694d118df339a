"""Stores are tested against a real SQLite file, migrated from zero. No mocks."""

from __future__ import annotations

import pytest

from core.clock import FakeClock
from core.store import Store


@pytest.fixture
async def store(tmp_path):
    db = Store(tmp_path / "huddle.db")
    await db.open()
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(1_800_000_000.0)

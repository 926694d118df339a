"""End-to-end fixtures beyond the root ones (tests/conftest.py).

A group is private (docs/rules.md, "A group is private"): after every e2e test that ran the emulator, no
Discord scheduled event may show a group event where others see it — none of a group
without a voice channel, no server-wide (external) one, none outside the group's own
voice channel. The check is `tests.support.scheduled.group_scheduled_event_violations`;
tests/e2e/test_privacy_matrix.py shows it flags such an event."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.scheduled import group_scheduled_event_violations


@pytest.fixture(autouse=True)
def no_group_event_on_a_visible_scheduled_event(request: pytest.FixtureRequest) -> Iterator[None]:
    if "emulator" not in request.fixturenames:
        yield
        return
    # Asked for here, so this fixture's end runs while the emulator still holds its state.
    emulator = request.getfixturevalue("emulator")
    db_path = request.getfixturevalue("db_path") if "db_path" in request.fixturenames else None
    yield
    problems = group_scheduled_event_violations(emulator, db_path)
    if problems:
        pytest.fail(
            "group events shown on scheduled events others can see:\n"
            + "\n".join(f"  - {p}" for p in problems),
            pytrace=False,
        )

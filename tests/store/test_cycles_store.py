"""The cycles store on a real SQLite file, migrated from zero: nominations (one title in
any case or spacing, with its seconders; per_member replace and limit), one active cycle
per group, periods and the phase records a handler leaves."""

from __future__ import annotations

import sqlite3

import pytest

from cogs.cycles.logic import ballot, title_key
from cogs.cycles.store import CycleStore, NewCycle, PeriodTimes, job_key
from core.clock import FakeClock
from core.scheduler import Scheduler

GUILD = 100
DAY = 86400.0


async def make_group(store, name: str = "Books") -> int:
    return await store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at)"
        " VALUES (?, ?, ?, 1, 0)",
        (GUILD, name, name.lower()),
    )


def new_cycle(group_id: int, **changes) -> NewCycle:
    values = dict(
        guild_id=GUILD, group_id=group_id, name="Book of the month",
        meet="last thursday 19:00", cadence="monthly", nominate_s=int(5 * DAY),
        vote_s=int(2 * DAY), checkins=True, per_member=1, timezone="UTC",
        anchor="2026-12-31T19:00:00", created_by=1, created_at=1_000.0,
    )  # fmt: skip
    values.update(changes)
    return NewCycle(**values)  # type: ignore[arg-type]


@pytest.fixture
def cycles(store) -> CycleStore:
    return CycleStore(store)


async def started(store, cycles: CycleStore, **changes) -> tuple[int, int]:
    """A cycle and its first period; returns (cycle id, period id)."""
    group_id = await make_group(store)
    async with store.transaction() as tx:
        cycle_id = await cycles.insert_cycle(tx, new_cycle(group_id, **changes))
    cycle = await cycles.cycle(cycle_id)
    assert cycle is not None
    async with store.transaction() as tx:
        period_id = await cycles.insert_period(
            tx, cycle, 1, PeriodTimes(1_000.0, 1_000 + 5 * DAY, 1_000 + 7 * DAY, 1_000 + 20 * DAY)
        )
    assert period_id is not None
    return cycle_id, period_id


async def nominate(cycles, period_id, user, title, note="", at=0.0, per_member=1):
    return await cycles.nominate(period_id, user, title, title_key(title), note, at, per_member)


async def test_one_title_in_any_case_or_spacing_counts_once_with_its_seconders(store, cycles):
    _, period = await started(store, cycles)
    assert await nominate(cycles, period, 1, "The Left Hand of Darkness", at=1) == ("added", [])
    assert await nominate(cycles, period, 2, "the  left hand OF darkness", "Le Guin", at=2) == (
        "added",
        [],
    )
    await nominate(cycles, period, 3, "  THE LEFT HAND of darkness ", at=3)
    await nominate(cycles, period, 4, "Emma", at=4)
    found = {n.key: n for n in await cycles.nominees(period)}
    assert len(found) == 2
    left = found[title_key("The Left Hand of Darkness")]
    assert left.title == "The Left Hand of Darkness"  # as first written
    assert left.nominators == (1, 2, 3) and left.seconders == 2
    assert left.note == "Le Guin"  # the first note given
    assert left.first_at == 1
    assert [n.title for n in ballot(list(found.values()))] == ["The Left Hand of Darkness", "Emma"]
    rows = await store.fetchall("SELECT DISTINCT title FROM cycle_nominations")
    assert {r["title"] for r in rows} == {"The Left Hand of Darkness", "Emma"}


async def test_per_member_one_replaces_the_earlier_nomination(store, cycles):
    _, period = await started(store, cycles)
    await nominate(cycles, period, 1, "Dune", at=1)
    await nominate(cycles, period, 2, "dune", at=2)  # seconds it
    assert await nominate(cycles, period, 1, "Ulysses", at=3) == ("replaced", ["Dune"])
    found = {n.title: n.nominators for n in await cycles.nominees(period)}
    assert found == {"Dune": (2,), "Ulysses": (1,)}  # the seconder now holds Dune alone
    # the same title again edits its note and replaces nothing
    assert await nominate(cycles, period, 1, "ULYSSES", "Joyce", at=4) == ("updated", [])
    assert await nominate(cycles, period, 1, "ulysses", "", at=5) == ("updated", [])  # kept
    ulysses = next(n for n in await cycles.nominees(period) if n.title == "Ulysses")
    assert ulysses.note == "Joyce"
    assert await store.fetchval("SELECT COUNT(*) FROM cycle_nominations") == 2


async def test_per_member_limit_refuses_beyond_it(store, cycles):
    _, period = await started(store, cycles, per_member=2)
    assert (await nominate(cycles, period, 1, "Dune", per_member=2))[0] == "added"
    assert (await nominate(cycles, period, 1, "Emma", per_member=2))[0] == "added"
    assert await nominate(cycles, period, 1, "Ulysses", per_member=2) == ("full", ["Dune", "Emma"])
    assert await nominate(cycles, period, 1, "emma", "Austen", per_member=2) == ("updated", [])
    assert sorted(n.title for n in await cycles.nominees(period)) == ["Dune", "Emma"]


async def test_nominations_belong_to_their_period(store, cycles):
    cycle_id, first = await started(store, cycles)
    cycle = await cycles.cycle(cycle_id)
    async with store.transaction() as tx:
        second = await cycles.insert_period(
            tx, cycle, 2, PeriodTimes(30 * DAY, 35 * DAY, 37 * DAY, 50 * DAY)
        )
    await nominate(cycles, first, 1, "Dune")
    assert await nominate(cycles, second, 1, "Emma") == ("added", [])  # not a replacement
    assert [n.title for n in await cycles.nominees(first)] == ["Dune"]
    assert [n.title for n in await cycles.nominees(second)] == ["Emma"]


async def test_one_active_cycle_per_group(store, cycles):
    cycle_id, _ = await started(store, cycles)
    group_id = (await cycles.cycle(cycle_id)).group_id
    with pytest.raises(sqlite3.IntegrityError):
        async with store.transaction() as tx:
            await cycles.insert_cycle(tx, new_cycle(group_id))
    other = await make_group(store, "Knitters")
    async with store.transaction() as tx:  # another group may run one
        await cycles.insert_cycle(tx, new_cycle(other))
    assert (await cycles.active_cycle(group_id)).id == cycle_id

    await store.execute(
        "INSERT INTO jobs (guild_id, kind, key, due_at, asked_for, payload, created_at)"
        " VALUES (?, 'cycle.close', ?, 1, 1, '{}', 0)",
        (GUILD, job_key(cycle_id)),
    )
    scheduler = Scheduler(store, FakeClock(0))
    assert await cycles.stop_cycle(cycle_id, scheduler) is True
    assert await cycles.stop_cycle(cycle_id, scheduler) is False  # already stopped
    assert await cycles.active_cycle(group_id) is None
    assert (await cycles.latest_cycle(group_id)).status == "stopped"
    assert await store.fetchval(
        "SELECT phase FROM cycle_periods WHERE cycle_id = ?", (cycle_id,)
    ) == ("stopped")
    assert await store.fetchval("SELECT COUNT(*) FROM jobs") == 0  # its jobs went with it
    async with store.transaction() as tx:  # a stopped cycle frees the group for a new one
        again = await cycles.insert_cycle(tx, new_cycle(group_id))
    assert (await cycles.active_cycle(group_id)).id == again
    assert (await cycles.latest_cycle(group_id)).id == again


async def test_periods_and_their_phase_records(store, cycles):
    cycle_id, period_id = await started(store, cycles)
    cycle = await cycles.cycle(cycle_id)
    period = await cycles.period(period_id)
    assert (period.number, period.phase, period.checkins_set) == (1, "nominating", False)
    assert period.announce_msg is None and period.poll_id is None and period.pick is None
    async with store.transaction() as tx:  # the same number again makes nothing
        assert await cycles.insert_period(tx, cycle, 1, PeriodTimes(0, 1, 2, 3)) is None

    await cycles.record(period_id, announce_msg=555)
    await cycles.record(period_id, phase="voting", poll_id=0)  # 0: being made
    assert (await cycles.period(period_id)).poll_id == 0
    await cycles.record(period_id, poll_id=7, vote_until=9_999.0)
    async with store.transaction() as tx:
        await cycles.record(period_id, tx, phase="picked", pick="Dune", pick_votes=3)
    await cycles.record(period_id, event_id=11, checkins_set=1, phase="reading", going=4)
    done = await cycles.period(period_id)
    assert (done.announce_msg, done.poll_id, done.vote_until) == (555, 7, 9_999.0)
    assert (done.phase, done.pick, done.pick_votes, done.event_id) == ("reading", "Dune", 3, 11)
    assert done.checkins_set is True and done.going == 4
    with pytest.raises(ValueError, match="not period columns"):
        await cycles.record(period_id, meet_at=1.0)

    with pytest.raises(RuntimeError):  # a record inside a transaction that fails is undone
        async with store.transaction() as tx:
            await cycles.record(period_id, tx, phase="done")
            raise RuntimeError("killed")
    assert (await cycles.period(period_id)).phase == "reading"

    async with store.transaction() as tx:
        second = await cycles.insert_period(
            tx, cycle, 2, PeriodTimes(30 * DAY, 35 * DAY, 37 * DAY, 50 * DAY)
        )
    assert (await cycles.current_period(cycle_id)).id == second
    shelf = await cycles.shelf(cycle.group_id)
    assert [(c.id, p.id, p.pick) for c, p in shelf] == [(cycle_id, period_id, "Dune")]

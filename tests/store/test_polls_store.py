"""PollStore against a real SQLite file, migrated from zero."""

from __future__ import annotations

import sqlite3

import pytest

from cogs.groups.api import Viewer, visible_sql
from cogs.polls.store import NewPoll, PollStore

ALL = visible_sql(Viewer(1, 0, sees_every_group=True))  # a manager sees every poll

NOW = 1_800_000_000.0


def new_poll(question: str = "Book?", group_id: int | None = None, **kw) -> NewPoll:
    fields = dict(
        guild_id=1, channel_id=10, group_id=group_id, creator_id=100, question=question,
        options=["Dune", "Emma", "Ulysses"], multiple=False, max_choices=None,
        hide_results=False, closes_at=NOW + 3600,
    )  # fmt: skip
    fields.update(kw)
    return NewPoll(**fields)


async def open_poll(polls: PollStore, message_id: int = 500, **kw) -> int:
    poll_id = await polls.create_pending(new_poll(**kw), NOW)
    await polls.activate(poll_id, message_id)
    return poll_id


async def test_pending_poll_is_invisible_until_activated(store):
    polls = PollStore(store)
    poll_id = await polls.create_pending(new_poll(), NOW)
    assert await polls.lookup.find(1, str(poll_id), ALL) is None
    assert await polls.open_polls() == []
    await polls.activate(poll_id, 555)
    poll = await polls.by_message(555)
    assert poll is not None and poll.is_open and poll.options == ["Dune", "Emma", "Ulysses"]
    assert poll.job_key == f"poll:{poll_id}"


async def test_discard_removes_poll_and_votes(store):
    polls = PollStore(store)
    poll_id = await open_poll(polls)
    await polls.write_votes(poll_id, {7: [0]}, {(7, 0)}, NOW)
    await polls.discard(poll_id)
    assert await polls.get(poll_id) is None
    assert await store.fetchval("SELECT COUNT(*) FROM poll_votes") == 0


async def test_stale_pending_rows_dropped(store):
    polls = PollStore(store)
    await polls.create_pending(new_poll(), NOW)
    kept = await open_poll(polls)
    assert await polls.discard_stale_pending() == 1
    assert [p.id for p in await polls.open_polls()] == [kept]


async def test_votes_are_keyed_per_poll_user_option(store):
    polls = PollStore(store)
    poll_id = await open_poll(polls)
    await store.execute(
        "INSERT INTO poll_votes (poll_id, user_id, option, voted_at) VALUES (?, 7, 0, 1)",
        (poll_id,),
    )
    with pytest.raises(sqlite3.IntegrityError):
        await store.execute(
            "INSERT INTO poll_votes (poll_id, user_id, option, voted_at) VALUES (?, 7, 0, 2)",
            (poll_id,),
        )


async def test_write_votes_applies_net_state_of_touched_keys(store):
    polls = PollStore(store)
    poll_id = await open_poll(polls)
    await polls.write_votes(poll_id, {7: [0], 8: [1]}, {(7, 0), (8, 1)}, NOW)
    # 7 moved to option 2; 8 untouched; a key touched twice ends as the state says
    await polls.write_votes(poll_id, {7: [2], 8: [1]}, {(7, 0), (7, 2)}, NOW + 1)
    assert await polls.votes(poll_id) == {8: [1], 7: [2]}
    assert await polls.counts(poll_id, 3) == [0, 1, 1]


async def test_votes_keep_casting_order(store):
    polls = PollStore(store)
    poll_id = await open_poll(polls, multiple=True)
    await polls.write_votes(poll_id, {7: [2]}, {(7, 2)}, NOW)
    await polls.write_votes(poll_id, {7: [2, 0]}, {(7, 0)}, NOW + 1)
    assert await polls.votes(poll_id) == {7: [2, 0]}


async def test_find_by_id_or_exact_question(store):
    polls = PollStore(store)
    first = await open_poll(polls, message_id=1, question="Which book?")
    second = await open_poll(polls, message_id=2, question="Which day?")
    assert (await polls.lookup.find(1, str(second), ALL)).id == second
    assert (await polls.lookup.find(1, "which BOOK?", ALL)).id == first
    assert await polls.lookup.find(1, "Which", ALL) is None
    assert await polls.lookup.find(2, str(first), ALL) is None  # another server's poll
    assert [p.id for p in await polls.lookup.search(1, "day", ALL)] == [second]


async def test_close_once_and_listing(store):
    polls = PollStore(store)
    a = await open_poll(polls, message_id=1)
    b = await open_poll(polls, message_id=2)
    assert await polls.mark_closed(a, NOW + 5)
    assert not await polls.mark_closed(a, NOW + 6)
    open_polls, closed = await polls.lookup.listing(1, None, ALL)
    assert [p.id for p in open_polls] == [b]
    assert [p.id for p in closed] == [a]
    assert closed[0].closed_at == NOW + 5


async def test_group_polls_cascade_with_the_group(store):
    gid = await store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at)"
        " VALUES (1, 'Books', 'books', 100, 0)"
    )
    polls = PollStore(store)
    poll_id = await open_poll(polls, group_id=gid)
    open_polls, _ = await polls.lookup.listing(1, gid, ALL)
    assert [p.id for p in open_polls] == [poll_id]
    await store.execute("DELETE FROM groups WHERE id = ?", (gid,))
    assert await polls.get(poll_id) is None


async def test_find_by_number_question_case_and_spacing(store):
    polls = PollStore(store)
    first = await open_poll(polls, 501, question="Été ou hiver ?")
    second = await open_poll(polls, 502, question="Which  book?")
    for typed in (str(first), f"#{first}", f"Poll #{first}", "été OU HIVER ?", " ÉTÉ ou hiver ? "):
        assert (await polls.lookup.find(1, typed, ALL)).id == first, typed
    assert (await polls.lookup.find(1, "which book?", ALL)).id == second
    assert (await polls.lookup.find(1, "WHICH   BOOK?", ALL)).id == second
    assert await polls.lookup.find(1, "Which book", ALL) is None
    assert await polls.lookup.find(1, "#99", ALL) is None


async def test_on_close_is_stored_and_commits_or_fails_with_the_close(store):
    polls = PollStore(store)
    poll_id = await open_poll(polls, on_close=("cycle.voted", {"cycle": 3}))
    assert (await polls.get(poll_id)).on_close == ("cycle.voted", {"cycle": 3})

    async def broken(tx) -> None:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('seen', '1')")
        raise RuntimeError("crash mid-close")

    with pytest.raises(RuntimeError):
        await polls.mark_closed(poll_id, NOW + 5, also=broken)
    assert (await polls.get(poll_id)).is_open  # nothing of the failed close is kept
    assert await store.fetchval("SELECT value FROM meta WHERE key = 'seen'") is None

    async def record(tx) -> None:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('seen', '1')")

    assert await polls.mark_closed(poll_id, NOW + 6, also=record)
    assert not (await polls.get(poll_id)).is_open
    assert await store.fetchval("SELECT value FROM meta WHERE key = 'seen'") == "1"


async def test_privacy_filter_is_applied_in_sql(store):
    """A group is private: find, search and listing only return a group's poll to
    its members (and to whoever sees every group); an outsider gets nothing at all."""
    gid = await store.insert(
        "INSERT INTO groups (guild_id, name, name_key, created_by, created_at)"
        " VALUES (1, 'Books', 'books', 100, 0)"
    )
    await store.execute(
        "INSERT INTO group_members (guild_id, group_id, user_id, is_leader, joined_at)"
        " VALUES (1, ?, 100, 1, 0)",
        (gid,),
    )
    polls = PollStore(store)
    public = await open_poll(polls, message_id=1, question="Open day?")
    private = await open_poll(polls, message_id=2, question="Secret day?", group_id=gid)
    member = visible_sql(Viewer(1, 100))
    outsider = visible_sql(Viewer(1, 200))
    assert (await polls.lookup.find(1, str(private), member)).id == private
    assert await polls.lookup.find(1, str(private), outsider) is None
    assert await polls.lookup.find(1, "Secret day?", outsider) is None
    assert await polls.lookup.find(1, "SECRET   DAY?", outsider) is None  # the casefolded path too
    assert [p.id for p in await polls.lookup.search(1, "day", outsider)] == [public]
    assert [p.id for p in await polls.lookup.search(1, "day", member)] == [private, public]
    assert [p.id for p in (await polls.lookup.listing(1, None, outsider))[0]] == [public]
    assert [p.id for p in (await polls.lookup.listing(1, gid, outsider))[0]] == []
    assert [p.id for p in (await polls.lookup.listing(1, None, ALL))[0]] == [private, public]


async def test_search_treats_like_wildcards_as_text(store):
    polls = PollStore(store)
    plain = await open_poll(polls, message_id=1, question="Best book?")
    percent = await open_poll(polls, message_id=2, question="100% sure?")
    assert [p.id for p in await polls.lookup.search(1, "%", ALL)] == [percent]
    assert [p.id for p in await polls.lookup.search(1, "_", ALL)] == []
    assert plain != percent


async def test_stale_reactions_are_stored_with_the_vote_and_leave_when_answered(store):
    """A moved vote and the reaction it made stale are one transaction; the removal queue
    reads the table (oldest first, with where the reaction is); a row goes when Discord
    answered, or when the same write says it is a vote again; a deleted poll takes its
    rows with it."""
    polls = PollStore(store)
    poll_id = await open_poll(polls, message_id=700)
    await polls.write_votes(poll_id, {5: [0]}, {(5, 0)}, NOW)
    await polls.write_votes(
        poll_id, {5: [1]}, {(5, 0), (5, 1)}, NOW + 1, stale={(5, "🇦"): True, (6, "👍"): True}
    )
    assert await polls.votes(poll_id) == {5: [1]}
    assert await polls.stale.of_poll(poll_id) == {(5, "🇦"), (6, "👍")}
    queued = [tuple(row) for row in await polls.stale.queued()]
    assert sorted(queued) == sorted([(poll_id, 10, 700, 5, "🇦"), (poll_id, 10, 700, 6, "👍")])
    await polls.stale.removed(poll_id, 6, "👍")
    # the member moves back: 🇦 is a vote again and its removal is cancelled in the same write
    await polls.write_votes(
        poll_id, {5: [0]}, {(5, 0), (5, 1)}, NOW + 2, stale={(5, "🇦"): False, (5, "🇧"): True}
    )
    assert await polls.stale.of_poll(poll_id) == {(5, "🇧")}
    await polls.discard(poll_id)
    assert await store.fetchval("SELECT COUNT(*) FROM poll_stale_reactions") == 0


async def test_a_failed_vote_write_stores_no_stale_reaction_either(store):
    polls = PollStore(store)
    poll_id = await open_poll(polls)
    with pytest.raises(sqlite3.IntegrityError):
        await polls.write_votes(poll_id + 99, {5: [1]}, {(5, 1)}, NOW, stale={(5, "🇦"): True})
    assert await store.fetchval("SELECT COUNT(*) FROM poll_stale_reactions") == 0

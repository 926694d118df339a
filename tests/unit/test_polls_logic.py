"""Poll tally rules: parsing, emoji, and the property that no interleaving of reaction
events (including the bot's own removals racing the member) double-counts or loses a
vote, and that the stored tally ends equal to the message's reactions."""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.polls import logic
from cogs.polls.logic import Rules, Votes
from core.errors import UserError

# -- parsing and emoji -------------------------------------------------------------------


def test_options_split_on_semicolons_and_trimmed():
    assert logic.parse_options(" Dune ; Emma;Ulysses ") == ["Dune", "Emma", "Ulysses"]


@pytest.mark.parametrize("text", ["Only one", ";".join(f"o{i}" for i in range(21)), ""])
def test_option_count_outside_2_to_20_states_the_rule(text):
    with pytest.raises(UserError, match="2–20 options separated by `;`"):
        logic.parse_options(text)


def test_twenty_options_are_fine():
    assert len(logic.parse_options(";".join(f"o{i}" for i in range(20)))) == 20


@pytest.mark.parametrize("text", ["A;;B", "A;B;", " ;A;B"])
def test_empty_options_refused(text):
    with pytest.raises(UserError, match="empty"):
        logic.parse_options(text)


def test_duplicate_options_refused_case_insensitively():
    with pytest.raises(UserError, match="twice"):
        logic.parse_options("Dune; dune")


def test_regional_indicator_per_option():
    assert [logic.option_emoji(i) for i in range(3)] == ["🇦", "🇧", "🇨"]
    assert logic.option_emoji(19) == "🇹"
    assert logic.emoji_option("🇧", 3) == 1
    assert logic.emoji_option("🇩", 3) is None
    assert logic.emoji_option("👍", 3) is None
    assert logic.emoji_option("name:123", 3) is None


def test_choice_rules():
    assert logic.check_choices(4, None, None).limit == 1
    assert logic.check_choices(4, True, None).limit == 4
    assert logic.check_choices(4, None, 2) == Rules(4, True, 2)
    with pytest.raises(UserError, match="between 1 and 4"):
        logic.check_choices(4, True, 5)
    with pytest.raises(UserError, match="multiple"):
        logic.check_choices(4, False, 2)
    assert logic.check_choices(4, True, 1) == Rules(4, False, None)  # single choice
    assert logic.check_choices(4, None, 1).limit == 1
    with pytest.raises(UserError, match="you gave 0"):
        logic.check_choices(4, True, 0)


def test_winners_and_ties():
    assert logic.winners([0, 0]) == []
    assert logic.winners([1, 3, 2]) == [1]
    assert logic.winners([2, 0, 2]) == [0, 2]


# -- single events -------------------------------------------------------------------------


def test_single_choice_moves_the_vote_and_asks_to_remove_the_old_reaction():
    votes: Votes = {}
    rules = Rules(3)
    logic.apply_add(votes, rules, 1, 0, True)
    out = logic.apply_add(votes, rules, 1, 2, True)
    assert votes == {1: [2]}
    assert out.unreact == [(1, 0)]
    # the removal of A (the bot's) arrives later: it must not touch the vote for C
    logic.apply_remove(votes, 1, 0)
    assert votes == {1: [2]}


def test_max_choices_rejects_the_extra_reaction():
    votes: Votes = {}
    rules = Rules(4, True, 2)
    for option in (0, 1):
        logic.apply_add(votes, rules, 7, option, True)
    out = logic.apply_add(votes, rules, 7, 3, True)
    assert votes == {7: [0, 1]}
    assert out.unreact == [(7, 3)]
    assert not out.touched


def test_not_allowed_member_is_removed_not_counted():
    votes: Votes = {}
    out = logic.apply_add(votes, Rules(2), 5, 0, False)
    assert votes == {}
    assert out.unreact == [(5, 0)]


def test_duplicate_add_counts_once():
    votes: Votes = {}
    logic.apply_add(votes, Rules(2, True), 5, 0, True)
    logic.apply_add(votes, Rules(2, True), 5, 0, True)
    assert logic.tally(votes, 2) == [1, 0]


# -- the burst property --------------------------------------------------------------------

USERS = 4
OPTIONS = 3
rules_strategy = st.sampled_from(
    [Rules(OPTIONS), Rules(OPTIONS, True), Rules(OPTIONS, True, 2), Rules(OPTIONS, True, 1)]
)
# ("act", user, option): the member toggles that reaction on Discord;
# ("deliver",): the bot processes the next gateway event;
# ("unreact", i): the bot's i-th pending removal reaches Discord.
step = st.one_of(
    st.tuples(st.just("act"), st.integers(0, USERS - 1), st.integers(0, OPTIONS - 1)),
    st.tuples(st.just("deliver")),
    st.tuples(st.just("unreact"), st.integers(0, 50)),
)


class World:
    """Discord's reactions, the gateway's event queue, and the bot's state."""

    def __init__(self, rules: Rules, banned: frozenset[int]) -> None:
        self.rules = rules
        self.banned = banned
        self.reactions: set[tuple[int, int]] = set()
        self.events: deque[tuple[bool, int, int]] = deque()
        self.removals: list[tuple[int, int]] = []
        self.votes: Votes = {}

    def toggle(self, user: int, option: int) -> None:
        key = (user, option)
        added = key not in self.reactions
        (self.reactions.add if added else self.reactions.discard)(key)
        self.events.append((added, user, option))

    def deliver(self) -> None:
        added, user, option = self.events.popleft()
        if added:
            allowed = user not in self.banned
            out = logic.apply_add(self.votes, self.rules, user, option, allowed)
        else:
            out = logic.apply_remove(self.votes, user, option)
        self.removals.extend(out.unreact)
        self.store_stale(out)
        self.check_invariants()

    def store_stale(self, out: logic.Outcome) -> None:
        """What the bot stores besides the votes (nothing here; see LaggingWorld)."""

    def unreact(self, index: int) -> None:
        user, option = self.removals.pop(index % len(self.removals))
        if option in self.votes.get(user, ()):
            return  # became a counted vote again: the remover skips it
        if (user, option) in self.reactions:
            self.reactions.discard((user, option))
            self.events.append((False, user, option))

    def check_invariants(self) -> None:
        for user, options in self.votes.items():
            assert len(options) == len(set(options)), "a vote counted twice"
            assert len(options) <= self.rules.limit
            assert user not in self.banned

    def settle(self) -> None:
        while self.events or self.removals:
            if self.events:
                self.deliver()
            else:
                self.unreact(0)

    def stored(self) -> set[tuple[int, int]]:
        return {(u, o) for u, options in self.votes.items() for o in options}


@settings(max_examples=400, deadline=None)
@given(
    rules=rules_strategy,
    banned=st.frozensets(st.integers(0, USERS - 1), max_size=1),
    steps=st.lists(step, max_size=80),
)
def test_no_interleaving_double_counts_or_loses_a_vote(rules, banned, steps):
    world = World(rules, banned)
    for kind, *args in steps:
        if kind == "act":
            world.toggle(*args)
        elif kind == "deliver" and world.events:
            world.deliver()
        elif kind == "unreact" and world.removals:
            world.unreact(args[0])
    world.settle()
    # Once every event is processed and every needed removal has landed, the stored
    # votes are exactly the message's reactions.
    assert world.stored() == world.reactions
    counts = [sum(1 for _, o in world.reactions if o == i) for i in range(OPTIONS)]
    assert logic.tally(world.votes, OPTIONS) == counts


# -- reconcile -----------------------------------------------------------------------------

reactions_strategy = st.dictionaries(
    st.integers(0, OPTIONS - 1), st.sets(st.integers(0, USERS - 1)), max_size=OPTIONS
)
votes_strategy = st.dictionaries(
    st.integers(0, USERS - 1),
    st.lists(st.integers(0, OPTIONS - 1), unique=True, min_size=1, max_size=OPTIONS),
)


@settings(max_examples=300, deadline=None)
@given(rules=rules_strategy, reactions=reactions_strategy, old=votes_strategy)
def test_reconcile_follows_the_rules_and_is_idempotent(rules, reactions, old):
    banned = {0}
    old = {u: o[: rules.limit] for u, o in old.items() if u not in banned}
    new, out = logic.reconcile(old, rules, reactions, lambda u: u not in banned)
    reacted = {(u, o) for o, users in reactions.items() for u in users}
    for user, options in new.items():
        assert user not in banned
        assert len(options) <= rules.limit
        assert all((user, o) in reacted for o in options)
        # stored votes that are still reacted are kept first
        still = [o for o in old.get(user, []) if (user, o) in reacted]
        assert options[: len(still)] == still[: rules.limit]
    counted = {(u, o) for u, options in new.items() for o in options}
    assert set(out.unreact) == reacted - counted
    again, out2 = logic.reconcile(new, rules, reactions, lambda u: u not in banned)
    assert again == new and not out2.touched


def test_reconcile_counts_offline_votes_and_drops_withdrawn_ones():
    old: Votes = {1: [0], 2: [1]}
    new, out = logic.reconcile(old, Rules(3), {0: {1, 3}, 1: set()}, lambda u: True)
    assert new == {1: [0], 3: [0]}
    assert out.touched == {(2, 1), (3, 0)}


def test_closing_report_names_the_tally_and_the_winners():
    assert logic.closing_report(["Dune", "Emma", "Ulysses"], [2, 2, 1]) == {
        "tally": {"Dune": 2, "Emma": 2, "Ulysses": 1},
        "winners": ["Dune", "Emma"],
    }
    assert logic.closing_report(["A", "B"], [0, 0])["winners"] == []


def test_check_options_applies_the_same_rules_to_a_list():
    assert logic.check_options([" Dune ", "Emma"]) == ["Dune", "Emma"]
    with pytest.raises(UserError):
        logic.check_options(["Only one"])
    with pytest.raises(UserError):
        logic.check_options(["Dune", "dune"])


# -- stale reactions: exact while the clean-up lags -------------------------------------------


class LaggingWorld(World):
    """World, plus the stored stale reactions: written with the vote that made them stale,
    gone once the bot's removal is answered or the reaction is a vote again or gone."""

    def __init__(self, rules: Rules, banned: frozenset[int]) -> None:
        super().__init__(rules, banned)
        self.stale: set[tuple[int, int]] = set()

    def store_stale(self, out: logic.Outcome) -> None:
        for key, flag in out.stale.items():
            (self.stale.add if flag else self.stale.discard)(key)

    def unreact(self, index: int) -> None:
        key = self.removals.pop(index % len(self.removals))
        if key not in self.stale:
            return  # cancelled: a vote again, or taken off by the member
        if key in self.reactions:
            self.reactions.discard(key)
            self.events.append((False, *key))
        self.stale.discard(key)  # Discord answered (204, or 404: gone already)

    def reactions_by_option(self) -> dict[int, set[int]]:
        by_option: dict[int, set[int]] = {}
        for user, option in self.reactions:
            by_option.setdefault(option, set()).add(user)
        return by_option


@settings(max_examples=500, deadline=None)
@given(
    rules=rules_strategy,
    banned=st.frozensets(st.integers(0, USERS - 1), max_size=1),
    steps=st.lists(step, max_size=80),
)
def test_reconcile_with_any_part_of_the_clean_up_done_counts_exactly_the_last_choices(
    rules, banned, steps
):
    """Any interleaving of adds and removes, any prefix of the queued removals done (the
    rest still on the message), then every event seen and a reconcile (a close, a restart,
    a recount): the votes are exactly the members' last choices, and reconciling again
    changes nothing."""
    world = LaggingWorld(rules, banned)
    for kind, *args in steps:
        if kind == "act":
            world.toggle(*args)
        elif kind == "deliver" and world.events:
            world.deliver()
        elif kind == "unreact" and world.removals:
            world.unreact(args[0])
    while world.events:  # a close flushes every event that reached the bot first
        world.deliver()
    last_choices = {u: set(o) for u, o in world.votes.items() if o}
    new, out = logic.reconcile(
        world.votes, rules, world.reactions_by_option(), lambda u: u not in banned, world.stale
    )
    assert {u: set(o) for u, o in new.items() if o} == last_choices
    assert not out.touched  # nothing to correct: the stored votes were right
    world.store_stale(out)
    again, out2 = logic.reconcile(
        new, rules, world.reactions_by_option(), lambda u: u not in banned, world.stale
    )
    assert again == new and not out2.touched


def test_a_stale_reaction_no_longer_on_the_message_needs_no_removal():
    votes: Votes = {1: [1]}
    new, out = logic.reconcile(votes, Rules(3), {1: {1}}, lambda u: True, stale={(1, 0)})
    assert new == {1: [1]} and out.stale == {(1, 0): False} and not out.unreact

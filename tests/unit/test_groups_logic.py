"""Groups rules: names, slugs, capacity, who may create/join/leave, category overflow."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cogs.groups import logic
from cogs.groups.logic import Verdict


def test_slug_is_lower_case_with_dashes():
    assert logic.slugify("Book Club") == "book-club"
    assert logic.slugify("  Knitting   Beginners ") == "knitting-beginners"
    assert logic.slugify("Café Crème") == "café-crème"


def test_slug_drops_punctuation_and_never_empties():
    assert logic.slugify("C++ & Rust!") == "c-rust"
    assert logic.slugify("!!!") == "group"


@given(st.text(min_size=1, max_size=120))
def test_slug_has_no_spaces_or_upper_case(name):
    slug = logic.slugify(name)
    assert slug and " " not in slug and slug == slug.lower() and len(slug) <= 100


def test_uniqueness_key_ignores_case_and_spacing():
    assert logic.name_key("Book Club") == logic.name_key("  book   CLUB ")
    assert logic.name_key("Book Club") != logic.name_key("Book Clubs")


@given(st.text(min_size=1, max_size=50))
def test_name_key_is_idempotent(name):
    assert logic.name_key(logic.name_key(name)) == logic.name_key(name)


def test_name_problems():
    assert logic.name_problem("Book Club") is None
    assert "empty" in logic.name_problem("   ")
    assert "at most" in logic.name_problem("x" * 81)
    assert "letter" in logic.name_problem("12345")
    assert logic.name_problem("@everyone")


def test_capacity_is_capped_by_server_maximum():
    assert logic.capacity(None, 25) == 25
    assert logic.capacity(10, 25) == 10
    assert logic.capacity(40, 25) == 25


def test_max_members_rules():
    assert logic.max_members_problem(None, 25) is None
    assert logic.max_members_problem(2, 25) is None
    assert "at least 2 and at most 25" in logic.max_members_problem(1, 25)
    assert "at least 2 and at most 25" in logic.max_members_problem(26, 25)
    # Absurd numbers are refused with the allowed range, not stored.
    assert "at least 2 and at most 25" in logic.max_members_problem(-(2**53), 25)
    assert "at least 2 and at most 25" in logic.max_members_problem(2**53, 25)
    assert "already has 5" in logic.max_members_problem(4, 25, current_size=5)


def _create(policy, manager=False, role=False, owned=0, limit=5):
    return logic.can_create(
        policy, manager=manager, has_creator_role=role, owned_groups=owned, max_per_member=limit
    )


def test_can_create_policies():
    assert _create("anyone").allowed
    assert not _create("managers").allowed
    assert _create("managers", manager=True).allowed
    assert not _create("role").allowed
    assert _create("role", role=True).allowed
    assert _create("role", manager=True).allowed


def test_can_create_respects_groups_per_member():
    refused = _create("anyone", owned=5, limit=5)
    assert not refused.allowed and "5 groups" in refused.reason
    assert _create("anyone", owned=4, limit=5).allowed


def _join(**kw):
    base = dict(
        visibility="open",
        status="active",
        already_member=False,
        size=1,
        limit=10,
        member_groups=0,
        max_per_member=5,
    )
    base.update(kw)
    return logic.join_verdict(**base)


def test_join_verdicts():
    assert _join() is Verdict.JOIN
    assert _join(visibility="request") is Verdict.REQUEST
    assert _join(visibility="invite") is Verdict.INVITE_ONLY
    assert _join(visibility="invite", invited=True) is Verdict.JOIN
    assert _join(size=10) is Verdict.FULL
    assert _join(already_member=True) is Verdict.ALREADY
    assert _join(status="archived") is Verdict.ARCHIVED
    assert _join(member_groups=5) is Verdict.LIMIT


@given(st.integers(0, 50), st.integers(1, 50))
def test_join_never_exceeds_capacity(size, limit):
    verdict = _join(size=size, limit=limit)
    assert (verdict is Verdict.JOIN) == (size < limit)


def test_full_text_says_full():
    assert "full" in logic.full_text("Book Club", 3, 3)


def test_last_leader_cannot_leave_an_active_group():
    assert not logic.can_leave(is_leader=True, leaders=1, status="active").allowed
    assert logic.can_leave(is_leader=True, leaders=2, status="active").allowed
    assert logic.can_leave(is_leader=True, leaders=1, status="archived").allowed
    assert logic.can_leave(is_leader=False, leaders=1, status="active").allowed


def test_demote_and_kick_rules():
    assert not logic.can_demote(target_is_leader=False, leaders=2).allowed
    assert not logic.can_demote(target_is_leader=True, leaders=1).allowed
    assert logic.can_demote(target_is_leader=True, leaders=2).allowed
    kick = dict(target_is_member=True, target_is_leader=False, actor_manager=False)
    assert logic.can_kick(**kick).allowed
    assert not logic.can_kick(**{**kick, "target_is_member": False}).allowed
    assert not logic.can_kick(**{**kick, "target_is_leader": True}).allowed
    assert logic.can_kick(**{**kick, "target_is_leader": True, "actor_manager": True}).allowed


def test_overflow_categories():
    assert logic.category_name("Groups", 1) == "Groups"
    assert logic.category_name("Groups", 3) == "Groups 3"
    assert logic.overflow_index("Groups", "groups") == 1
    assert logic.overflow_index("Groups", "Groups 2") == 2
    assert logic.overflow_index("Groups", "Groups Archive") is None
    assert logic.overflow_index("Groups", "Other 2") is None
    assert logic.pick_category([(1, 50), (2, 10)], 1) == 2
    assert logic.pick_category([(1, 49)], 2) is None
    assert logic.pick_category([(1, 48)], 2) == 1
    assert logic.next_overflow_index([1, 2]) == 3


def test_groups_text_and_request_text():
    assert logic.groups_text(1) == "1 group" and logic.groups_text(3) == "3 groups"
    assert "1 group," in logic.limit_text(1)
    text = logic.request_text(5, "Quiet")
    assert text == "<@5> asks to join **Quiet**. Leaders, approve or deny:"


def test_a_co_leader_cannot_demote_or_kick_the_creator():
    creator = {"target_is_leader": True, "leaders": 2, "target_is_creator": True}
    refused = logic.can_demote(**creator)
    assert not refused.allowed and "created this group" in refused.reason
    assert logic.can_demote(**creator, actor_manager=True).allowed
    assert logic.can_demote(**creator, actor_is_target=True).allowed  # stepping down
    kick = {"target_is_member": True, "target_is_leader": False, "target_is_creator": True}
    assert not logic.can_kick(**kick, actor_manager=False).allowed
    assert logic.can_kick(**kick, actor_manager=True).allowed

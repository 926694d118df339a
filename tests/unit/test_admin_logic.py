from __future__ import annotations

import pytest

from cogs.admin import logic
from core.config import SettingSpec
from core.errors import UserError


def test_reminder_offsets_normalised():
    assert logic.validate_reminder_offsets(" 1d , 1h ") == "1d,1h"
    assert logic.validate_reminder_offsets("") == ""


@pytest.mark.parametrize(
    "bad", ["tomorrow", "1x", "1d,soon", "1h,2h,3h,4h,5h,6h", "99999999999999w", "5w", "30s"]
)
def test_reminder_offsets_rejected(bad):
    with pytest.raises(UserError):
        logic.validate_reminder_offsets(bad)


def test_group_limits():
    logic.validate_group_limits(10, 3)
    with pytest.raises(UserError, match="max_size"):
        logic.validate_group_limits(1, None)
    with pytest.raises(UserError, match="max_per_member"):
        logic.validate_group_limits(None, 0)


def test_creation_role_needs_a_role():
    with pytest.raises(UserError, match="creator_role"):
        logic.validate_creation("role", None, None)
    logic.validate_creation("role", 123, None)
    logic.validate_creation("role", None, 456)
    logic.validate_creation("anyone", None, None)


def test_feature_lines_mark_off_features():
    text = logic.feature_lines({"polls": False})
    assert "Polls — **off**" in text
    assert "Groups — on" in text


def test_settings_grouped_by_feature():
    specs = [
        SettingSpec("core", "timezone", "Server time zone", "UTC"),
        SettingSpec("groups", "groups.max_size", "Size", 25),
    ]
    sections = logic.settings_lines(specs, {"groups.max_size": 8})
    assert sections == {"core": ["**Server time zone:** UTC"], "groups": ["**Size:** 8"]}


def test_a_channel_only_staff_read_is_accepted() -> None:
    assert logic.readers_problem("The audit log", [], 0) is None


def test_readers_are_named_with_the_reason() -> None:
    problem = logic.readers_problem("The Monday digest", ["@everyone", "Book Club"], 0)
    assert problem is not None
    assert "**@everyone**" in problem and "**Book Club**" in problem
    assert "The Monday digest names groups'" in problem


def test_many_roles_are_summed_up_and_members_counted() -> None:
    roles = [f"Group {i}" for i in range(8)]
    problem = logic.readers_problem("The audit log", roles, 2)
    assert problem is not None
    assert "**Group 4**" in problem and "Group 5" not in problem
    assert "3 more roles" in problem and "2 members given access by hand" in problem

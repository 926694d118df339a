"""The groups settings `/config groups` writes (keys owned by the admin cog's command),
registered here so `/config show` lists them with their defaults."""

from __future__ import annotations

from core.config import SettingSpec, channel_mention, role_mention, yes_no

SETTINGS = (
    SettingSpec("groups", "groups.category", "Groups category", None, channel_mention),
    SettingSpec("groups", "groups.archive_category", "Archive category", None, channel_mention),
    SettingSpec("groups", "groups.creation", "Who may create groups", "anyone"),
    SettingSpec("groups", "groups.creator_role", "Creator role", None, role_mention),
    SettingSpec("groups", "groups.approval", "New groups need manager approval", False, yes_no),
    SettingSpec("groups", "groups.max_size", "Default and maximum group size", 25),
    SettingSpec("groups", "groups.max_per_member", "Groups per member", 5),
)

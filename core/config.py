"""Per-server settings (a JSON value per key) and the registry that lets each feature
declare its settings so `/config show` can list them all."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.store import Store

FEATURES: tuple[str, ...] = ("groups", "checkins", "polls", "events", "cycles", "insights")


def _plain(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


@dataclass(frozen=True)
class SettingSpec:
    """A setting a feature owns. `show` renders its value for `/config show`."""

    feature: str  # 'core', or one of FEATURES
    key: str
    label: str
    default: Any = None
    show: Callable[[Any], str] = _plain


def yes_no(value: Any) -> str:
    return "yes" if value else "no"


def role_mention(value: Any) -> str:
    return f"<@&{value}>" if value else "—"


def channel_mention(value: Any) -> str:
    return f"<#{value}>" if value else "—"


CORE_SETTINGS = (
    SettingSpec("core", "manager_role", "Community manager role", None, role_mention),
    SettingSpec("core", "timezone", "Server time zone", "UTC"),
    SettingSpec("core", "log_channel", "Audit log channel", None, channel_mention),
)


class GuildConfig:
    """Reads and writes `guild_settings`; knows every registered setting's default."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.specs: dict[str, SettingSpec] = {}
        # Read on hot paths (every command's feature check, time zones); this process is the
        # database's only writer, so a write-through cache stays exact.
        # A read that overlaps a write must not cache what it read: `set` bumps the
        # generation before and after writing, and `get` caches only if it didn't move.
        self._cache: dict[tuple[int, str], Any] = {}
        self._generation = 0
        # Called after a feature is switched: (guild_id, feature, enabled).
        self.feature_listeners: list[Callable[[int, str, bool], Awaitable[Any]]] = []
        for spec in CORE_SETTINGS:
            self.register(spec)

    def register(self, spec: SettingSpec) -> None:
        self.specs[spec.key] = spec

    def unregister(self, *specs: SettingSpec) -> None:
        """Forget settings a feature registered (its cog is unloading); values stay stored."""
        for spec in specs:
            self.specs.pop(spec.key, None)

    async def get(self, guild_id: int, key: str, default: Any = None) -> Any:
        cache_key = (guild_id, key)
        if cache_key in self._cache:
            stored = self._cache[cache_key]
        else:
            generation = self._generation
            raw = await self.store.fetchval(
                "SELECT value FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
            )
            stored = None if raw is None else json.loads(raw)
            if self._generation == generation:  # no write started or ended meanwhile
                self._cache[cache_key] = stored
        if stored is not None:
            return stored
        spec = self.specs.get(key)
        return spec.default if default is None and spec is not None else default

    def _forget(self, guild_id: int, key: str) -> None:
        self._generation += 1
        self._cache.pop((guild_id, key), None)

    async def set(self, guild_id: int, key: str, value: Any) -> None:
        self._forget(guild_id, key)
        try:
            if value is None:
                await self.store.execute(
                    "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
                )
            else:
                await self.store.execute(
                    "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                    (guild_id, key, json.dumps(value)),
                )
        finally:
            self._forget(guild_id, key)

    async def all(self, guild_id: int) -> dict[str, Any]:
        rows = await self.store.fetchall(
            "SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        stored = {r["key"]: json.loads(r["value"]) for r in rows}
        values = {key: spec.default for key, spec in self.specs.items()}
        values.update(stored)
        return values

    async def feature_enabled(self, guild_id: int, feature: str) -> bool:
        return bool(await self.get(guild_id, f"feature.{feature}", True))

    async def set_feature(self, guild_id: int, feature: str, enabled: bool) -> None:
        """Switch a feature; then tell the listeners (the scheduler wakes its parked jobs)."""
        await self.set(guild_id, f"feature.{feature}", enabled)
        for listener in self.feature_listeners:
            await listener(guild_id, feature, enabled)

    async def server_timezone(self, guild_id: int) -> str:
        return str(await self.get(guild_id, "timezone") or "UTC")


class UserPrefs:
    """Per-member preferences that follow the member across servers (time zone)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, user_id: int, key: str, default: Any = None) -> Any:
        raw = await self.store.fetchval(
            "SELECT value FROM user_settings WHERE user_id = ? AND key = ?", (user_id, key)
        )
        return default if raw is None else json.loads(raw)

    async def set(self, user_id: int, key: str, value: Any) -> None:
        await self.store.execute(
            "INSERT INTO user_settings (user_id, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
            (user_id, key, json.dumps(value)),
        )

"""Typed settings read once from the environment (and `.env`). Fails fast."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv


class SettingsError(Exception):
    """A setting is missing or malformed; the message says what to set and where."""


@dataclass(frozen=True)
class Settings:
    token: str
    database_path: Path
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    api_base: str | None = None
    gateway_url: str | None = None

    def __repr__(self) -> str:  # never show the token, even in a traceback
        return (
            f"Settings(database_path={self.database_path!s}, log_level={self.log_level}, "
            f"dev_guild_id={self.dev_guild_id}, api_base={self.api_base})"
        )


def _optional_int(name: str, raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(
            f"{name} must be a number (a Discord server id), got {raw!r}."
        ) from None


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    """Read settings from the environment, after loading `.env` if present."""
    if env_file:
        load_dotenv(env_file, override=False)
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise SettingsError(
            "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env "
            "(copy .env.example; see README, 'Create the Discord application')."
        )
    api_base = os.environ.get("DISCORD_API_BASE") or None
    gateway_url = os.environ.get("DISCORD_GATEWAY_URL") or None
    if bool(api_base) != bool(gateway_url):
        raise SettingsError("Set DISCORD_API_BASE and DISCORD_GATEWAY_URL together, or neither.")
    return Settings(
        token=token,
        database_path=Path(os.environ.get("DATABASE_PATH") or "data/huddle.db"),
        log_level=(os.environ.get("LOG_LEVEL") or "INFO").upper(),
        dev_guild_id=_optional_int("DEV_GUILD_ID", os.environ.get("DEV_GUILD_ID")),
        api_base=api_base,
        gateway_url=gateway_url,
    )

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
    # The web server (core/web.py): None = off, 0 = any free port (tests). load_settings
    # gives HTTP_PORT's default 8080; code that builds Settings itself opts in.
    http_host: str = "127.0.0.1"
    http_port: int | None = None
    public_url: str | None = None

    def __repr__(self) -> str:  # never show the token, even in a traceback
        return (
            f"Settings(database_path={self.database_path!s}, log_level={self.log_level}, "
            f"dev_guild_id={self.dev_guild_id}, api_base={self.api_base}, "
            f"http={self.http_host}:{self.http_port}, public_url={self.public_url})"
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


def _http_port(raw: str | None) -> int | None:
    """HTTP_PORT: default 8080; 0 turns the web server off."""
    if raw is None or not raw.strip():
        return 8080
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"HTTP_PORT must be a port number (0 = off), got {raw!r}.") from None
    if not 0 <= port <= 65535:
        raise SettingsError(f"HTTP_PORT must be between 0 (off) and 65535, got {port}.")
    return port or None


def _public_url(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    url = raw.strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise SettingsError(
            f"PUBLIC_URL must be the full address a reverse proxy gives the bot, like "
            f"https://huddle.example.org, got {raw!r}."
        )
    return url


def load_database_path(env_file: str | os.PathLike[str] | None = ".env") -> Path:
    """DATABASE_PATH alone (backup and restore need no token)."""
    if env_file:
        load_dotenv(env_file, override=False)
    return Path(os.environ.get("DATABASE_PATH") or "data/huddle.db")


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
        database_path=load_database_path(None),
        log_level=(os.environ.get("LOG_LEVEL") or "INFO").upper(),
        dev_guild_id=_optional_int("DEV_GUILD_ID", os.environ.get("DEV_GUILD_ID")),
        api_base=api_base,
        gateway_url=gateway_url,
        http_host=(os.environ.get("HTTP_HOST") or "127.0.0.1").strip(),
        http_port=_http_port(os.environ.get("HTTP_PORT")),
        public_url=_public_url(os.environ.get("PUBLIC_URL")),
    )

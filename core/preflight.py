"""`python bot.py check`: are the settings and the database usable? No Discord connection.

Each finding is one line: `ok`, `note` (worth knowing, still usable) or `FAIL` (the bot
would not run, or would lose something). Usable = no FAIL (exit 0).
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path

from core.backup import AlreadyRunning, BackupError, inspect, not_running
from core.settings import Settings, SettingsError, load_settings
from core.store import available_migrations

_TOKEN_SHAPE = re.compile(r"^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$")


@dataclass(frozen=True)
class Finding:
    level: str  # "ok" | "note" | "FAIL"
    topic: str
    text: str

    def line(self) -> str:
        return f"{self.level:<4}  {self.topic}: {self.text}"


def run_check(env_file: str | None = ".env") -> list[Finding]:
    try:
        settings = load_settings(env_file)
    except SettingsError as exc:
        return [Finding("FAIL", "settings", str(exc))]
    findings = [Finding("ok", "settings", f"read ({settings!r})")]
    findings.append(token_finding(settings.token))
    running, database = database_findings(settings.database_path)
    findings += database
    findings.append(web_finding(settings, running))
    return findings


def token_finding(token: str) -> Finding:
    if _TOKEN_SHAPE.match(token):
        return Finding("ok", "token", "DISCORD_TOKEN is set and shaped like a bot token")
    return Finding(
        "note",
        "token",
        "DISCORD_TOKEN is set but not shaped like a bot token (three dot-separated parts);"
        " only Discord can tell whether it is valid",
    )


def database_findings(db: Path) -> tuple[bool, list[Finding]]:
    """(is a bot running on it, findings)."""
    latest = available_migrations()[-1][0]
    folder = db.parent if str(db.parent) else Path(".")
    if not db.exists():
        writable = _creatable(folder)
        if writable is None:
            return False, [
                Finding("ok", "database", f"{db} will be created at first start (v{latest})")
            ]
        return False, [Finding("FAIL", "database", f"{db} cannot be created: {writable}")]
    found: list[Finding] = []
    running = False
    try:
        with not_running(db):
            pass
    except AlreadyRunning as exc:
        running = True
        found.append(Finding("note", "database", f"{exc} Checked while it runs."))
    except OSError as exc:
        found.append(Finding("FAIL", "database", f"cannot take its lock file: {exc}"))
    if not os.access(db, os.W_OK) or not os.access(folder, os.W_OK):
        found.append(
            Finding(
                "FAIL",
                "database",
                f"{db} or its folder is not writable by this user (SQLite writes its"
                " -wal and -shm files beside the database)",
            )
        )
    try:
        info = inspect(db, latest)
    except BackupError as exc:
        return running, [*found, Finding("FAIL", "database", str(exc))]
    size = f"{info.size / 1_048_576:.1f} MiB"
    if info.schema_version < latest:
        found.append(
            Finding(
                "note",
                "database",
                f"{db} ({size}) is at schema v{info.schema_version}; the next start upgrades"
                f" it to v{latest}, after copying it beside itself",
            )
        )
    else:
        found.append(Finding("ok", "database", f"{db} ({size}), schema v{latest}, integrity ok"))
    return running, found


def _creatable(folder: Path) -> str | None:
    """None when a database can be created under `folder`, else why not."""
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not a writable folder"
    return None


def web_finding(settings: Settings, running: bool) -> Finding:
    if settings.http_port is None:
        return Finding("note", "web", "HTTP_PORT=0: no /healthz, /metrics or calendar feeds")
    where = f"{settings.http_host}:{settings.http_port}"
    public = settings.public_url or "PUBLIC_URL not set: calendar links are off"
    if running:
        return Finding("ok", "web", f"{where} (the running bot holds it); {public}")
    try:
        with socket.create_server((settings.http_host, settings.http_port)):
            pass
    except OSError as exc:
        return Finding(
            "note",
            "web",
            f"{where} is not free ({exc.strerror or exc}): the bot would run without its web"
            " server; set HTTP_PORT",
        )
    return Finding("ok", "web", f"{where} is free; {public}")

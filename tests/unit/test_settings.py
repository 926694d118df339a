from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
VARS = (
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "LOG_LEVEL",
    "DEV_GUILD_ID",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "HTTP_HOST",
    "HTTP_PORT",
    "PUBLIC_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in VARS:
        monkeypatch.delenv(name, raising=False)


def test_missing_token_says_what_to_set():
    with pytest.raises(SettingsError, match=r"DISCORD_TOKEN.*\.env"):
        load_settings(env_file=None)


def test_defaults(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi")
    settings = load_settings(env_file=None)
    assert settings.database_path == Path("data/huddle.db")
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert settings.api_base is None
    assert (settings.http_host, settings.http_port, settings.public_url) == (
        "127.0.0.1",
        8080,
        None,
    )


def test_http_port_zero_turns_the_web_server_off(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("HTTP_PORT", "0")
    assert load_settings(env_file=None).http_port is None


@pytest.mark.parametrize("raw", ["eighty", "70000", "-1"])
def test_http_port_must_be_a_port(monkeypatch, raw):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("HTTP_PORT", raw)
    with pytest.raises(SettingsError, match="HTTP_PORT"):
        load_settings(env_file=None)


def test_public_url_is_a_full_address(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("PUBLIC_URL", "https://huddle.example.org/")
    assert load_settings(env_file=None).public_url == "https://huddle.example.org"
    monkeypatch.setenv("PUBLIC_URL", "huddle.example.org")
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        load_settings(env_file=None)


def test_token_never_in_repr(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-token")
    assert "super-secret-token" not in repr(load_settings(env_file=None))


def test_api_base_and_gateway_go_together(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:1/api/v10")
    with pytest.raises(SettingsError, match="together"):
        load_settings(env_file=None)


def test_dev_guild_must_be_a_number(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("DEV_GUILD_ID", "abc")
    with pytest.raises(SettingsError, match="DEV_GUILD_ID"):
        load_settings(env_file=None)


def test_env_file_is_read(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=from-file\nLOG_LEVEL=debug\n")
    settings = load_settings(env_file=env)
    assert settings.token == "from-file"
    assert settings.log_level == "DEBUG"


def test_bot_without_token_prints_one_line_and_exits_2(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN" in lines[0] and ".env" in lines[0]
    assert "Traceback" not in result.stderr

"""Every extension loads and no two define the same command (python-discord's test_cogs)."""

from __future__ import annotations

import importlib

from core.bot import feature_extensions


def test_every_feature_is_an_extension():
    names = feature_extensions()
    assert names[0] == "cogs.admin"
    for expected in ("cogs.groups", "cogs.polls", "cogs.checkins", "cogs.events"):
        assert expected in names


def test_every_extension_has_setup():
    for name in feature_extensions():
        module = importlib.import_module(name)
        assert callable(getattr(module, "setup", None)), name

"""Events and check-ins own their lifecycle: unloading the extension undoes everything
loading it did (settings, scheduler handlers, component routes), and loading it again
brings it all back."""

from __future__ import annotations

import pytest

from cogs.checkins.jobs import FINAL_KIND, NUDGE_KIND, PROMPT_KIND
from cogs.events.cog import SETTINGS
from cogs.events.jobs import JOB_KINDS

pytestmark = pytest.mark.extensions("cogs.admin", "cogs.groups", "cogs.events", "cogs.checkins")


def state(bot) -> tuple[set, set, set]:
    routes = {r for r in bot.components.routes() if r[0] in ("events", "checkins")}
    kinds = {*JOB_KINDS, PROMPT_KIND, NUDGE_KIND, FINAL_KIND} & set(bot.scheduler._handlers)
    settings = {s.key for s in SETTINGS} & set(bot.config.specs)
    return routes, kinds, settings


async def test_unload_undoes_load(bot):
    loaded = state(bot)
    assert ("events", "going") in loaded[0] and ("checkins", "checkin-modal") in loaded[0]
    assert len(loaded[1]) == len(JOB_KINDS) + 3 and len(loaded[2]) == len(SETTINGS)
    assert bot.feature_cog("events") and bot.feature_cog("checkins")
    await bot.unload_extension("cogs.events")
    await bot.unload_extension("cogs.checkins")
    assert state(bot) == (set(), set(), set())
    assert bot.components.resolve("huddle:rsvp:1:going") is None  # aliases gone too
    await bot.load_extension("cogs.events")
    await bot.load_extension("cogs.checkins")
    assert state(bot) == loaded
    assert bot.components.resolve("huddle:checkin-modal:3").action == "checkin-modal"

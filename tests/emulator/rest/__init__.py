"""REST routes by resource; importing this package registers them all."""

from tests.emulator.rest import (  # noqa: F401
    channels,
    events,
    guilds,
    interactions,
    messages,
    misc,
    reactions,
)

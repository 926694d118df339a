"""A local Discord for end-to-end tests: REST under /api/v10, a gateway, spec validation."""

from tests.emulator.replies import Reply
from tests.emulator.server import Emulator
from tests.emulator.users import GuildHandle, UserHandle

__all__ = ["Emulator", "GuildHandle", "Reply", "UserHandle"]

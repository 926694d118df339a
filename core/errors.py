"""Errors a user can cause. Raise them anywhere under a command, a button or a modal; the
central handler (`core.bot.HuddleBot.handle_interaction_error`, reached from the command
tree's `on_error` and from `core.components.ComponentRouter`) answers them ephemerally in
plain words."""

from __future__ import annotations

from discord import app_commands


class UserError(app_commands.AppCommandError):
    """Something the user can fix. The message is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserError):
    """The thing named does not exist (or the user may not see it)."""


class NotAllowed(UserError):
    """The user lacks the role or standing to do this."""


FEATURE_NAMES = {"checkins": "Check-ins"}


class FeatureDisabled(UserError):
    def __init__(self, feature: str) -> None:
        label = FEATURE_NAMES.get(feature, feature.capitalize())
        super().__init__(
            f"{label} are **off** on this server. An admin can turn them on with "
            f"`/config feature feature:{feature} enabled:True`."
        )
        self.feature = feature


class BotMissingPermission(UserError):
    """The bot itself lacks a Discord permission; named as Discord names it."""

    def __init__(self, permission: str, action: str = "do that") -> None:
        super().__init__(
            f"I can't {action}: I'm missing the **{permission}** permission. "
            f"A server admin can grant it to my role in Server Settings → Roles."
        )
        self.permission = permission


class FeatureUnavailable(UserError):
    """A feature's extension is not loaded (being reloaded, or left out of the bot)."""

    def __init__(self, feature: str) -> None:
        super().__init__(f"{feature.capitalize()} aren't available right now. Try again shortly.")
        self.feature = feature


class GuildOnly(UserError):
    def __init__(self) -> None:
        super().__init__("This command only works inside a server.")

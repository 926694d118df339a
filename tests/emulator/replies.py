"""What a user sees after an interaction: the Reply object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.emulator.state import Interaction

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


def flatten(message: dict | None) -> list[str]:
    """Content plus every embed title/description/field/footer/author, as plain strings."""
    if not message:
        return []
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
        parts.append((embed.get("author") or {}).get("name") or "")
    parts += [c.get("label") or "" for c in walk_components(message.get("components") or [])]
    return [p for p in parts if p]


def walk_components(components: list[dict]) -> list[dict]:
    out = []
    for c in components:
        out.append(c)
        out += walk_components(c.get("components") or [])
        if c.get("component"):
            out += walk_components([c["component"]])
        if c.get("accessory"):
            out += walk_components([c["accessory"]])
    return out


@dataclass
class Reply:
    emulator: Emulator
    interaction: Interaction

    @property
    def type(self) -> int | None:
        """The callback type the bot answered with (4 message, 5 deferred, 7 update, 9 modal…)."""
        return self.interaction.response_type

    @property
    def deferred(self) -> bool:
        return self.interaction.response_type in (5, 6)

    @property
    def message(self) -> dict | None:
        inter = self.interaction
        world = self.emulator.world
        if inter.original_id is not None and inter.original_id in world.messages:
            return self.emulator.view_message(world.messages[inter.original_id])
        followups = self.followups
        return followups[0] if followups else None

    @property
    def message_id(self) -> int | None:
        message = self.message
        return int(message["id"]) if message else None

    @property
    def followups(self) -> list[dict]:
        world = self.emulator.world
        return [
            self.emulator.view_message(world.messages[i])
            for i in self.interaction.followups
            if i in world.messages
        ]

    @property
    def content(self) -> str:
        message = self.message
        return (message or {}).get("content") or ""

    @property
    def embeds(self) -> list[dict]:
        return (self.message or {}).get("embeds") or []

    @property
    def components(self) -> list[dict]:
        return (self.message or {}).get("components") or []

    @property
    def ephemeral(self) -> bool:
        message = self.message
        if message is not None:
            return bool(message["flags"] & 64)
        return bool(int((self.interaction.response_data or {}).get("flags") or 0) & 64)

    @property
    def modal(self) -> dict | None:
        return self.interaction.modal

    @property
    def choices(self) -> list[dict] | None:
        return self.interaction.choices

    @property
    def text(self) -> str:
        parts = flatten(self.message)
        primary = self.message_id
        for followup in self.followups:
            if int(followup["id"]) != primary:
                parts += flatten(followup)
        return "\n".join(parts)

    @property
    def attachments(self) -> list[dict[str, Any]]:
        out = []
        seen = set()
        messages = [m for m in [self.message, *self.followups] if m]
        for message in messages:
            for att in message.get("attachments") or []:
                if att["id"] in seen:
                    continue
                seen.add(att["id"])
                out.append(
                    {
                        "filename": att["filename"],
                        "content": self.emulator.world.attachments.get(int(att["id"]), b""),
                        "content_type": att.get("content_type"),
                    }
                )
        return out

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in walk_components(self.components) if c.get("custom_id")]

    def __repr__(self) -> str:
        return (
            f"Reply(type={self.type}, ephemeral={self.ephemeral}, text={self.text!r:.300}, "
            f"custom_ids={self.custom_ids()}, modal={bool(self.modal)})"
        )

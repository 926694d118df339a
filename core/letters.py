"""Regional-indicator letters 🇦 … 🇹, the emoji members react with to pick one of a
message's options (Discord allows 20 distinct reactions per message), and `A; B; C`
option lists. Pure: no discord imports."""

from __future__ import annotations

MAX_LETTERS = 20
_FIRST = 0x1F1E6  # 🇦


def letter(index: int) -> str:
    """🇦 for option 0, 🇧 for option 1, …"""
    return chr(_FIRST + index)


def letter_index(emoji: str, count: int = MAX_LETTERS) -> int | None:
    """The option an emoji stands for among the first `count`, or None if it is none."""
    text = emoji.strip().replace("\ufe0f", "")
    if len(text) != 1:
        return None
    index = ord(text) - _FIRST
    return index if 0 <= index < count else None


def split_list(text: str) -> list[str]:
    """`A; B;; C` -> ["A", "B", "", "C"]: stripped parts, empty ones kept."""
    return [part.strip() for part in text.split(";")]

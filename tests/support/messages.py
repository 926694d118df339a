"""What a member sees of a message in the emulator: its text (content, embed title,
description, fields, footer) and the custom id of a button by its label."""

from __future__ import annotations


def text_of(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def button_id(message: dict, label: str) -> str:
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if item.get("label") == label:
                return item["custom_id"]
    raise AssertionError(f"no {label!r} button on {text_of(message)[:200]}")

"""The month as members see it (docs/month-as-members-see-it.md): what the members did and every message, edit,
reply, modal and DM the bot sent, in order, as text; and the places where Discord shows a
`<t:…>` token raw (titles, author names, field names, footers, buttons, choices, modal
labels, file names).

`Month.act` notes what a member did; `Month.dump` reads the emulator's request log
(every successful call the bot made) between those notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

RAW_TIME = re.compile(r"<t:-?\d+(:[tTdDfFR])?>")
MESSAGE = re.compile(r"^/channels/(\d+)/messages$")
EDIT = re.compile(r"^/channels/(\d+)/messages/(\d+)$")
CALLBACK = re.compile(r"^/interactions/\d+/[^/]+/callback$")
WEBHOOK = re.compile(r"^/webhooks/\d+/[^/]+(/messages/(@original|\d+))?$")
KINDS = {4: "reply", 7: "updates the message", 8: "autocomplete", 9: "modal"}


@dataclass
class Month:
    emulator: Any
    guild: Any
    notes: list[tuple[int, str]] = field(default_factory=list)

    def passes(self) -> None:
        """A note that time moved on: what follows came by itself (prompts, reminders)."""
        when = datetime.fromtimestamp(self.emulator.clock.now(), UTC).strftime("%a %d %b %H:%M")
        self.notes.append((len(self.emulator.requests), f"*— {when} —*"))

    def act(self, who: str, what: str) -> None:
        when = datetime.fromtimestamp(self.emulator.clock.now(), UTC).strftime("%a %d %b %H:%M")
        self.notes.append((len(self.emulator.requests), f"**{when} · {who}** {what}"))

    # -- what the bot sent ------------------------------------------------------------------

    def sent(self) -> list[tuple[int, str, dict]]:
        """(request index, kind, body) of every successful message-like call."""
        found = []
        for index, r in enumerate(self.emulator.requests):
            if r.status >= 300 or not isinstance(r.json, dict):
                continue
            kind = self.kind(r.method, r.path, r.json)
            if kind:
                found.append((index, kind, r.json))
        return found

    def kind(self, method: str, path: str, body: dict) -> str:
        if method == "POST" and (m := MESSAGE.match(path)):
            return f"message in {self.where(int(m[1]))}"
        if method == "PATCH" and (m := EDIT.match(path)):
            return f"edit in {self.where(int(m[1]))}"
        if method == "POST" and CALLBACK.match(path):
            kind = KINDS.get(int(body.get("type", 0)))
            if kind is None:
                return ""
            data = body.get("data") or {}
            private = int(data.get("flags") or 0) & 64
            return f"{kind} (only they see it)" if private and kind == "reply" else kind
        if WEBHOOK.match(path) and method in ("POST", "PATCH"):
            return "follow-up reply" if method == "POST" else "reply"
        return ""

    def where(self, channel_id: int) -> str:
        world = self.emulator.world
        for user_id, channel in world.dm_channels.items():
            if int(channel["id"]) == channel_id:
                return f"DM to @{self.name(user_id)}"
        try:
            return f"#{self.guild.channel(channel_id)['name']}"
        except (KeyError, LookupError, AssertionError):
            return f"channel {channel_id}"

    def name(self, user_id: int) -> str:
        for name, known in self.guild._names.items():
            if int(known) == int(user_id):
                return name.capitalize()
        return "Huddle" if int(user_id) == self.guild.bot_id else str(user_id)

    # -- as text ----------------------------------------------------------------------------

    def readable(self, text: str) -> str:
        text = re.sub(r"<@!?(\d+)>", lambda m: f"@{self.name(int(m[1]))}", text)
        return re.sub(r"<#(\d+)>", lambda m: self.where(int(m[1])), text)

    def body_text(self, body: dict) -> list[str]:
        data = body.get("data") if "type" in body and "data" in body else body
        data = data or {}
        lines = []
        if data.get("title") and data.get("custom_id"):  # a modal
            lines.append(f"Modal **{data['title']}**")
        if data.get("content"):
            lines += data["content"].splitlines()
        for embed in data.get("embeds") or []:
            if embed.get("title"):
                lines.append(f"▌ **{embed['title']}**")
            if embed.get("description"):
                lines += [f"▌ {line}" for line in embed["description"].splitlines()]
            for f in embed.get("fields") or []:
                lines.append(f"▌ *{f['name']}*: " + f["value"].replace("\n", " / "))
            if (embed.get("footer") or {}).get("text"):
                lines.append(f"▌ _{embed['footer']['text']}_")
        for choice in data.get("choices") or []:
            lines.append(f"• choice: {choice['name']}")
        for item in components(data.get("components") or []):
            lines.append(f"[{item}]")
        for a in data.get("attachments") or []:
            lines.append(f"📎 {a.get('filename')} — description: {a.get('description')!r}")
        return [self.readable(line) for line in lines]

    def dump(self) -> str:
        out = ["# A book-club month as members see it", ""]
        out.append(
            "Written by `tests/e2e/test_month_as_members_see_it.py` with "
            "`HUDDLE_WRITE_MONTH=1`: what members did (**bold**) and everything the bot "
            "sent, in order. `<t:…>` tokens are shown as sent (Discord renders them in "
            "message text, embed descriptions and field values)."
        )
        out.append("")
        events = [(i, 0, note) for i, note in self.notes]
        events += [(i, 1, (kind, body)) for i, kind, body in self.sent()]
        for _, order, item in sorted(events, key=lambda e: (e[0], e[1])):
            if order == 0:
                out += ["", str(item)]
                continue
            kind, body = item
            out.append(f"- *{kind}*:")
            out += [f"  {line}" for line in self.body_text(body)]
        return "\n".join(out) + "\n"

    # -- where Discord shows <t:…> raw ------------------------------------------------------

    def raw_times(self) -> list[str]:
        found = []
        for _, kind, body in self.sent():
            data = body.get("data") if "type" in body and "data" in body else body
            data = data or {}
            places = [data.get("title") if data.get("custom_id") else None]
            for embed in data.get("embeds") or []:
                places += [embed.get("title"), (embed.get("author") or {}).get("name")]
                places += [(embed.get("footer") or {}).get("text")]
                places += [f.get("name") for f in embed.get("fields") or []]
            places += [c.get("name") for c in data.get("choices") or []]
            places += components(data.get("components") or [])
            places += [a.get("filename") for a in data.get("attachments") or []]
            found += [f"{kind}: {p}" for p in places if p and RAW_TIME.search(str(p))]
        return found

    def pictures(self) -> list[dict]:
        return [
            a
            for _, _, body in self.sent()
            for a in ((body.get("data") or body) if "type" in body else body).get("attachments")
            or []
            if str(a.get("filename", "")).endswith(".png")
        ]


def components(rows: list[dict]) -> list[str]:
    """Buttons, selects and text fields as `label` texts (the places they show text)."""
    found: list[str] = []
    for row in rows:
        if row.get("type") == 18:
            found.append(f"label: {row.get('label')}")
        for item in [*(row.get("components") or []), row.get("component")]:
            if not isinstance(item, dict):
                continue
            if item.get("components") or item.get("component"):
                found += components([item])
                continue
            label = item.get("label") or item.get("placeholder") or ""
            emoji = (item.get("emoji") or {}).get("name") or ""
            if item.get("type") == 3:
                options = ", ".join(
                    f"{(o.get('emoji') or {}).get('name', '')} {o['label']}".strip()
                    for o in item.get("options") or []
                )
                label = f"select: {options}"
            found.append(f"{emoji} {label}".strip())
    return found

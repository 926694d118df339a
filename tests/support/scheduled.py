"""A group is private (docs/rules.md): a group event gets a Discord scheduled event only in the
group's own voice channel, never a server-wide external one. `group_scheduled_event_
violations` reads the emulator's scheduled events against the bot's database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

EXTERNAL, VOICE = 3, 2
NAME_LIMIT = 100  # Discord's scheduled-event name limit: a long title is cut


def _events(db_path: Path) -> tuple[list[dict], set[int]]:
    """The group events (with their group's voice channel), and the scheduled-event ids
    of server events (never mistaken for a group event of the same name)."""
    if not Path(db_path).exists():
        return [], set()
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"events", "groups"} <= tables:
            return [], set()
        rows = con.execute(
            "SELECT e.id, e.title, e.scheduled_event_id, g.name AS group_name,"
            " g.voice_channel_id FROM events e JOIN groups g ON g.id = e.group_id"
        ).fetchall()
        server = con.execute(
            "SELECT scheduled_event_id FROM events"
            " WHERE group_id IS NULL AND scheduled_event_id IS NOT NULL"
        ).fetchall()
        return [dict(r) for r in rows], {int(r[0]) for r in server}
    finally:
        con.close()


def _names_match(scheduled_name: str, title: str) -> bool:
    a, b = scheduled_name.strip().casefold(), title.strip().casefold()
    return a == b or (len(a) >= NAME_LIMIT - 1 and b.startswith(a.rstrip("…")))


def group_scheduled_event_violations(emulator, db_path: Path | None) -> list[str]:
    """Every scheduled event in the emulator that shows a group event where others can
    see it: a server-wide (external) one, one of a group with no voice channel, or one in
    a channel other than the group's own voice channel."""
    events, server_ids = _events(db_path) if db_path is not None else ([], set())
    out = []
    for guild in emulator.world.guilds.values():
        for scheduled in guild.scheduled_events.values():
            sid = int(scheduled["id"])
            name = scheduled.get("name") or ""
            if sid in server_ids:
                continue
            for event in events:
                linked = (
                    event["scheduled_event_id"] is not None
                    and int(event["scheduled_event_id"]) == sid
                )
                if not linked and not _names_match(name, event["title"]):
                    continue
                voice = event["voice_channel_id"]
                channel = scheduled.get("channel_id")
                why = None
                if scheduled.get("entity_type") == EXTERNAL:
                    why = "a server-wide external scheduled event"
                elif voice is None:
                    why = "a scheduled event of a group with no voice channel"
                elif channel is None or int(channel) != int(voice):
                    why = f"a scheduled event in channel {channel}, not the group's voice channel"
                if why:
                    out.append(
                        f"{why}: {name!r} (scheduled event {sid}) shows group event "
                        f"{event['title']!r} of {event['group_name']!r}"
                    )
    return out

"""The privacy-matrix world (docs/testing.md): one server with a private group holding one of
everything, six people in six roles, a public poll and event as controls, and the
snapshots that tell whether a refused action changed anything.

Nothing here asserts who may do what: that is the table in
tests/e2e/test_privacy_matrix.py."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.emulator.replies import flatten
from tests.support.groups import create, slash
from tests.support.polls import fast_edits, last_poll, quiet

GROUP = "Secret Society"
DESCRIPTION = "A quiet reading circle"  # public: /group list and /group info show it

# Everything below belongs to the group: an outsider must never read any of it.
POLL_Q = "Which grimoire next?"
POLL_OPTIONS = ("Necronomicon", "Voynich Codex")
EVENT_TITLE = "Midnight conclave"
EVENT_WHERE = "https://secret.example/room-7f3a"
EVENT_DESCRIPTION = "Bring the cipher key"
VOICE_EVENT = "Whispered readings"  # a group event in the group's voice channel
FINDTIME_TITLE = "Conclave slot hunt"
CHECKIN_NOTE = "Decoded page thirteen"
CHECKIN_PROMPT = "What did the cipher reveal"
GOAL = "Translate the lost codex"
CYCLE_NAME = "Forbidden reading"
NOMINATION = "The King in Yellow"

SECRETS = (
    POLL_Q,
    *POLL_OPTIONS,
    EVENT_TITLE,
    EVENT_WHERE,
    "secret.example",
    EVENT_DESCRIPTION,
    VOICE_EVENT,
    FINDTIME_TITLE,
    CHECKIN_NOTE,
    CHECKIN_PROMPT,
    GOAL,
    CYCLE_NAME,
    NOMINATION,
)

# Public controls: an outsider sees these.
PUBLIC_POLL = "Town picnic day?"
PUBLIC_EVENT = "Open picnic"

# The six roles, and who plays them (GuildHandle member names).
ROLES = ("outsider", "member", "leader", "creator", "manager", "admin")
PLAYERS = {
    "outsider": "dave",
    "member": "bob",
    "leader": "carol",  # a co-leader who created nothing
    "creator": "alice",  # created the group and everything in it
    "manager": "manager",
    "admin": "admin",
}


@dataclass
class World:
    guild: Any
    bot: Any
    emulator: Any
    db_path: Path
    group_id: int = 0
    channel_id: int = 0
    voice_id: int = 0
    poll_id: int = 0
    poll_message: int = 0
    public_poll_id: int = 0
    event_id: int = 0
    event_message: dict = field(default_factory=dict)
    public_event_message: dict = field(default_factory=dict)
    findtime_message: int = 0
    prompt_message: dict = field(default_factory=dict)
    cycle_message: dict = field(default_factory=dict)
    panel_message: dict = field(default_factory=dict)
    spare: int = 0  # a counter for throw-away things (fresh polls, events, groups)

    def user(self, role: str):
        return self.guild.member(PLAYERS[role])

    def next(self) -> int:
        self.spare += 1
        return self.spare


def ok(reply, *needles: str) -> None:
    for needle in needles:
        assert needle in reply.text, (needle, reply.text)


async def build(guild, bot, emulator, db_path: Path) -> World:
    """The world: Secret Society (invite only, with a voice channel) led by alice (its
    creator) and carol (co-leader), bob a member; dave an outsider; manager holds the
    community-manager role; admin has Manage Server."""
    fast_edits(bot)
    w = World(guild, bot, emulator, db_path)
    await guild.admin.slash("config manager-role", role=guild.manager_role_id)
    # Room for the spare groups the matrix makes for writes that use a group up.
    await guild.admin.slash("config groups", max_per_member=100, max_size=200)
    made = await create(guild.alice, GROUP, DESCRIPTION, voice=True, max_members=100)
    ok(made, "Created")
    w.group_id = int(await bot.store.fetchval("SELECT id FROM groups WHERE name = ?", (GROUP,)))
    row = await bot.store.fetchone(
        "SELECT channel_id, voice_channel_id FROM groups WHERE id = ?", (w.group_id,)
    )
    w.channel_id, w.voice_id = int(row["channel_id"]), int(row["voice_channel_id"])
    for name in ("bob", "carol"):
        ok(
            await guild.alice.slash("group invite", group=GROUP, member=guild.member(name)),
            "now in",
        )
    ok(await guild.alice.slash("group promote", group=GROUP, member=guild.carol), "")
    # A panel posted while the group was open keeps its Join button after it turns
    # invite-only (a stale panel): the button must not let an outsider in.
    ok(await create(guild.owner, "Open Hall", "Anyone welcome"), "Created")
    ok(await guild.owner.slash("group panel"), "Posted")
    w.panel_message = newest_with_label(guild, guild.general, f"Join {GROUP}")
    ok(await slash(guild.alice, "group edit", group=GROUP, visibility="invite"), "")

    # Polls: the group's, with a vote, and a public one.
    await guild.owner.slash("poll create", question=PUBLIC_POLL, options="Sat;Sun")
    w.public_poll_id = poll_number(last_poll(guild))
    await guild.alice.slash(
        "poll create", question=POLL_Q, options=";".join(POLL_OPTIONS), group=GROUP
    )
    message = last_poll(guild, w.channel_id)
    assert message is not None, "the group poll was not posted in the group's channel"
    w.poll_message, w.poll_id = int(message["id"]), poll_number(message)
    await guild.bob.react(w.poll_message, "🇦")
    await quiet(bot, emulator)

    # Events: a group event with a secret place, one in the voice channel, a public one.
    made = await guild.alice.slash(
        "event create", title=EVENT_TITLE, when="in 3 days", group=GROUP,
        where=EVENT_WHERE, description=EVENT_DESCRIPTION,
    )  # fmt: skip
    ok(made, "Created")
    w.event_message = rsvp_message(guild, w.channel_id, EVENT_TITLE)
    w.event_id = int(button_ids(w.event_message)["Going"].rsplit(":", 1)[1])
    ok(await guild.bob.click(w.event_message, button_ids(w.event_message)["Going"]), "")
    made = await guild.alice.slash("event create", title=VOICE_EVENT, when="in 4 days", group=GROUP)
    ok(made, "Created")
    made = await guild.owner.slash("event create", title=PUBLIC_EVENT, when="in 5 days")
    ok(made, "Created")
    w.public_event_message = rsvp_message(guild, guild.general, PUBLIC_EVENT)
    made = await guild.alice.slash(
        "event findtime", title=FINDTIME_TITLE, group=GROUP,
        options="2026-12-10 18:00; 2026-12-11 18:00", closes="3d",
    )  # fmt: skip
    found = [m for m in guild.messages(w.channel_id) if FINDTIME_TITLE in "\n".join(flatten(m))]
    assert found, made.text
    w.findtime_message = int(found[-1]["id"])

    # Check-ins: a schedule, a check-in, a goal; the prompt (with its button) posted now.
    ok(
        await guild.alice.slash(
            "checkin schedule", group=GROUP, cadence="daily", time="18:00",
            prompt=CHECKIN_PROMPT,
        ),
        "",
    )  # fmt: skip
    ok(await guild.bob.slash("checkin log", group=GROUP, note=CHECKIN_NOTE), "")
    ok(await guild.bob.slash("goal set", group=GROUP, text=GOAL), "")
    await bot.clock.advance(6 * 3600 + 60)  # 18:01 UTC: the day's prompt is posted
    await quiet(bot, emulator)
    w.prompt_message = newest_with_button(guild, w.channel_id, "huddle:checkins:checkin:")

    # A cycle with a nomination; its announcement carries the Nominate button.
    ok(
        await slash(
            guild.alice, "cycle start", group=GROUP, name=CYCLE_NAME, meet="last thursday 19:00"
        ),
        "",
    )
    ok(await guild.bob.slash("cycle nominate", group=GROUP, pick=NOMINATION), "")
    w.cycle_message = newest_with_label(guild, w.channel_id, "Nominate")
    await quiet(bot, emulator)
    return w


def poll_number(message: dict | None) -> int:
    assert message is not None, "no poll message"
    return int(message["embeds"][0]["footer"]["text"].removeprefix("Poll #").split()[0])


def button_ids(message: dict) -> dict[str, str]:
    from tests.emulator.replies import walk_components

    return {
        c["label"]: c["custom_id"]
        for c in walk_components(message.get("components") or [])
        if c.get("custom_id") and c.get("label")
    }


def rsvp_message(guild, channel: int, title: str) -> dict:
    for message in reversed(guild.messages(channel)):
        if "huddle:events:going:" in str(message.get("components")) and title in "\n".join(
            flatten(message)
        ):
            return message
    raise AssertionError(f"no event message for {title!r}")


def newest_with_button(guild, channel: int, prefix: str) -> dict:
    for message in reversed(guild.messages(channel)):
        if prefix in str(message.get("components")):
            return message
    raise AssertionError(f"no message with a {prefix!r} button")


def newest_with_label(guild, channel: int, label: str) -> dict:
    for message in reversed(guild.messages(channel)):
        if label in button_ids(message):
            return message
    raise AssertionError(f"no message with a {label!r} button")


# -- snapshots: did anything change? ------------------------------------------------------


SKIP_TABLES = {"sqlite_sequence", "meta"}


def db_snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (read through a second connection: WAL shows what the
    bot committed)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in SKIP_TABLES
        ]
        return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        con.close()


def discord_snapshot(emulator, guild_id: int) -> dict[str, Any]:
    """What Discord shows: guild messages (text, components, reactions), roles, channels,
    member roles and scheduled events — interactions' own replies left out."""
    world = emulator.world
    g = world.guilds[guild_id]
    replies = set()
    for inter in world.interactions.values():
        replies.update(inter.followups)
        if inter.original_id is not None:
            replies.add(inter.original_id)
    messages = {}
    for channel_id in g.channels:
        for mid in world.channel_messages.get(channel_id, []):
            if mid in replies:
                continue
            m = world.messages[mid]
            messages[mid] = (
                tuple(flatten(m)),
                repr(m.get("components")),
                repr({k: list(v) for k, v in world.reactions.get(mid, {}).items() if v}),
            )
    return {
        "messages": messages,
        "roles": {r: (v["name"], v["permissions"]) for r, v in g.roles.items()},
        "channels": {c: repr(v) for c, v in g.channels.items()},
        "member_roles": {u: sorted(v["roles"]) for u, v in g.members.items()},
        "scheduled": {e: repr(v) for e, v in g.scheduled_events.items()},
    }


def diff(before: dict, after: dict) -> list[str]:
    out = []
    for key in sorted(set(before) | set(after), key=str):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out += [f"{key}.{d}" for d in diff(a, b)]
        elif isinstance(a, list) and isinstance(b, list):
            gone = [x for x in a if x not in b]
            new = [x for x in b if x not in a]
            out.append(f"{key}: -{gone[:3]} +{new[:3]}")
        else:
            out.append(f"{key}: {str(a)[:200]} -> {str(b)[:200]}")
    return out


__all__ = [
    "GROUP",
    "PLAYERS",
    "ROLES",
    "SECRETS",
    "World",
    "build",
    "db_snapshot",
    "diff",
    "discord_snapshot",
]

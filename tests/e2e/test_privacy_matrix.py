"""The permission and privacy matrix: every slash command path × {outsider,
member, leader, creator, manager, admin}, through the emulator, on one world built once
per module (tests/support/matrix.py): a private group holding a poll, events, a
find-a-time poll, a check-in schedule with a check-in and a goal, and a cycle with a
nomination.

The TABLE below is the rule. Each row names a command path, who may run it (`may`), who
sees the group's secrets through it (`sees`: the `shows` strings must be in their reply,
attachment included), and how to call it. For every (row, role):
- a refused role gets an ephemeral reply with no secret in it, and nothing changes
  (every database table and what Discord shows: messages, reactions, roles, channels,
  member roles, scheduled events);
- an allowed role gets the row's `ok` text; a secret is only ever in an ephemeral reply
  (the commands run in #general, which everyone reads); an allowed read changes nothing.
`test_the_table_covers_every_command` fails when a command is added without a row, and
every autocomplete option of every command is asked by the outsider with no secret in
any choice. The rules: docs/rules.md, "Who may do what" and "A group is private"."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio

from core.clock import FakeClock
from core.pacing import Pacer
from tests.emulator import Emulator
from tests.emulator.harness import start_bot, stop_bot
from tests.emulator.replies import walk_components
from tests.support import matrix as m
from tests.support.channels import staff_channel
from tests.support.groups import create, slash
from tests.support.matrix import GROUP, ROLES, SECRETS, World
from tests.support.polls import last_poll, quiet
from tests.support.scheduled import group_scheduled_event_violations

pytestmark = pytest.mark.asyncio(loop_scope="module")
PROBE = bool(os.environ.get("MATRIX_PROBE"))

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

ALL = frozenset(ROLES)
INSIDERS = ALL - {"outsider"}  # who sees a group's things: members, leaders, managers, admins
MEMBERS = frozenset({"member", "leader", "creator"})  # recorded in the group
LEADS = frozenset({"leader", "creator", "manager", "admin"})  # manage the group
STAFF = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()

Options = Callable[[World, str], dict[str, Any]]
Fresh = Callable[[World, str], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Row:
    path: str  # "poll results"
    may: frozenset[str]  # roles whose call succeeds (the reply has `ok`)
    options: Options = lambda w, role: {}
    sees: frozenset[str] = INSIDERS  # who may see secrets (`shows` when allowed); others none
    shows: tuple[str, ...] = ()
    ok: str = ""  # text in an allowed role's reply
    write: bool = False  # an allowed call may change things
    fresh: Fresh | None = None  # allowed roles act on a throw-away target made by this
    after: Fresh | None = None  # clean-up after an allowed call (e.g. delete a made group)
    also_secret: tuple[str, ...] = ()  # more text a role outside `sees` must not get
    hidden: Callable[[World], tuple[str, ...]] | None = None  # …computed from the world
    note: str = ""
    variant: str = ""  # a second row of a path (e.g. with its `group:` option)

    @property
    def id(self) -> str:
        return self.path.replace(" ", "-") + (f"[{self.variant}]" if self.variant else "")


# -- throw-away targets for allowed writes that use up what they act on ----------------------


async def fresh_poll(w: World, role: str) -> dict[str, Any]:
    await w.guild.alice.slash(
        "poll create", question=f"{m.POLL_Q} ({w.next()})", options="Necronomicon;Voynich",
        group=GROUP,
    )  # fmt: skip
    return {"poll": str(m.poll_number(last_poll(w.guild, w.channel_id)))}


async def fresh_event(w: World, role: str) -> dict[str, Any]:
    title = f"{m.EVENT_TITLE} {w.next()}"
    made = await w.guild.alice.slash("event create", title=title, when="in 6 days", group=GROUP)
    assert "Created" in made.text, made.text
    message = m.rsvp_message(w.guild, w.channel_id, title)
    return {"event": m.button_ids(message)["Going"].rsplit(":", 1)[1]}


async def spare_group(w: World, *, cycle: bool = False, schedule: bool = False) -> str:
    """Another private group with the same cast (alice created it, carol co-leads, bob is a
    member), for writes that would use up the world's group."""
    name = f"Spare {w.next()}"
    g = w.guild
    made = await create(g.alice, name, "Spare", visibility="invite")
    assert "Created" in made.text, made.text
    for user in (g.bob, g.carol):
        await g.alice.slash("group invite", group=name, member=user)
    await g.alice.slash("group promote", group=name, member=g.carol)
    if cycle:
        await slash(
            g.alice, "cycle start", group=name, name="Spare club", meet="last thursday 19:00"
        )
    if schedule:
        await g.alice.slash("checkin schedule", group=name, cadence="daily", time="18:00")
    return name


def spare(**kw: bool) -> Fresh:
    async def make(w: World, role: str) -> dict[str, Any]:
        return {"group": await spare_group(w, **kw)}

    return make


async def archived_spare(w: World, role: str) -> dict[str, Any]:
    name = await spare_group(w)
    await w.guild.alice.slash("group archive", group=name)
    return {"group": name}


async def extra_in_group(w: World, role: str, *, leader: bool = False) -> dict[str, Any]:
    user = w.guild.add_member(f"extra{w.next()}")
    await w.guild.alice.slash("group invite", group=GROUP, member=user)
    if leader:
        await w.guild.alice.slash("group promote", group=GROUP, member=user)
    return {"group": GROUP, "member": user}


async def new_extra(w: World, role: str) -> dict[str, Any]:
    return {"group": GROUP, "member": w.guild.add_member(f"extra{w.next()}")}


async def fresh_goal(w: World, role: str) -> dict[str, Any]:
    await w.user(role).slash("goal set", group=GROUP, text="A goal to clear")
    return {"group": GROUP}


async def delete_made_group(w: World, role: str) -> dict[str, Any]:
    name = f"Made by {role}"
    asked = await w.user(role).slash("group delete", group=name)
    await w.user(role).click(asked, m.button_ids(asked.message)["Delete"])
    return {}


def member_mention(w: World) -> tuple[str, ...]:
    return (w.user("member").mention,)  # bob is no leader: who he is stays inside


def group(w: World, role: str) -> dict[str, Any]:
    return {"group": GROUP}


def of(**kw: Any) -> Options:
    return lambda w, role: dict(kw)


# -- THE TABLE ------------------------------------------------------------------------------

EVENT = lambda w, role: {"event": str(w.event_id)}  # noqa: E731
POLL = lambda w, role: {"poll": str(w.poll_id)}  # noqa: E731

TABLE: list[Row] = [
    # groups: anyone browses (name, description, size, leaders); leaders manage.
    Row("group list", ALL, ok=m.DESCRIPTION, hidden=member_mention, note="public parts only"),
    Row(
        "group info",
        ALL,
        group,
        ok=m.DESCRIPTION,
        hidden=member_mention,
        note="public parts only: an outsider is not shown who the members are",
    ),
    Row(
        "group create",
        ALL,
        lambda w, role: {"name": f"Made by {role}", "description": "x"},
        ok="Created",
        write=True,
        after=delete_made_group,
    ),
    Row("group join", NOBODY, group, note="invite-only: nobody joins by themselves"),
    Row("group leave", MEMBERS, group, ok="You left", write=True, fresh=spare()),
    Row(
        "group invite",
        LEADS,
        lambda w, role: {"group": GROUP, "member": w.guild.owner},
        ok="is now in",
        write=True,
        fresh=new_extra,
    ),
    Row(
        "group kick",
        LEADS,
        lambda w, role: {"group": GROUP, "member": w.guild.bob},
        ok="was removed from",
        write=True,
        fresh=extra_in_group,
    ),
    Row(
        "group promote",
        LEADS,
        lambda w, role: {"group": GROUP, "member": w.guild.bob},
        ok="is now a leader",
        write=True,
        fresh=extra_in_group,
    ),
    Row(
        "group demote",
        LEADS,
        lambda w, role: {"group": GROUP, "member": w.guild.carol},
        ok="no longer a leader",
        write=True,
        fresh=lambda w, role: extra_in_group(w, role, leader=True),
    ),
    Row(
        "group edit",
        LEADS,
        lambda w, role: {"group": GROUP, "description": m.DESCRIPTION},
        ok="Updated",
        write=True,
    ),
    Row("group archive", LEADS, group, ok="is archived", write=True, fresh=spare()),
    Row("group restore", LEADS, group, ok="is active again", write=True, fresh=archived_spare),
    Row("group delete", LEADS, group, ok="Delete", note="asks with a Delete button"),
    Row("group repair", LEADS, group, ok="nothing needed repairing"),
    Row(
        "group panel",
        LEADS,
        ok="Posted a panel",
        write=True,
        note="leaders of any group and managers",
    ),
    # check-ins and goals: members check in; leaders and managers schedule.
    Row(
        "goal list",
        ALL,
        lambda w, role: {"member": w.guild.bob},
        sees=INSIDERS,
        shows=(m.GOAL,),
        ok="goal",
        also_secret=(GROUP,),
        note="another member's goals: only in groups the viewer sees",
    ),
    Row("goal list", ALL, ok="goal", variant="own", sees=MEMBERS, also_secret=(GROUP,)),
    Row(
        "goal set",
        MEMBERS,
        lambda w, role: {"group": GROUP, "text": f"Goal of {role}"},
        ok="Your goal in",
        write=True,
    ),
    Row("goal clear", MEMBERS, group, ok="is cleared", write=True, fresh=fresh_goal),
    Row(
        "checkin schedule",
        LEADS,
        of(group=GROUP, cadence="daily", time="18:00", prompt=m.CHECKIN_PROMPT),
        ok="scheduled at 18:00",
        write=True,
    ),
    Row("checkin unschedule", LEADS, group, ok="stopped", write=True, fresh=spare(schedule=True)),
    Row(
        "checkin log",
        MEMBERS,
        lambda w, role: {"group": GROUP, "note": f"by {role}"},
        ok="Checked in",
        write=True,
    ),
    Row(
        "checkin streak",
        INSIDERS,
        lambda w, role: {"member": w.guild.bob, "group": GROUP},
        shows=(GROUP,),
        ok="current streak",
    ),
    Row(
        "checkin streak",
        ALL,
        lambda w, role: {"member": w.guild.bob},
        variant="any group",
        shows=(GROUP,),
        also_secret=(GROUP,),
        ok="",
        note="without group: only the groups the viewer sees",
    ),
    Row("checkin board", INSIDERS, group, shows=(f"Check-in board — {GROUP}",)),
    # polls: members create and vote; creator, leaders, managers close and recount.
    Row(
        "poll create",
        MEMBERS | {"manager"},
        lambda w, role: {"question": f"Poll by {role}", "options": "a;b", "group": GROUP},
        ok="posted",
        write=True,
        note="admin (Manage Server only) can't post in the group's channel",
    ),
    Row("poll results", INSIDERS, POLL, shows=(m.POLL_Q, m.POLL_OPTIONS[0], "1 vote")),
    Row("poll list", ALL, shows=(m.POLL_Q,), ok=m.PUBLIC_POLL),
    Row("poll list", INSIDERS, group, variant="group", shows=(m.POLL_Q,), ok=m.POLL_Q),
    Row("poll recount", LEADS, POLL, shows=(m.POLL_OPTIONS[0],), ok="Recounted"),
    Row("poll close", LEADS, POLL, ok="Closed poll", write=True, fresh=fresh_poll),
    Row(
        "poll nudge",
        LEADS,
        POLL,
        ok="Nudging",
        write=True,
        fresh=fresh_poll,
        note="DMs the group's members who haven't voted; a fresh poll: once per 12 hours",
    ),
    # events: members plan and answer; creator, leaders, managers edit and cancel.
    Row(
        "event create",
        MEMBERS | {"manager"},
        lambda w, role: {"title": f"Event by {role}", "when": "in 5 days", "group": GROUP},
        ok="Created",
        write=True,
        note="admin (Manage Server only) can't post in the group's channel",
    ),
    Row("event list", ALL, shows=(m.EVENT_TITLE,), ok=m.PUBLIC_EVENT),
    Row("event list", INSIDERS, group, variant="group", shows=(m.EVENT_TITLE,)),
    Row(
        "event info",
        INSIDERS,
        EVENT,
        shows=(m.EVENT_TITLE, m.EVENT_WHERE, m.EVENT_DESCRIPTION, "Going (1)\n<@"),
    ),
    Row(
        "event rsvp",
        INSIDERS,
        lambda w, role: {"event": str(w.event_id), "status": "Maybe"},
        ok="You answered",
        write=True,
    ),
    Row(
        "event edit",
        LEADS,
        lambda w, role: {"event": str(w.event_id), "description": "Changed"},
        ok="Updated",
        write=True,
        fresh=fresh_event,
    ),
    Row("event cancel", LEADS, EVENT, ok="Cancelled", write=True, fresh=fresh_event),
    Row(
        "event nudge",
        LEADS,
        EVENT,
        ok="Nudging",
        write=True,
        fresh=fresh_event,
        note="DMs the group's members who haven't answered; a fresh event: once per 12 hours",
    ),
    Row(
        "event export",
        ALL,
        shows=(m.EVENT_TITLE, m.EVENT_WHERE),
        ok=m.PUBLIC_EVENT,
        note="the .ics attachment",
    ),
    Row(
        "event export",
        INSIDERS,
        group,
        variant="group",
        ok="BEGIN:VCALENDAR",
        shows=(m.EVENT_TITLE, m.EVENT_WHERE, m.EVENT_DESCRIPTION),
    ),
    Row(
        "event calendar",
        ALL,
        ok="not set up",
        note="this world's bot has no PUBLIC_URL; the feed's own matrix (who sees which "
        "group's events, over HTTP) is in test_events_calendar.py",
    ),
    Row(
        "event findtime",
        MEMBERS | {"manager"},
        lambda w, role: {
            "title": f"Slots by {role}",
            "group": GROUP,
            "options": "2026-12-12 18:00; 2026-12-13 18:00",
        },
        ok="Posted the poll",
        write=True,
        note="admin (Manage Server only) can't post in the group's channel",
    ),
    Row("timezone set", ALL, of(zone="UTC"), ok="Your time zone", write=True),
    Row("timezone show", ALL, ok="UTC"),
    # configuration: admins only (default_permissions + checked again).
    Row("config show", ADMIN, ok="Community manager role"),
    Row("config feature", ADMIN, of(feature="polls", enabled=True), ok="on", write=True),
    Row(
        "config manager-role",
        ADMIN,
        lambda w, role: {"role": w.guild.manager_role_id},
        ok="Community managers",
        write=True,
    ),
    Row("config groups", ADMIN, of(max_per_member=100), ok="Saved", write=True),
    Row("config timezone", ADMIN, of(zone="UTC"), ok="UTC", write=True),
    Row(
        "config log-channel",
        ADMIN,
        lambda w, role: {"channel": staff_channel(w.emulator, w.guild, f"log-{w.next()}")},
        ok="Audit lines",
        write=True,
    ),
    Row("config reminders", ADMIN, of(dm=False), ok="Saved", write=True),
    Row("config insights", ADMIN, of(digest=False), ok="Saved", write=True),
    Row("help", ALL, ok="Huddle"),
    # cycles: members nominate; leaders and managers start, advance, stop.
    Row(
        "cycle start",
        LEADS,
        lambda w, role: {"group": GROUP, "name": "X", "meet": "last thursday 19:00"},
        ok="Started",
        write=True,
        fresh=spare(),
        note="the world's group runs one already: allowed roles start one in a spare",
    ),
    Row("cycle status", INSIDERS, group, shows=(m.CYCLE_NAME, m.NOMINATION)),
    Row("cycle history", INSIDERS, group, ok="the shelf"),
    Row(
        "cycle nominate",
        MEMBERS,
        lambda w, role: {"group": GROUP, "pick": f"Pick of {role}"},
        ok="nominat",
        write=True,
    ),
    Row(
        "cycle advance", LEADS, group, ok="Closed nominations", write=True, fresh=spare(cycle=True)
    ),
    Row("cycle stop", LEADS, group, ok="Stopped", write=True, fresh=spare(cycle=True)),
    # insights: leaders of the group, managers, admins; the server for managers.
    Row("insights group", LEADS, group, sees=LEADS, shows=(GROUP,), ok="Check-in completion"),
    Row("insights server", STAFF, ok="Server insights"),
    Row("insights export", STAFF, ok="as CSV", shows=(m.POLL_Q,)),
    Row("insights export", STAFF, group, variant="group", ok="as CSV", shows=(m.POLL_Q,)),
]


ROWS = {row.id: row for row in TABLE}
assert len(ROWS) == len(TABLE), "one row per command path (and variant)"
PATHS = {row.path for row in TABLE}


# -- the world, once per module ----------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    clock = FakeClock(START)
    emulator = Emulator(clock=clock)
    await emulator.start()
    emulator.create_guild(name="Test Server")
    db_path = tmp_path_factory.mktemp("matrix") / "huddle.db"
    bot = await start_bot(emulator, db_path, clock)
    # One bot for every row: its DM pacer (5/s, real time) would make each nudge row wait
    # for the rows before it. Pacing is measured in tests/bench.
    bot.dm_pacer = Pacer(rate=1e9, burst=10**6)
    try:
        yield await m.build(emulator.guild, bot, emulator, db_path)
        # The whole module's world: no group event on a server-wide scheduled event.
        assert group_scheduled_event_violations(emulator, db_path) == []
        assert emulator.take_violations() == []
    finally:
        await stop_bot(bot)
        await emulator.stop()


def command_paths(commands: list[dict]) -> set[str]:
    """Every runnable path of the registered slash commands ("poll results", "help")."""
    out: set[str] = set()

    def walk(prefix: str, options: list[dict]) -> None:
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            out.add(prefix)
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [])

    for command in commands:
        if command["type"] == 1:
            walk(command["name"], command.get("options") or [])
    return out


def autocomplete_options(commands: list[dict]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(prefix: str, options: list[dict]) -> None:
        for o in options:
            if o["type"] in (1, 2):
                walk(f"{prefix} {o['name']}", o.get("options") or [])
            elif o.get("autocomplete"):
                out.append((prefix, o["name"]))

    for command in commands:
        if command["type"] == 1:
            walk(command["name"], command.get("options") or [])
    return sorted(out)


def leaked(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    low = text.casefold()
    return [s for s in (*SECRETS, *extra) if s.casefold() in low]


def reply_text(reply) -> str:
    """What the user sees: the message, its followups and any text attachment (.ics, .csv)."""
    parts = [reply.text]
    for attachment in reply.attachments:
        content = attachment["content"]
        if isinstance(content, bytes) and not attachment["filename"].endswith(".png"):
            content = content.decode("utf-8", "replace")
        if isinstance(content, str):
            parts.append(content)
    return "\n".join(parts)


def snapshot(w: World) -> dict[str, Any]:
    return {"db": m.db_snapshot(w.db_path), "discord": m.discord_snapshot(w.emulator, w.guild.id)}


async def run(w: World, row: Row, role: str, options: dict[str, Any]):
    user = w.user(role)
    if "name" in options:  # /group create: `name` clashes with UserHandle.slash's own
        return await slash(user, row.path, **options)
    return await user.slash(row.path, **options)


async def every_page(w: World, role: str, reply) -> str:
    """A paginated reply's later pages too (pressing ▶ on it, as the same user)."""
    texts = []
    for _ in range(5):
        forward = next(
            (
                c["custom_id"]
                for c in walk_components((reply.message or {}).get("components") or [])
                if c.get("label") == "▶" and not c.get("disabled")
            ),
            None,
        )
        if forward is None:
            break
        reply = await w.user(role).click(reply, forward)
        texts.append(reply_text(reply))
    return "\n".join(texts)


# -- the tests -------------------------------------------------------------------------------


async def test_the_table_covers_every_command(world: World) -> None:
    registered = command_paths(world.guild.commands())
    assert registered - PATHS == set(), "commands without a row in the privacy TABLE"
    assert PATHS - registered == set(), "rows for commands that are not registered"
    assert registered == command_paths_of_tree(world.bot)


def command_paths_of_tree(bot) -> set[str]:
    import discord

    out: set[str] = set()

    def walk(item) -> None:
        if isinstance(item, discord.app_commands.Group):
            for child in item.commands:
                walk(child)
        elif isinstance(item, discord.app_commands.Command):
            out.add(item.qualified_name)

    for command in bot.tree.get_commands():
        walk(command)
    return out


@pytest.mark.parametrize(
    ("row_id", "role"),
    [pytest.param(r.id, role, id=f"{r.id}-{role}") for r in TABLE for role in ROLES],
)
async def test_matrix(world: World, row_id: str, role: str) -> None:
    row = ROWS[row_id]
    path = row.path
    w = world
    allowed = role in row.may
    options = row.options(w, role)
    if allowed and row.fresh is not None:
        options = {**options, **await row.fresh(w, role)}
    await quiet(w.bot, w.emulator)
    before = snapshot(w)
    reply = await run(w, row, role, options)
    await quiet(w.bot, w.emulator)
    after = snapshot(w)
    text = reply_text(reply)
    changes = m.diff(before, after)
    text += "\n" + await every_page(w, role, reply)
    secret = (*row.also_secret, *(row.hidden(w) if row.hidden else ()))
    where = f"/{path} as {role} ({m.PLAYERS[role]}): {reply!r}"

    if PROBE:
        print(f"PROBE {row.id} {role} eph={reply.ephemeral} ch={len(changes)}: {text[:300]!r}")
    if role in row.sees and allowed:
        missing = [s for s in row.shows if s.casefold() not in text.casefold()]
        assert not missing, f"{where}\n should see {missing}"
    else:
        assert not leaked(text, secret), f"{where}\n sees {leaked(text, secret)}"
    if not reply.ephemeral:  # in #general, which everyone reads: nothing of the group
        assert not leaked(text, (GROUP,)), f"{where}\n a public reply about the group"
    if allowed:
        assert reply.modal is None or row.ok == "", where
        assert row.ok.casefold() in text.casefold(), f"{where}\n expected {row.ok!r}"
        if not row.write:
            assert not changes, f"{where}\n a read changed {changes}"
        if row.after is not None:
            await row.after(w, role)
    else:
        assert reply.ephemeral, f"{where}\n a refusal must be ephemeral"
        assert not changes, f"{where}\n a refusal changed {changes}"


@pytest.mark.parametrize("typed", ["", "se", "grim", "mid", "con", "king"])
async def test_outsider_autocomplete_offers_no_secret(world: World, typed: str) -> None:
    outsider = world.user("outsider")
    offered: list[str] = []
    for path, option in autocomplete_options(world.guild.commands()):
        choices = await outsider.autocomplete(path, option, typed)
        shown = " | ".join(f"{c['name']} = {c['value']}" for c in choices)
        assert not leaked(shown), (path, option, typed, shown)
        values = {str(c["value"]) for c in choices}
        if option == "poll":
            assert str(world.poll_id) not in values, (path, option, typed, shown)
        if option == "event":
            assert str(world.event_id) not in values, (path, option, typed, shown)
        if option == "group" and path not in ("group info", "group join") and GROUP in shown:
            offered.append(path)
    # `group:` options autocomplete from the groups the invoking member may use.
    assert offered == [], f"the outsider is offered {GROUP} by {offered}"


@pytest.mark.parametrize("role", sorted(INSIDERS))
async def test_insiders_autocomplete_offers_the_groups_things(world: World, role: str) -> None:
    user = world.user(role)
    polls = await user.autocomplete("poll results", "poll", "grim")
    assert any(m.POLL_Q in c["name"] for c in polls), polls
    events = await user.autocomplete("event info", "event", "mid")
    assert any(m.EVENT_TITLE in c["name"] for c in events), events


def buttons_of_group_messages(w: World) -> list[tuple[dict, str]]:
    """Every button on the bot's messages in the group's channel, and the stale panel's."""
    out = []
    for message in w.guild.messages(w.channel_id):
        for c in walk_components(message.get("components") or []):
            if c.get("type") == 2 and c.get("custom_id") and not c.get("disabled"):
                out.append((message, c["custom_id"]))
    panel = w.guild.message(int(w.panel_message["id"]))
    out.append((panel, m.button_ids(panel)[f"Join {GROUP}"]))
    return out


async def test_outsider_buttons_change_nothing(world: World) -> None:
    """RSVP, Check in, Nominate, Join (a stale panel of the group when it was open), and
    every other button on the group's messages, pressed by an outsider."""
    w = world
    outsider = w.user("outsider")
    pressed = buttons_of_group_messages(w)
    names = {label for message, _ in pressed for label in m.button_ids(message)}
    for needed in ("Going", "Maybe", "Can't", "I'm here", "Check in", "Nominate", f"Join {GROUP}"):
        assert needed in names, (needed, names)
    for message, custom_id in pressed:
        await quiet(w.bot, w.emulator)
        before = snapshot(w)
        reply = await outsider.click(message, custom_id)
        await quiet(w.bot, w.emulator)
        where = f"{custom_id} pressed by the outsider: {reply!r}"
        if reply.modal is not None:
            shown = repr(reply.modal)
            assert not leaked(shown), where
            fields = [
                c["custom_id"]
                for c in walk_components(reply.modal.get("components") or [])
                if c.get("type") == 4
            ]
            reply = await outsider.submit_modal(reply, {f: "done" for f in fields})
            await quiet(w.bot, w.emulator)
        assert reply.ephemeral, where
        assert not leaked(reply_text(reply)), where
        assert m.diff(before, snapshot(w)) == [], where


@pytest.mark.parametrize("role", ROLES)
async def test_im_here_outside_its_window_changes_nothing(world: World, role: str) -> None:
    """I'm here on the group's event (days ahead): an outsider is told nothing of it;
    everyone else is told when it opens. Nobody is marked."""
    w = world
    message = w.guild.message(int(w.event_message["id"]))
    before = snapshot(w)
    reply = await w.user(role).click(message, m.button_ids(message)["I'm here"])
    await quiet(w.bot, w.emulator)
    assert reply.ephemeral, reply
    if role == "outsider":
        assert "no longer exists" in reply.text and not leaked(reply_text(reply)), reply
    else:
        assert "opens 30 minutes before the start" in reply.text, reply
    assert m.diff(before, snapshot(w)) == []


async def test_outsider_reactions_on_group_polls_count_nothing(world: World) -> None:
    w = world
    for message_id in (w.poll_message, w.findtime_message):
        before = m.db_snapshot(w.db_path)
        await w.user("outsider").react(message_id, "🇧")
        await quiet(w.bot, w.emulator)
        assert w.user("outsider").id not in w.guild.reactions(message_id).get("🇧", [])
        assert m.diff(before, m.db_snapshot(w.db_path)) == []


async def test_rows_are_unique_and_roles_known() -> None:
    for row in TABLE:
        assert row.may <= ALL and row.sees <= ALL, row.path
    assert sorted(r.id for r in TABLE) == sorted(ROWS)

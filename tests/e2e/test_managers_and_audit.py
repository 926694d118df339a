"""People and permissions end to end: the manager role (nobody special until configured,
then managing any group, poll and event, approving groups), admins, and the audit
channel's line for each audited action."""

from __future__ import annotations

from tests.support.channels import staff_channel
from tests.support.config_checks import (
    HOUR,
    all_text,
    log_lines,
    use_manager_role,
)
from tests.support.events import event_message
from tests.support.groups import create


async def test_manager_role_holder_is_nobody_special_until_configured(guild, bot):
    await create(guild.alice, "Knitting")
    r = await guild.manager.slash("group kick", group="Knitting", member=guild.alice)
    assert r.ephemeral
    r = await guild.manager.slash("group edit", group="Knitting", description="Mine now")
    assert r.ephemeral
    info = await guild.dave.slash("group info", group="Knitting")
    assert "Mine now" not in info.text


async def test_manager_manages_any_group(guild, bot):
    await use_manager_role(guild)
    await create(guild.alice, "Knitting")
    await guild.bob.slash("group join", group="Knitting")
    channel = next(c for c in guild.channels() if c["name"] == "knitting")
    allowed = {int(o["id"]): int(o["allow"]) for o in channel["permission_overwrites"]}
    assert allowed.get(guild.manager_role_id, 0) & (1 << 10)  # sees every group channel
    r = await guild.manager.slash("group edit", group="Knitting", description="Yarn & more")
    assert "Yarn & more" in (await guild.dave.slash("group info", group="Knitting")).text, r.text
    r = await guild.manager.slash("group kick", group="Knitting", member=guild.bob)
    assert "Knitting" in r.text
    assert not any(
        str(role["id"]) in map(str, guild.member_roles(guild.bob))
        for role in guild.roles()
        if role["name"] == "Knitting"
    )
    r = await guild.manager.slash("group promote", group="Knitting", member=guild.carol)
    r = await guild.manager.slash("group archive", group="Knitting")
    assert "archiv" in r.text.lower(), r.text
    r = await guild.manager.slash("group restore", group="Knitting")
    r = await guild.manager.slash("group delete", group="Knitting")
    ids = {b["label"]: b["custom_id"] for row in r.components for b in row["components"]}
    done = await guild.manager.click(r.message_id or r, ids["Delete"])
    assert not [x for x in guild.roles() if x["name"] == "Knitting"], done.text
    assert await bot.store.fetchval("SELECT COUNT(*) FROM groups") == 0


async def test_manager_closes_any_poll_and_cancels_any_event(guild, bot):
    await use_manager_role(guild)
    await guild.alice.slash("poll create", question="Next book?", options="Dune;Emma")
    r = await guild.bob.slash("poll close", poll="Next book?")
    assert r.ephemeral  # a plain member may not
    r = await guild.manager.slash("poll close", poll="Next book?")
    poll = next(m for m in reversed(guild.messages(guild.general)) if "Next book?" in all_text(m))
    assert "closed" in all_text(guild.message(int(poll["id"]))).lower(), r.text

    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    r = await guild.bob.slash("event cancel", event="Picnic")
    assert r.ephemeral
    r = await guild.manager.slash("event cancel", event="Picnic")
    message = event_message(guild)
    assert "**Cancelled**" in all_text(guild.message(int(message["id"]))), r.text
    assert all(e["status"] == 4 for e in guild.scheduled_events())


async def test_manager_approves_groups(guild, bot):
    await use_manager_role(guild)
    await guild.admin.slash("config groups", approval=True)
    r = await create(guild.alice, "Chess")
    assert r.ephemeral or "approv" in r.text.lower()
    assert not [x for x in guild.roles() if x["name"] == "Chess"]
    request = next(
        m
        for c in guild.channels()
        for m in guild.messages(int(c["id"]))
        if "Chess" in all_text(m) and m.get("components")
    )
    ids = {b["label"]: b["custom_id"] for b in request["components"][0]["components"]}
    r = await guild.bob.click(request, ids["Approve"])
    assert r.ephemeral
    r = await guild.manager.click(request, ids["Approve"])
    assert [x for x in guild.roles() if x["name"] == "Chess"], r.text


async def test_admin_may_do_everything_a_manager_may(guild, bot):
    await create(guild.alice, "Knitting")
    r = await guild.admin.slash("group edit", group="Knitting", description="By the admin")
    assert "By the admin" in (await guild.dave.slash("group info", group="Knitting")).text, r.text
    await guild.alice.slash("poll create", question="Next book?", options="Dune;Emma")
    await guild.admin.slash("poll close", poll="Next book?")
    poll = next(m for m in reversed(guild.messages(guild.general)) if "Next book?" in all_text(m))
    assert "closed" in all_text(guild.message(int(poll["id"]))).lower()
    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    await guild.admin.slash("event cancel", event="picnic")
    assert "**Cancelled**" in all_text(guild.message(int(event_message(guild)["id"])))


async def test_audit_line_for_each_audited_action(emulator, guild, bot, clock):
    log = staff_channel(emulator, guild)
    r = await guild.admin.slash("config log-channel", channel=log)
    assert r.ephemeral
    await create(guild.alice, "Knitting")
    assert any("Knitting" in line for line in await log_lines(guild, log))
    await guild.bob.slash("group join", group="Knitting")
    n = len(await log_lines(guild, log))
    await guild.alice.slash("group kick", group="Knitting", member=guild.bob)
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Knitting" in new[0], new

    n = len(await log_lines(guild, log))
    await guild.alice.slash("poll create", question="Next book?", options="Dune;Emma")
    await guild.alice.slash("poll close", poll="Next book?")
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Next book?" in new[0], new

    n = len(await log_lines(guild, log))
    await guild.alice.slash(
        "poll create", question="Tea or coffee?", options="Tea;Coffee", closes="1h"
    )
    await clock.advance(HOUR + 60)
    await emulator.settle()
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Tea or coffee?" in new[0], new

    n = len(await log_lines(guild, log))
    await guild.alice.slash("event create", title="Picnic", when="friday 7pm")
    await guild.alice.slash("event cancel", event="Picnic")
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Picnic" in new[0], new

    n = len(await log_lines(guild, log))
    r = await guild.alice.slash("group delete", group="Knitting")
    ids = {b["label"]: b["custom_id"] for row in r.components for b in row["components"]}
    await guild.alice.click(r.message_id or r, ids["Delete"])
    new = (await log_lines(guild, log))[n:]
    assert len(new) == 1 and "Knitting" in new[0], new
    # audit lines never ping
    for req in emulator.find_requests("POST", rf"/channels/{log}/messages$"):
        mentions = req.json.get("allowed_mentions")
        assert mentions is not None and not mentions.get("parse"), req.json


async def test_no_audit_lines_without_a_log_channel(emulator, guild, bot):
    log = staff_channel(emulator, guild)

    def lines_naming(name: str) -> list[str]:
        """Every message in every channel of the server naming the group, except in the
        group's own channel (where its welcome lives)."""
        own = name.lower()
        return [
            m["content"]
            for c in guild.channels()
            if c.get("type") == 0 and c["name"] != own
            for m in guild.messages(int(c["id"]))
            if name in (m.get("content") or "")
        ]

    # No log channel set: creating a group posts no audit line anywhere.
    r = await create(guild.alice, "Knitting")
    assert "Knitting" in r.text, r.text
    assert lines_naming("Knitting") == []
    # Positive control: the same look finds the audit line once a log channel is set.
    await guild.admin.slash("config log-channel", channel=log)
    r = await create(guild.alice, "Sewing")
    assert "Sewing" in r.text, r.text
    found = lines_naming("Sewing")
    assert len(found) == 1 and "created" in found[0], found
    assert [m["content"] for m in guild.messages(log)] == found

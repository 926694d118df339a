"""What members read (docs/testing.md): the texts of a book-club month as members see them.

Each test drives the bot through the emulator and asserts on the visible text: where
Discord shows a timestamp raw, how an event lists its answers, counts in words, what an
outsider is told, `/help`, join requests, pictures' text alternatives and find-a-time."""

from __future__ import annotations

import re

from tests.support.events import button_ids, event_message
from tests.support.polls import last_poll, quiet

RAW_TIME = re.compile(r"<t:-?\d+(:[tTdDfFR])?>|<t:[-\d:tTdDfFR]*…")
MEETING = 1798743600  # 31 Dec 2026 19:00 UTC


def raw_where_not_rendered(message: dict) -> list[str]:
    """Titles, author names, field names and footers showing a `<t:…>` token."""
    found = []
    for embed in message.get("embeds") or []:
        places = [embed.get("title"), (embed.get("author") or {}).get("name")]
        places += [(embed.get("footer") or {}).get("text")]
        places += [f.get("name") for f in embed.get("fields") or []]
        found += [p for p in places if p and RAW_TIME.search(p)]
    return found


async def use_manager(bot, guild):
    await bot.config.set(guild.id, "manager_role", guild.manager_role_id)
    return guild.manager


# -- 1. raw <t:…> where Discord does not render it


async def test_timestamps_are_written_out_where_discord_shows_them_raw(emulator, guild, bot):
    question = f"Book of the month: what do we pick? (meeting <t:{MEETING}:D>)"
    made = await guild.alice.slash("poll create", question=question, options="Piranesi; Circe")
    assert made.ephemeral, made.text
    await quiet(bot, emulator)
    poll = last_poll(guild)
    assert raw_where_not_rendered(poll) == [], poll["embeds"][0]["title"]
    assert "31 Dec 2026" in poll["embeds"][0]["title"]

    choices = await guild.bob.autocomplete("poll results", "poll", "book")
    assert choices and all(not RAW_TIME.search(c["name"]) for c in choices), choices
    assert "31 Dec 2026" in choices[0]["name"]

    await guild.alice.slash("event create", title=f"Meet <t:{MEETING}:F>", when="friday 7pm")
    assert raw_where_not_rendered(event_message(guild)) == []
    choices = await guild.bob.autocomplete("event info", "event", "meet")
    assert choices and all(not RAW_TIME.search(c["name"]) for c in choices), choices

    manager = await use_manager(bot, guild)
    exported = await manager.slash("insights export")
    for attachment in exported.attachments:
        assert not RAW_TIME.search(attachment["filename"])
        assert not RAW_TIME.search(attachment["content"].decode()), attachment["content"]


# -- 2. event messages


def answers_text(message: dict) -> str:
    [embed] = message["embeds"]
    return " · ".join(f"{f['name']}: {f['value']}" for f in embed.get("fields") or [])


async def test_event_message_names_under_every_answer_and_reminder_says_where(
    emulator, guild, bot, clock
):
    made = await guild.alice.slash(
        "event create", title="Book talk", when="in 2 days", where="Café Lumen", remind="1h"
    )
    message = event_message(guild)
    for user, label in [(guild.bob, "Going"), (guild.carol, "Can't"), (guild.dave, "Going")]:
        await user.click(message, button_ids(message)[label])
    shown = guild.message(int(message["id"]))
    answers = answers_text(shown)
    print("ANSWERS:", answers, "| DESCRIPTION:", shown["embeds"][0].get("description"))
    assert f"✅ Going (2): {guild.bob.mention}, {guild.dave.mention}" in answers, answers
    assert "❔ Maybe (0): —" in answers, answers
    assert f"❌ Can't (1): {guild.carol.mention}" in answers, answers
    assert "Bob (" not in answers  # a name once, as the mention Discord shows as the name

    await clock.advance(2 * 86400 - 3600 + 60)
    await emulator.settle()
    posts = [m for m in guild.messages(guild.general) if "⏰" in (m.get("content") or "")]
    print("REMINDER:", posts[-1]["content"])
    assert "Café Lumen" in posts[-1]["content"]
    assert f"/{message['id']}" in posts[-1]["content"]  # a link to the event message
    [body] = [
        r.json
        for r in emulator.find_requests("POST", r"/channels/\d+/messages$")
        if r.json and "⏰" in (r.json.get("content") or "")
    ]
    assert body["allowed_mentions"]["users"] == sorted(body["allowed_mentions"]["users"]) and {
        int(u) for u in body["allowed_mentions"]["users"]
    } == {guild.bob.id, guild.dave.id}

    await clock.advance(3 * 3600)
    await emulator.settle()
    ended = guild.message(int(message["id"]))
    print("ENDED:", ended.get("content"), "|", ended["embeds"][0]["title"])
    said = "\n".join([ended.get("content") or "", ended["embeds"][0]["title"]])
    assert said.count("Ended") == 1 and "**Ended**" in said, said
    assert made.ephemeral


# -- 3. counts in words; the panel follows joins and leaves


def panel_sizes(message: dict) -> str:
    return " ".join(f["value"] for f in message["embeds"][0]["fields"])


async def test_counts_read_as_words_and_the_panel_count_follows_members(
    emulator, guild, bot, clock
):
    made = await guild.alice.slash("group create", name="Book Club", description="Books")
    assert made.ephemeral, made.text
    posted = await guild.alice.slash("group panel")
    print("PANEL REPLY:", posted.text)
    assert "panel of 1 group " in posted.text, posted.text
    panel = [m for m in guild.messages(guild.general) if m.get("embeds")][-1]
    assert "1/25 members" in panel_sizes(panel), panel_sizes(panel)

    for user in (guild.bob, guild.carol, guild.dave):
        await user.click(panel, button_ids(panel)["Join Book Club"])
    await guild.dave.slash("group leave", group="Book Club")
    await clock.advance(5)
    await emulator.settle()
    shown = guild.message(int(panel["id"]))
    print("PANEL AFTER:", panel_sizes(shown))
    assert "3/25 members" in panel_sizes(shown), panel_sizes(shown)

    manager = await use_manager(bot, guild)
    exported = await manager.slash("insights export")
    print("EXPORT:", exported.text)
    assert "Insights of 1 group " in exported.text, exported.text
    wrong = await guild.alice.slash("poll create", question="Q", options="Only one")
    assert "You gave 1 option." in wrong.text, wrong.text


async def test_insights_leave_out_the_running_period_and_compare_only_what_existed(guild, bot):
    from tests.support.insights import DAY, WEEK, add_group, add_period

    now = bot.clock.now()
    members = [guild.alice.id, guild.bob.id, guild.carol.id, guild.dave.id]
    # Five weeks old: younger than the two 4-week windows the trend compares.
    club = await add_group(bot, guild, "Book Club", members, now - 5 * WEEK)
    for weeks_ago in (5, 4, 3, 2, 1):
        await add_period(bot, guild, club, now - weeks_ago * WEEK, members)
    await add_period(bot, guild, club, now - 2 * DAY, [guild.bob.id])  # still running
    manager = await use_manager(bot, guild)

    pictured = await manager.slash("insights group", group="Book Club")
    print("GROUP:", pictured.text)
    assert "Check-in completion: 100%" in pictured.text, pictured.text
    assert "1/4" not in pictured.text  # the running period is not drawn as a drop

    server = await manager.slash("insights server")
    print("SERVER:", server.text)
    assert "Book Club: 4 members, activity new" in server.text, server.text
    assert "%" not in server.text.split("Book Club:")[1].split("\n")[0]


# -- 4. an outsider is told a group's own things are for its members


async def test_outsider_is_told_the_group_is_for_members_and_how_to_join(emulator, guild, bot):
    await guild.alice.slash("group create", name="Book Club", description="Books")
    await guild.alice.slash(
        "group create", name="Quiet Room", description="x", visibility="request"
    )
    await guild.alice.slash(
        "group create", name="Inner Circle", description="x", visibility="invite"
    )
    listed = await guild.dave.slash("group list")
    assert "Book Club" in listed.text

    board = await guild.dave.slash("checkin board", group="Book Club")
    print("BOARD:", board.text)
    assert board.ephemeral and "There is no group" not in board.text
    assert "for the members of **Book Club**" in board.text
    assert "`/group join group:Book Club` joins it" in board.text
    asked = await guild.dave.slash("poll list", group="Quiet Room")
    print("POLL LIST:", asked.text)
    assert "asks its leaders to let you in" in asked.text, asked.text
    inner = await guild.dave.slash("event list", group="Inner Circle")
    assert "invite-only" in inner.text and "for the members of **Inner Circle**" in inner.text

    # A named poll or event of a group answers exactly as a missing one.
    await guild.alice.slash(
        "event create", title="Secret supper", when="friday 7pm", group="Book Club"
    )
    await guild.alice.slash(
        "poll create", question="Secret pick?", options="A; B", group="Book Club"
    )
    await quiet(bot, emulator)
    for command, option, name, missing_name in [
        ("event info", "event", "Secret supper", "Nothing here"),
        ("poll results", "poll", "Secret pick?", "Nothing here?"),
    ]:
        private = await guild.dave.slash(command, **{option: name})
        missing = await guild.dave.slash(command, **{option: missing_name})
        print("NAMED:", private.text, "|", missing.text)
        assert private.text.replace(name, "X") == missing.text.replace(missing_name, "X")


# -- 5. /help


async def test_help_names_every_feature_and_no_past_date(guild, bot, clock):
    shown = await guild.dave.slash("help")
    for feature in ("Groups", "Check-ins", "Polls", "Events", "Club cycles", "Insights"):
        assert feature in shown.text, feature
    for command in ("/cycle start", "/cycle nominate", "/insights group", "/insights server"):
        assert command in shown.text, command
    assert "/config insights" in shown.text
    years = re.findall(r"\b(20\d\d)-\d\d-\d\d", shown.text)
    assert years == [], years  # examples relative to now, never a date that passes
    # Every command registered is named in /help.
    registered = {c["name"] for c in guild.commands()}
    named = set(re.findall(r"`/([a-z-]+)", shown.text))
    assert registered - named - {"help"} == set(), registered - named


# -- 6. join requests


async def test_join_request_reaches_the_leaders_and_the_approval_says_where(emulator, guild, bot):
    await guild.alice.slash(
        "group create", name="Quiet Room", description="Reading", visibility="request"
    )
    posted = await guild.alice.slash("group panel")
    assert "panel of 1 group" in posted.text, posted.text
    panel = [m for m in guild.messages(guild.general) if m.get("embeds")][-1]
    asked = await guild.bob.click(panel, button_ids(panel)["Request to join Quiet Room"])
    assert asked.ephemeral and "waits for their approval" in asked.text, asked.text

    channel = guild.channel("quiet-room")
    request = [m for m in guild.messages(channel["id"]) if "asks to join" in m["content"]][-1]
    print("REQUEST:", request["content"])
    assert request["content"].count("Bob") + request["content"].count(str(guild.bob.id)) == 1
    await emulator.settle()
    [told] = [m["content"] for m in guild.alice.dm_messages() if "asks to join" in m["content"]]
    print("LEADER DM:", told)  # the leader notices (a DM; the bot pings only in reminders)
    assert "Test Server" in told and f"/{request['id']}" in told, told

    await guild.alice.click(request, button_ids(request)["Approve"])
    await emulator.settle()
    [dm] = [m["content"] for m in guild.bob.dm_messages() if "approved" in m["content"]]
    print("DM:", dm)
    assert "Test Server" in dm, dm
    assert f"https://discord.com/channels/{guild.id}/{channel['id']}" in dm, dm


# -- 7. every picture carries a text alternative


def pictures(reply) -> list[dict]:
    found = {
        a["id"]: a
        for m in [reply.message, *reply.followups]
        if m
        for a in m.get("attachments") or []
    }
    return list(found.values())


async def test_every_picture_has_a_text_alternative_from_the_same_figures(guild, bot):
    await guild.alice.slash("group create", name="Book Club", description="Books")
    await guild.bob.slash("group join", group="Book Club")
    logged = await guild.bob.slash("checkin log", group="Book Club", note="read 30 pages")
    assert logged.ephemeral, logged.text

    streak = await guild.bob.slash("checkin streak")
    [heatmap] = pictures(streak)
    print("HEATMAP ALT:", heatmap["description"])
    assert heatmap["description"].startswith("Check-in calendar of Bob in Book Club.")
    assert "1 check-in on 1 day in the last 26 weeks" in heatmap["description"]

    manager = await use_manager(bot, guild)
    group = await manager.slash("insights group", group="Book Club")
    [picture] = pictures(group)
    print("GROUP ALT:", picture["description"])
    assert picture["description"].startswith("Insights of Book Club, last 12 weeks: 2 members,")
    server = await manager.slash("insights server")
    [picture] = pictures(server)
    print("SERVER ALT:", picture["description"])
    assert picture["description"].startswith("Server insights, last 12 weeks, 1 group.")
    assert "Book Club: 2 members" in picture["description"]


# -- 8. find-a-time


async def test_findtime_advice_works_and_the_event_asks_who_picked_the_time(
    emulator, guild, bot, clock
):
    options = "in 3 hours; in 5 hours; in 8 hours"
    refused = await guild.alice.slash("event findtime", title="Sync", options=options, closes="4h")
    print("REFUSED:", refused.text)
    [advice] = re.findall(r"like `([^`]+)`", refused.text)
    assert advice != "12h"
    taken = await guild.alice.slash("event findtime", title="Sync", options=options, closes=advice)
    assert "Posted" in taken.text, (advice, taken.text)

    poll = guild.messages(guild.general)[-1]
    emojis = list(guild.reactions(int(poll["id"])))
    for user, index in [(guild.bob, 0), (guild.carol, 0), (guild.dave, 0), (guild.alice, 1)]:
        await user.react(int(poll["id"]), emojis[index])
    await clock.advance(2 * 3600 + 60)  # closes after the advised 2h, before the slot
    await emulator.settle()
    result = guild.messages(guild.general)[-1]
    print("RESULT:", result["content"].replace("\n", " / "))
    assert "suits 3 members" in result["content"]
    assert f"{emojis[1]} " in result["content"] and "— 1 member" in result["content"]
    assert f"{emojis[2]} " in result["content"] and "— 0 members" in result["content"]

    emulator.reset_requests()
    [button] = [b for row in result["components"] for b in row["components"]]
    created = await guild.alice.click(result, button["custom_id"])
    await emulator.settle()
    print("CREATED:", created.text)
    assert "3 members who picked this time were asked" in created.text
    event = event_message(guild)
    asked = [
        r.json
        for r in emulator.find_requests("POST", r"/channels/\d+/messages$")
        if r.json and "the time you picked" in (r.json.get("content") or "")
    ]
    print("ASKED:", asked[0]["content"])
    assert len(asked) == 3 and all(f"/{event['id']}" in body["content"] for body in asked)
    for member in (guild.bob, guild.carol, guild.dave):  # a DM each
        assert any("the time you picked" in (m["content"] or "") for m in member.dm_messages())
    assert all(not (body.get("allowed_mentions") or {}).get("users") for body in asked)  # no ping

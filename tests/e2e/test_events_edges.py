"""Events at the edges: absurd numbers refused with their range, messages that fit
Discord's limits with many attendees, reminders to 250 Going split into small jobs, a
roll-over cut midway, a find-time close whose post failed; and times read back as the
member will see them (autocomplete, ranges, the zone named)."""

from __future__ import annotations

from datetime import UTC, datetime

from cogs.events.jobs import REMIND_BATCH
from core.fit import embed_problems
from core.pacing import Pacer
from tests.support.events import button_ids, embed_text, event_message


def reminder_posts(emulator) -> list[dict]:
    """The reminder messages in channels (not the DMs), as sent."""
    return [
        r.json for r in emulator.find_requests("POST", r"/channels/\d+/messages$")
        if r.json and "starts <t:" in (r.json.get("content") or "")
        and "Reminder:" not in r.json["content"]
    ]  # fmt: skip


def epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())


async def test_numbers_out_of_range_are_refused_with_the_range(guild, bot):
    cases = [
        ({"duration": "99999999999999d"}, "from `1m` to `7d`"),
        ({"duration": "8d"}, "from `1m` to `7d`"),
        ({"remind": "99999999999999d"}, "from `1m` to `4w`"),
        ({"remind": "1m,2m,3m,4m,5m,6m"}, "at most 5"),
        ({"remind": "soon"}, "`1m` to `4w`"),
    ]
    for options, expected in cases:
        reply = await guild.alice.slash("event create", title="Edge", when="in 2 hours", **options)
        assert reply.ephemeral and expected in reply.text, (options, reply.text)
    assert await bot.store.fetchval("SELECT COUNT(*) FROM events") == 0  # nothing half-made
    ok = await guild.alice.slash(
        "event create", title="Edge", when="in 2 hours", remind="1d,1h,30m,10m,5m"
    )
    assert "Created" in ok.text
    edited = await guild.alice.slash("event edit", event="Edge", duration="99999999999999d")
    assert edited.ephemeral and "from `1m` to `7d`" in edited.text


async def test_when_autocomplete_reads_back_exactly(guild, bot, clock):
    await guild.alice.slash("timezone set", zone="Europe/Berlin")
    choices = await guild.alice.autocomplete("event create", "when", "friday 7pm")
    assert choices[0]["name"] == "Fri 4 Dec 2026, 19:00 (Europe/Berlin)"
    reply = await guild.alice.slash("event create", title="Read", when=choices[0]["value"])
    assert f"<t:{epoch(2026, 12, 4, 18)}:F>" in reply.text and "Europe/Berlin" in reply.text
    assert "Fri 4 Dec 2026, 19:00 (Europe/Berlin)" in reply.text
    # A range sets the duration too.
    ranged = await guild.alice.slash("event create", title="Range", when="saturday 7-9pm")
    assert "Created" in ranged.text, ranged.text
    text = embed_text(event_message(guild))
    assert f"<t:{epoch(2026, 12, 5, 18)}:F>" in text and f"<t:{epoch(2026, 12, 5, 20)}:t>" in text
    # Find-time options: the part being typed is read; the value keeps the earlier ones.
    options = await guild.alice.autocomplete(
        "event findtime", "options", "2026-12-10 18:00; sat 10am"
    )
    assert options[0]["name"] == "Sat 5 Dec 2026, 10:00 (Europe/Berlin)"
    assert options[0]["value"].startswith("2026-12-10 18:00; 2026-12-05 10:00")
    # Unreadable: no suggestion; sending it is refused saying what was understood.
    assert await guild.alice.autocomplete("event create", "when", "whenever") == []
    # Edit reads in the editor's zone and names it.
    edited = await guild.alice.slash("event edit", event="Read", when="saturday 8pm")
    assert "Europe/Berlin" in edited.text and f"<t:{epoch(2026, 12, 5, 19)}:F>" in edited.text


async def test_many_attendees_fit_and_reminders_fan_out(emulator, guild, bot, clock):
    bot.dm_pacer = Pacer(rate=1e6, burst=1000)  # pacing is measured in the benchmark
    bot.global_pacer = Pacer(rate=1e6, burst=1000)  # a fan-out: not 45/s here either
    await bot.config.set(guild.id, "reminders.dm", True)
    await guild.alice.slash("event create", title="Big " + "x" * 90, when="in 2 hours", remind="1h")
    message = event_message(guild)
    event_id = int(button_ids(message)["Going"].rsplit(":", 1)[1])
    store = bot.feature_cog("events").service.events
    people = [10**17 + i for i in range(250)]  # not in the server: DMs fail and are skipped
    for user_id in people:
        await store.answer(event_id, user_id, "going", "N" * 80 + str(user_id), clock.now())
    await guild.bob.click(message, button_ids(message)["Going"])  # refreshes the embed
    shown = guild.message(int(message["id"]))["embeds"][0]
    import discord

    assert embed_problems(discord.Embed.from_dict(shown)) == []
    going = next(f for f in shown["fields"] if "Going" in f["name"])
    assert going["name"] == "✅ Going (251)" and going["value"].endswith("more")
    info = await guild.bob.slash("event info", event=str(event_id))
    assert info.ephemeral and "more" in info.text

    emulator.reset_requests()
    await clock.advance(3600)
    await emulator.settle()
    posts = reminder_posts(emulator)
    pinged = [u for p in posts for u in p["allowed_mentions"]["users"]]
    assert sorted(int(u) for u in pinged) == sorted([*people, guild.bob.id])
    assert all(len(p["allowed_mentions"]["users"]) <= 100 for p in posts)
    assert all(len(p["content"]) <= 2000 for p in posts)
    assert len(posts) >= 3
    await clock.advance(60)  # the DM slices are spread out at the DM pace
    await emulator.settle()
    assert any("Reminder" in m["content"] for m in guild.bob.dm_messages())
    assert await bot.scheduler.pending(REMIND_BATCH) == []  # failed DMs are not retried
    assert len(reminder_posts(emulator)) == len(posts)  # sent once


async def test_roll_over_cut_midway_re_arms_on_re_run(emulator, guild, bot, clock, monkeypatch):
    await guild.alice.slash(
        "event create", title="Weekly", when="2026-12-02 18:00", repeat="weekly", remind="1h"
    )
    service = bot.feature_cog("events").service
    real_arm = service.arm
    cut = {"armed": 0}

    async def arm_cut_once(event, on_end=None):
        if cut["armed"] == 0:
            cut["armed"] += 1
            raise RuntimeError("shutdown cut the roll-over here")
        await real_arm(event, on_end)

    monkeypatch.setattr(service, "arm", arm_cut_once)
    await clock.set(epoch(2026, 12, 2, 19, 0, 1))  # the end of the first occurrence
    await emulator.settle()
    moved = await bot.store.fetchval("SELECT start_at FROM events WHERE title = 'Weekly'")
    assert moved == epoch(2026, 12, 9, 18)  # moved, but its jobs were not re-armed
    await clock.advance(120)  # the job's retry
    await emulator.settle()
    kinds = sorted(j.kind for j in await bot.scheduler.pending() if j.key and "event:" in j.key)
    assert kinds == ["event.remind", "event.rollover"]
    rollover = await bot.scheduler.pending("event.rollover")
    assert rollover[0].payload["start_at"] == epoch(2026, 12, 9, 18)


async def test_findtime_close_posts_its_result_on_retry(emulator, guild, bot, clock):
    posted = await guild.alice.slash(
        "event findtime", title="Meet", options="2026-12-10 18:00; 2026-12-11 18:00", closes="1d"
    )
    assert "read in UTC" in posted.text and f"<t:{epoch(2026, 12, 10, 18)}:F>" in posted.text
    poll = next(m for m in guild.messages(guild.general) if m.get("embeds"))
    await guild.bob.react(int(poll["id"]), "🇧")
    emulator.inject("POST", rf"/channels/{guild.general}/messages$", status=503)
    await clock.advance(86400)
    await emulator.settle()
    results = [m for m in guild.messages(guild.general) if "Best time" in (m.get("content") or "")]
    assert results == []  # the post failed …
    await clock.advance(60)  # … and the retry posts it, once
    await emulator.settle()
    await clock.advance(3600)
    await emulator.settle()
    results = [m for m in guild.messages(guild.general) if "Best time" in (m.get("content") or "")]
    assert len(results) == 1 and "🇧" in results[0]["content"]
    assert results[0]["components"]

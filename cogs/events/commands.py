"""`/event create|list|info|rsvp|edit|cancel|nudge|export|calendar|findtime`."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.events import calendar, render
from cogs.events.changes import SCOPES, cancel_event, edit_event
from cogs.events.choices import EventChoices
from cogs.events.feed_web import CalendarFeed, link_reply
from cogs.events.logic import REPEATS, STATUS_LABELS
from cogs.groups import api as groups
from core.checks import guild_id_of
from core.components import HuddleInteraction
from core.fit import clip, fit_embed, lines_fitting
from core.ui import EMBED_COLOUR, chunk, plural, reply, send_pages, when_text

if TYPE_CHECKING:
    from cogs.events.findtime import FindTimeFlow
    from cogs.events.nudges import EventNudges
    from cogs.events.service import EventService
    from core.bot import HuddleBot

PER_PAGE = 10
member_groups = groups.group_autocomplete("member")


@app_commands.guild_only()
class EventCommands(
    EventChoices, name="event", description="Meetups with RSVP, reminders and time zones"
):
    feature_name = "events"

    def __init__(
        self,
        bot: HuddleBot,
        service: EventService,
        findtime_flow: FindTimeFlow,
        feed: CalendarFeed,
        nudges: EventNudges,
    ) -> None:
        super().__init__()
        self.bot = bot
        self.service = service
        self.findtime_flow = findtime_flow
        self.feed = feed
        self.nudges = nudges

    @app_commands.command(name="create")
    @app_commands.describe(
        title="What the event is called",
        when="When it starts, e.g. `friday 7pm`, `2026-12-03 18:30`, `in 2 hours`",
        duration="How long it lasts, e.g. `90m`, `2h` (default 1h)",
        group="Plan it for a group (posted in the group's channel)",
        where="A place, a link, or a voice channel",
        description="More about the event",
        repeat="Repeat the event",
        remind="Reminder offsets before the start, e.g. `1d,1h` (default from server config)",
        capacity="How many can go; extra Going answers join a waitlist",
    )
    @app_commands.choices(repeat=[app_commands.Choice(name=r, value=r) for r in REPEATS])
    @app_commands.autocomplete(group=member_groups, when=EventChoices.when_autocomplete)
    async def create(
        self,
        interaction: HuddleInteraction,
        title: app_commands.Range[str, 1, 100],
        when: str,
        duration: str | None = None,
        group: str | None = None,
        where: str | None = None,
        description: app_commands.Range[str, 0, 1000] | None = None,
        repeat: str = "none",
        remind: str | None = None,
        capacity: app_commands.Range[int, 1, 10000] | None = None,
    ) -> None:
        """Plan an event with RSVP buttons, reminders and a Discord scheduled event."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        event, notes = await self.service.create(
            interaction, title=title, when=when, duration=duration, group_text=group, where=where,
            description=description, repeat=repeat, remind=remind, capacity=capacity,
        )  # fmt: skip
        text = (
            f"Created **{discord.utils.escape_markdown(event.title)}** for "
            f"{when_text(event.start_at)} ({event.timezone}): {event.link()}"
        )
        await reply(interaction, "\n".join([text, *notes]))

    @app_commands.command(name="list")
    @app_commands.describe(group="Only this group's events")
    @app_commands.autocomplete(group=member_groups)
    async def list_(self, interaction: HuddleInteraction, group: str | None = None) -> None:
        """Upcoming events with how many are going."""
        guild_id = guild_id_of(interaction)
        viewer = await groups.viewer_of(interaction)
        group_ref = await groups.group_for(interaction, group) if group else None
        now = self.bot.clock.now()
        group_id = group_ref.id if group_ref else None
        found = await self.service.events.upcoming(guild_id, now, group_id, viewer=viewer)
        if not found:
            await reply(interaction, "No upcoming events. Plan one with `/event create`.")
            return
        total = await self.service.events.count_upcoming(guild_id, now, group_id, viewer)
        answers = await self.service.events.rsvps_of([e.id for e in found])
        lines = [clip(render.summary_line(e, answers[e.id]), 400) for e in found]
        if total > len(found):
            lines.append(f"+{total - len(found)} more")
        title = clip(f"Upcoming events — {group_ref.name}" if group_ref else "Upcoming events", 256)
        pages = [
            fit_embed(
                discord.Embed(
                    title=title, description=lines_fitting(page, 4096), colour=EMBED_COLOUR
                )
            )
            for page in chunk(lines, PER_PAGE)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="info")
    @app_commands.describe(event="The event (type to search)")
    @app_commands.autocomplete(event=EventChoices.event_autocomplete)
    async def info(self, interaction: HuddleInteraction, event: str) -> None:
        """Everything about one event, including who is going."""
        found = await self.service.event_for(interaction, event)
        embed = await self.service.embed(found)
        embed.add_field(name="Message", value=found.link(), inline=False)
        await reply(interaction, render.message_content(found), embed=fit_embed(embed))

    @app_commands.command(name="rsvp")
    @app_commands.describe(event="The event (type to search)", status="Your answer")
    @app_commands.choices(
        status=[app_commands.Choice(name=label, value=key) for key, label in STATUS_LABELS.items()]
    )
    @app_commands.autocomplete(event=EventChoices.event_autocomplete)
    async def rsvp(self, interaction: HuddleInteraction, event: str, status: str) -> None:
        """Answer Going, Maybe or Can't (same as the buttons)."""
        await interaction.response.defer(ephemeral=True)
        found = await self.service.event_for(interaction, event)
        outcome = await self.service.answer(interaction, found, status)
        await self.service.refresh_message(found)
        await reply(interaction, self.service.answer_text(found, outcome))

    @app_commands.command(name="edit")
    @app_commands.describe(
        event="The event (type to search)",
        title="New title",
        when="New start time, e.g. `friday 7pm`",
        duration="New length, e.g. `2h`",
        where="New place, link or voice channel",
        description="New description",
        capacity="New capacity (0 removes the limit)",
        remind="New reminder offsets, e.g. `1d,1h` (`none` for no reminders)",
        occurrence="Move just this meeting of a series (with `when`/`duration`)",
    )
    @app_commands.autocomplete(
        event=EventChoices.event_autocomplete,
        when=EventChoices.when_autocomplete,
        occurrence=EventChoices.occurrence_autocomplete,
    )
    async def edit(
        self,
        interaction: HuddleInteraction,
        event: str,
        title: app_commands.Range[str, 1, 100] | None = None,
        when: str | None = None,
        duration: str | None = None,
        where: str | None = None,
        description: app_commands.Range[str, 0, 1000] | None = None,
        capacity: app_commands.Range[int, 0, 10000] | None = None,
        remind: str | None = None,
        occurrence: str | None = None,
    ) -> None:
        """Change an event or one meeting of a series (creator, group leaders, managers)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.service.event_for(interaction, event)
        options = {"title": title, "when": when, "duration": duration, "where": where,
                   "description": description, "capacity": capacity, "remind": remind}  # fmt: skip
        updated, notes = await edit_event(self.service, interaction, found, options, occurrence)
        text = (
            f"Updated **{discord.utils.escape_markdown(updated.title)}** "
            f"({when_text(updated.start_at)}, {updated.timezone})."
        )
        await reply(interaction, "\n".join([text, *notes]))

    @app_commands.command(name="cancel")
    @app_commands.describe(
        event="The event (type to search)",
        scope="For a series: just this occurrence (the next one), or all",
        occurrence="Skip just this meeting of a series",
    )
    @app_commands.choices(scope=[app_commands.Choice(name=s, value=s) for s in SCOPES])
    @app_commands.autocomplete(
        event=EventChoices.event_autocomplete, occurrence=EventChoices.occurrence_autocomplete
    )
    async def cancel(
        self,
        interaction: HuddleInteraction,
        event: str,
        scope: str = "series",
        occurrence: str | None = None,
    ) -> None:
        """Cancel an event or one meeting of a series; attendees are told."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.service.event_for(interaction, event)
        text, notes = await cancel_event(self.service, interaction, found, scope, occurrence)
        await reply(interaction, "\n".join([text, *notes]))

    @app_commands.command(name="nudge")
    @app_commands.describe(event="The group event (type to search)")
    @app_commands.autocomplete(event=EventChoices.event_autocomplete)
    async def nudge(self, interaction: HuddleInteraction, event: str) -> None:
        """DM the group's members who haven't answered yet (organisers; once per 12 hours)."""
        found = await self.service.event_for(interaction, event)
        await self.service.require_organiser(interaction, found)
        await interaction.response.defer(ephemeral=True)
        count = await self.nudges.start(found, interaction.user.id)
        await reply(
            interaction,
            f"Nudging {plural(count, 'member')} who haven't answered"
            f" **{discord.utils.escape_markdown(found.title)}**: a DM each, or a mention in"
            " the group's channel when their DMs are closed. The next nudge is possible in"
            " 12 hours.",
        )

    @app_commands.command(name="export")
    @app_commands.describe(group="Only this group's events")
    @app_commands.autocomplete(group=member_groups)
    async def export(self, interaction: HuddleInteraction, group: str | None = None) -> None:
        """Download upcoming events as an .ics calendar file."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = guild_id_of(interaction)
        group_ref = await groups.resolve_group(self.bot.store, guild_id, group) if group else None
        now = self.bot.clock.now()
        found = await self.service.events.upcoming(
            guild_id,
            now,
            group_ref.id if group_ref else None,
            limit=1000,
            viewer=await groups.viewer_of(interaction),
        )
        name = f"{group_ref.name} events" if group_ref else "Huddle events"
        data = await calendar.export_calendar(self.bot.store, found, now, name)
        file = discord.File(io.BytesIO(data), filename="huddle-events.ics")
        await reply(
            interaction, f"{plural(len(found), 'upcoming event')} as a calendar file.", file=file
        )

    @app_commands.command(name="calendar")
    @app_commands.describe(reset="Make a new link; the old one stops working at once")
    async def calendar_(self, interaction: HuddleInteraction, reset: bool = False) -> None:
        """Your private calendar link: every event you may see, in your own calendar app."""
        guild = interaction.guild
        if guild is None:
            guild_id_of(interaction)  # refuses outside a server
            return
        text, view = await link_reply(self.feed, guild, interaction.user.id, reset)
        await reply(interaction, text, view=view)

    @app_commands.command(name="findtime")
    @app_commands.describe(
        title="What the meeting is for",
        options="Candidate times separated by `;`, e.g. `friday 7pm; saturday 10:00`",
        group="Ask a group (posted in the group's channel)",
        closes="When the poll closes: `12h`, `2d` or a time (default 24h, or before the first slot)",
    )
    @app_commands.autocomplete(group=member_groups, options=EventChoices.options_autocomplete)
    async def findtime(
        self,
        interaction: HuddleInteraction,
        title: app_commands.Range[str, 1, 100],
        options: str,
        group: str | None = None,
        closes: str | None = None,
    ) -> None:
        """Find a time that suits most: members react to every slot that works."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        poll = await self.findtime_flow.start(interaction, title, options, group, closes)
        await reply(
            interaction,
            f"Posted the poll for **{discord.utils.escape_markdown(poll.title)}** with "
            f"{plural(len(poll.slots), 'slot')} (read in {poll.timezone}: "
            f"{', '.join(f'<t:{int(slot)}:F>' for slot in poll.slots[:5])}"
            f"{', …' if len(poll.slots) > 5 else ''}): {poll.link()}",
        )

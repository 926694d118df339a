"""`/poll create|close|results|list|recount`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from cogs.polls import logic, render
from cogs.polls.models import NewPoll, Poll
from cogs.polls.store_lookup import nocase, poll_number
from core import fit
from core.checks import (
    FeatureGroup,
    any_member,
    guild_id_of,
    is_manager,
    require_bot_permissions,
    require_member_can_post,
)
from core.errors import NotAllowed, NotFound, UserError
from core.fit import CHOICE_NAME, CONTENT, clip, fit_embed
from core.timeparse import TooFar, is_duration, preview_choices, read_when
from core.ui import EMBED_COLOUR, plural, reply

if TYPE_CHECKING:
    from cogs.polls.nudges import PollNudges
    from cogs.polls.reactions import Progress
    from cogs.polls.service import PollService
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

CHOICES = 25  # Discord's maximum autocomplete choices
PROGRESS_EVERY = 2.0  # seconds between progress edits of a long /poll recount


class PollCommands(FeatureGroup, name="poll", description="Polls: members vote by reacting"):
    feature_name = "polls"

    def __init__(self, bot: HuddleBot, service: PollService, nudges: PollNudges) -> None:
        super().__init__(guild_only=True)
        self.bot = bot
        self.service = service
        self.nudges = nudges

    # -- /poll create ---------------------------------------------------------------------

    @app_commands.command(name="create", description="Post a poll members answer by reacting")
    @app_commands.autocomplete(group=groups.group_autocomplete("member"))
    @app_commands.describe(
        question="What are you asking?",
        options="2–20 options separated by ; (e.g. Dune; Emma; Ulysses)",
        group="Only this group's members may vote (posts in the group's channel)",
        multiple="Allow voting for several options",
        max_choices="With multiple: at most this many options per member",
        closes="When it closes: a duration (3d, 12h) or a time (friday 18:00)",
        channel="Where to post it (default: here, or the group's channel)",
        hide_results="Hide counts until the poll closes",
        nudge="Group polls: hours before it closes to DM members who haven't voted",
    )
    async def create(
        self,
        interaction: discord.Interaction,
        question: str,
        options: str,
        group: str | None = None,
        multiple: bool | None = None,
        max_choices: app_commands.Range[int, 1, 20] | None = None,
        closes: str | None = None,
        channel: discord.TextChannel | None = None,
        hide_results: bool = False,
        nudge: app_commands.Range[int, 1, logic.MAX_NUDGE_HOURS] | None = None,
    ) -> None:
        member = any_member(interaction)
        question = logic.check_question(question)
        texts = logic.parse_options(options)
        rules = logic.check_choices(len(texts), multiple, max_choices)
        ref = await self._poll_group(interaction, group)
        closing = await self._closes_at(interaction, closes, ref)
        closes_at = closing[0] if closing else None
        if nudge is not None:
            problem = logic.nudge_problem(nudge, ref is not None, closes_at, self.bot.clock.now())
            if problem:
                raise UserError(problem)
        target = self._target_channel(interaction, ref, channel)
        # The bot's own missing permission first: only an admin can fix that one.
        require_bot_permissions(target, f"post a poll in {target.mention}")
        require_member_can_post(member, target, "a poll")
        await interaction.response.defer(ephemeral=True)
        new = NewPoll(
            guild_id=target.guild.id, channel_id=target.id, group_id=ref.id if ref else None,
            creator_id=member.id, question=question, options=texts, multiple=rules.multiple,
            max_choices=rules.max_choices, hide_results=hide_results, closes_at=closes_at,
            nudge_hours=nudge,
        )  # fmt: skip
        poll = await self.service.create(new, target)
        said = ""
        if closing:
            said = f" It closes {render.when_text(closing[0])} (read in {closing[1]})."
        if nudge:
            said += f" Members who haven't voted are nudged {plural(nudge, 'hour')} before."
        await reply(interaction, f"Poll #{poll.id} posted: {poll.link()}.{said}")

    async def _poll_group(
        self, interaction: discord.Interaction, text: str | None
    ) -> GroupRef | None:
        if not text:
            return None
        return await groups.group_for(interaction, text, "member", "start a poll for it")

    async def _reader_zone(self, interaction: discord.Interaction, ref: GroupRef | None) -> str:
        """The zone a time is read in: the member's, else the group's, else the server's."""
        zone = await self.bot.prefs.get(interaction.user.id, "timezone")
        if not zone and ref is not None:
            zone = ref.timezone
        return str(zone or await self.bot.config.server_timezone(guild_id_of(interaction)))

    async def _closes_at(
        self, interaction: discord.Interaction, text: str | None, ref: GroupRef | None
    ) -> tuple[float, str] | None:
        """(the close moment, the zone it was read in), or None without a deadline."""
        if not text or not text.strip():
            return None
        now = self.bot.clock.now()
        zone = await self._reader_zone(interaction, ref)
        try:
            reading = read_when(text, zone, now)
        except (TooFar, OverflowError, ValueError, OSError):  # `99999999999999d`
            raise UserError(logic.closes_range_text(text)) from None
        problem = logic.closes_problem(text, reading.start, now)
        if problem:
            raise UserError(problem)
        return reading.start, reading.zone

    def _target_channel(
        self,
        interaction: discord.Interaction,
        ref: GroupRef | None,
        chosen: discord.TextChannel | None,
    ) -> discord.TextChannel | discord.Thread:
        guild = interaction.guild
        assert guild is not None
        if chosen is not None:
            channel_id = chosen.id
        elif ref is not None:
            if not ref.channel_id or ref.broken:
                raise UserError(
                    f"**{ref.name}** has no working channel; a leader can fix it with "
                    "`/group repair`, or pick a `channel`."
                )
            channel_id = ref.channel_id
        else:
            channel_id = interaction.channel_id or 0
        target = guild.get_channel(channel_id)
        if not isinstance(target, discord.TextChannel | discord.Thread):
            raise UserError("Polls can only be posted in a text channel; pick one with `channel`.")
        return target

    @create.autocomplete("closes")
    async def _closes_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """How the typed text will be read (`Fri 4 Dec 2026, 19:00 (Europe/Berlin)`); the
        value is an unambiguous text that reads back exactly. Durations stay as typed."""
        if interaction.guild_id is None or not current.strip():
            return []
        now = self.bot.clock.now()
        zone = await self._reader_zone(interaction, None)
        choices = []
        try:
            for label, value in preview_choices(current, zone, now):
                start = read_when(value, zone, now).start
                if logic.closes_problem(value, start, now) is None:
                    # a duration stays a duration: it is read from the moment it's sent
                    kept = current.strip() if is_duration(current) else value
                    choices.append(app_commands.Choice(name=clip(label, CHOICE_NAME), value=kept))
        except (OverflowError, ValueError, OSError, UserError):
            return []
        return choices[:25]

    # -- /poll close, results, recount ------------------------------------------------------

    @app_commands.command(name="close", description="Close a poll now and announce the result")
    @app_commands.describe(poll="The poll (type part of its question)")
    async def close(self, interaction: discord.Interaction, poll: str) -> None:
        found = await self._resolve(interaction, poll)
        await self._require_runner(interaction, found, "close")
        if not found.is_open:
            raise UserError(
                f"Poll #{found.id} is already closed. `/poll results` shows its result."
            )
        await interaction.response.defer(ephemeral=True)
        closed = await self.service.close(found.id)
        if closed is None:
            raise UserError(f"Poll #{found.id} is already closed.")
        counts, _ = await self.service.summary(closed)
        said = f"Closed poll #{closed.id}. {render.outcome_text(closed, counts)}"
        await reply(interaction, clip(said, CONTENT))

    @app_commands.command(name="results", description="See a poll's results")
    @app_commands.describe(poll="The poll (type part of its question)")
    async def results(self, interaction: discord.Interaction, poll: str) -> None:
        found = await self._resolve(interaction, poll)
        if not await self._may_see(interaction, found):
            raise NotAllowed(
                "This poll's results are hidden until it closes; only its creator, "
                "group leaders and managers can see them before that."
            )
        await reply(interaction, embed=await self.service.embed(found, show=True))

    @app_commands.command(name="recount", description="Re-read the reactions and rebuild the tally")
    @app_commands.describe(poll="The poll (type part of its question)")
    async def recount(self, interaction: discord.Interaction, poll: str) -> None:
        """Creator, the group's leaders, managers and admins."""
        found = await self._resolve(interaction, poll)
        await self._require_runner(interaction, found, "recount")
        if not found.is_open:
            raise UserError(
                f"Poll #{found.id} is closed; its final counts are kept as they are. "
                "`/poll results` shows them."
            )
        await interaction.response.defer(ephemeral=True)
        outcome = await self.service.sync(found.id, progress=self._progress(interaction, found))
        if outcome is None:
            raise UserError(f"Poll #{found.id}'s message is gone, so the poll was closed.")
        counts, voters = await self.service.summary(found)
        text = (
            f"Recounted poll #{found.id} from its reactions: {plural(voters, 'voter')}, "
            f"{plural(len(outcome.touched), 'vote')} corrected."
        )
        if await self._may_see(interaction, found):
            text += "\n" + render.option_lines(found, counts, show=True)
        else:
            text += " Its results stay hidden until it closes."
        await reply(interaction, clip(text, CONTENT))

    def _progress(self, interaction: discord.Interaction, poll: Poll) -> Progress:
        """Edits the deferred reply as pages of reactions are read, at most every 2 s."""
        last = [self.bot.clock.now()]

        async def show(read: int, total: int) -> None:
            now = self.bot.clock.now()
            if now - last[0] < PROGRESS_EVERY or read >= total:
                return
            last[0] = now
            try:
                await interaction.edit_original_response(
                    content=f"Recounting poll #{poll.id}: {read:,} of {total:,} reactions read…"
                )
            except discord.HTTPException as exc:
                log.info("poll %s: recount progress not shown: %s", poll.id, exc)

        return show

    @app_commands.command(name="nudge", description="DM the group's members who haven't voted")
    @app_commands.describe(poll="The group poll (type part of its question)")
    async def nudge(self, interaction: discord.Interaction, poll: str) -> None:
        """Creator, the group's leaders, managers; group polls; once per 12 hours."""
        found = await self._resolve(interaction, poll)
        await self._require_runner(interaction, found, "nudge its voters")
        await interaction.response.defer(ephemeral=True)
        count = await self.nudges.start(found, interaction.user.id)
        await reply(
            interaction,
            f"Nudging {plural(count, 'member')} who haven't voted in poll #{found.id}: a DM"
            " each, or a mention in the group's channel when their DMs are closed."
            " The next nudge is possible in 12 hours.",
        )

    # -- /poll list -------------------------------------------------------------------------

    @app_commands.command(name="list", description="Open polls and recently closed ones")
    @app_commands.autocomplete(group=groups.group_autocomplete("member"))
    @app_commands.describe(group="Only this group's polls")
    async def list_polls(self, interaction: discord.Interaction, group: str | None = None) -> None:
        guild_id = guild_id_of(interaction)
        ref = await groups.group_for(interaction, group) if group else None
        viewer = await groups.viewer_of(interaction)
        open_polls, closed = await self.service.polls.lookup.listing(
            guild_id, ref.id if ref else None, groups.visible_sql(viewer, "group_id")
        )
        title = f"Polls of {ref.name}" if ref else "Polls"
        embed = discord.Embed(title=clip(title, 256), colour=EMBED_COLOUR)
        embed.add_field(
            name="Open", value=render.list_text(open_polls, "No open polls."), inline=False
        )
        embed.add_field(
            name="Recently closed", value=render.list_text(closed, "None yet."), inline=False
        )
        await reply(interaction, embed=fit_embed(embed))

    # -- shared -------------------------------------------------------------------------------

    @close.autocomplete("poll")
    @results.autocomplete("poll")
    @recount.autocomplete("poll")
    @nudge.autocomplete("poll")
    async def _poll_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        viewer = await groups.viewer_of(interaction)
        # Open polls from the engine's memory, closed ones from the store's memory of
        # recent searches (a keystroke costs no query once typed before). Same match and
        # order as the SQL (ASCII-insensitive substring, open first, newest first), same
        # privacy filter, applied here with the viewer's groups of the moment.
        needle = nocase(current.strip())
        polls = [
            p
            for p in self.service.engine.open_polls(viewer.guild_id)
            if needle in nocase(p.question)
        ]
        polls = (await self._visible_to(viewer, polls))[:CHOICES]
        if len(polls) < CHOICES:
            closed, more = await self.service.polls.lookup.closed_matching(viewer.guild_id, current)
            visible = await self._visible_to(viewer, closed)
            if more and len(visible) < CHOICES - len(polls):  # the privacy filter hid many
                visible = await self.service.polls.lookup.search(
                    viewer.guild_id,
                    current,
                    groups.visible_sql(viewer, "group_id"),
                    limit=CHOICES - len(polls),
                    statuses=("closed",),
                )
            shown = {p.id for p in polls}  # closing right now: already listed as open
            polls += [p for p in visible if p.id not in shown][: CHOICES - len(polls)]
        return [app_commands.Choice(name=render.choice_name(p), value=str(p.id)) for p in polls]

    async def _visible_to(self, viewer: groups.Viewer, polls: list[Poll]) -> list[Poll]:
        """The polls the viewer may see: one query for their groups, and only when a group
        poll is among them and the viewer doesn't see every group."""
        if viewer.sees_every_group or all(p.group_id is None for p in polls):
            return polls
        mine = {
            g.id
            for g in await groups.groups_of_member(self.bot.store, viewer.guild_id, viewer.user_id)
        }
        return [p for p in polls if p.group_id is None or p.group_id in mine]

    async def _visible(self, viewer: groups.Viewer, poll: Poll) -> bool:
        """The privacy rule (groups.api) for one poll: no group, a manager, or a member."""
        return await groups.can_see_group(self.bot.store, viewer, poll.group_id)

    def _open_poll(self, guild_id: int, text: str) -> Poll | None:
        """The open poll `text` names, from memory, when the database would name the same
        one: an open poll's id, or (not a number) the newest open poll whose question
        equals `text` as SQLite's NOCASE compares. None: ask the database."""
        polls = self.service.engine.open_polls(guild_id)
        number = poll_number(text)
        if number is not None:
            return next((p for p in polls if p.id == number), None)
        wanted = nocase(text.strip())
        return next((p for p in polls if nocase(p.question) == wanted), None)

    async def _resolve(self, interaction: discord.Interaction, text: str) -> Poll:
        """The poll named by `text` among those the member may see: a group poll named by an
        outsider gets the very reply a poll that doesn't exist gets."""
        viewer = await groups.viewer_of(interaction)
        found = self._open_poll(viewer.guild_id, text)
        if found is None or not await self._visible(viewer, found):
            found = await self.service.polls.lookup.find(
                viewer.guild_id, text, groups.visible_sql(viewer, "group_id")
            )
        if found is None:
            raise NotFound(f"There is no poll {fit.code(text, 80)}. `/poll list` shows the polls.")
        return found

    async def _may_run(self, interaction: discord.Interaction, poll: Poll) -> bool:
        """Creator, the group's leaders, or managers."""
        if interaction.user.id == poll.creator_id or await is_manager(interaction):
            return True
        return poll.group_id is not None and await groups.is_leader(
            self.bot.store, poll.group_id, interaction.user.id
        )

    async def _may_see(self, interaction: discord.Interaction, poll: Poll) -> bool:
        """Anyone sees a closed or visible poll's results; hidden ones only runners."""
        return not (poll.is_open and poll.hide_results) or await self._may_run(interaction, poll)

    async def _require_runner(
        self, interaction: discord.Interaction, poll: Poll, verb: str
    ) -> None:
        if not await self._may_run(interaction, poll):
            raise NotAllowed(
                f"Only the poll's creator, its group's leaders or community managers can {verb} it."
            )

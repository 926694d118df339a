"""The Discord adapter for club cycles: `/cycle start|nominate|status|advance|stop|history`,
the **Nominate** button and its modal. Rules (the checks of `/cycle start` too) live in
logic.py, the phase machine in engine.py, its scheduler jobs in jobs.py, SQL in store.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.cycles import jobs, logic, render
from cogs.cycles.engine import CycleEngine
from cogs.cycles.store import Cycle, Period
from cogs.groups import api as groups
from core import fit
from core.checks import FeatureGroup, require_bot_permissions
from core.components import Press, RoutedModal
from core.errors import BotMissingPermission, NotAllowed, NotFound, UserError
from core.ui import plural, reply

if TYPE_CHECKING:
    from core.bot import HuddleBot

FEATURE = "cycles"


LEADS = "run its cycles"  # "Only leaders of X and community managers can run its cycles."


def _missing_permission(interaction: discord.Interaction, group: groups.GroupRef) -> str | None:
    """The permission the bot lacks to post in the group's channel, if any."""
    if interaction.guild is None or not group.channel_id:
        return None
    channel = interaction.guild.get_channel(group.channel_id)
    try:
        require_bot_permissions(channel, "post the cycle in the group's channel")
    except BotMissingPermission as missing:
        return missing.permission
    return None


class CycleCommands(FeatureGroup, name="cycle", description="Club cycles: nominate, vote, meet"):
    feature_name = FEATURE

    def __init__(self, bot: HuddleBot, engine: CycleEngine) -> None:
        super().__init__(guild_only=True)
        self.bot = bot
        self.engine = engine

    # -- shared ------------------------------------------------------------------------------

    async def _active(self, group: groups.GroupRef) -> Cycle:
        cycle = await self.engine.cycles.active_cycle(group.id)
        if cycle is None:
            raise UserError(
                f"**{group.name}** runs no cycle. A leader starts one with `/cycle start`."
            )
        return cycle

    # -- /cycle start ------------------------------------------------------------------------

    @app_commands.command(name="start", description="Leaders: run a club cycle for a group")
    @app_commands.autocomplete(group=groups.group_autocomplete("leader"))
    @app_commands.describe(
        group="The group",
        name="What the cycle is called, like Book of the month",
        meet="The meeting slot: last thursday 7pm (monthly) or thursday 19:00 (weekly)",
        cadence="How often: monthly (default), biweekly or weekly",
        nominate="How long nominations stay open (default 5d, weekly 2d)",
        vote="How long the vote runs (default 2d, weekly 1d)",
        checkins="Weekly reading check-ins until the meeting (default on)",
        per_member="Nominations per member (default 1)",
    )
    @app_commands.choices(cadence=[app_commands.Choice(name=c, value=c) for c in logic.CADENCES])
    async def start(
        self,
        interaction: discord.Interaction,
        group: str,
        name: str,
        meet: str,
        cadence: str | None = None,
        nominate: str | None = None,
        vote: str | None = None,
        checkins: bool = True,
        per_member: int = 1,
    ) -> None:
        ref = await groups.group_for(interaction, group, "lead", LEADS)
        options = logic.StartOptions(name, meet, cadence, nominate, vote, checkins, per_member)
        place = logic.StartPlace(
            guild_id=ref.guild_id, group_id=ref.id, group_name=ref.name, archived=ref.archived,
            channel_works=bool(ref.channel_id) and not ref.broken,
            runs_cycle=await self.engine.cycles.active_cycle(ref.id) is not None,
            missing_permission=_missing_permission(interaction, ref),
            timezone=ref.timezone or await self.bot.config.server_timezone(ref.guild_id),
        )  # fmt: skip
        new = logic.plan_start(options, place, self.bot.clock.now(), interaction.user.id)
        await interaction.response.defer(ephemeral=True)
        _, period = await self.engine.start(new)
        await reply(interaction, render.started(new, period, ref.name))

    # -- /cycle nominate ---------------------------------------------------------------------

    @app_commands.command(name="nominate", description="Members: nominate what the club takes up")
    @app_commands.autocomplete(group=groups.group_autocomplete("member"))
    @app_commands.describe(
        group="The group", pick="The title you nominate", note="Optional: an author or a link"
    )
    async def nominate(
        self, interaction: discord.Interaction, group: str, pick: str, note: str | None = None
    ) -> None:
        ref = await groups.group_for(interaction, group)
        cycle = await self._active(ref)
        period = await self.engine.cycles.current_period(cycle.id)
        await submit_nomination(self.bot, self.engine, interaction, ref, cycle, period, pick, note)

    # -- /cycle status, history --------------------------------------------------------------

    @app_commands.command(name="status", description="The cycle's phase, deadlines and nominations")
    @app_commands.autocomplete(group=groups.group_autocomplete("member"))
    @app_commands.describe(group="The group")
    async def status(self, interaction: discord.Interaction, group: str) -> None:
        ref = await groups.group_for(interaction, group)
        cycle = await self.engine.cycles.latest_cycle(ref.id)
        if cycle is None:
            raise UserError(
                f"**{ref.name}** runs no cycle. A leader starts one with `/cycle start`."
            )
        period = await self.engine.cycles.current_period(cycle.id)
        nominees = await self.engine.cycles.nominees(period.id) if period else []
        await reply(interaction, embed=render.status(cycle, period, nominees, ref.name))

    @app_commands.command(name="history", description="Past picks with dates, votes, attendance")
    @app_commands.autocomplete(group=groups.group_autocomplete("member"))
    @app_commands.describe(group="The group")
    async def history(self, interaction: discord.Interaction, group: str) -> None:
        ref = await groups.group_for(interaction, group)
        shelf = await self.engine.cycles.shelf(ref.id)
        await reply(interaction, embed=render.history(ref.name, shelf, self.bot.clock.now()))

    # -- /cycle advance, stop ----------------------------------------------------------------

    @app_commands.command(name="advance", description="Leaders: end the current phase now")
    @app_commands.autocomplete(group=groups.group_autocomplete("leader"))
    @app_commands.describe(group="The group")
    async def advance(self, interaction: discord.Interaction, group: str) -> None:
        ref = await groups.group_for(interaction, group, "lead", LEADS)
        cycle = await self._active(ref)
        await interaction.response.defer(ephemeral=True)
        await reply(interaction, await self.engine.advance(cycle))

    @app_commands.command(name="stop", description="Leaders: end the cycle")
    @app_commands.autocomplete(group=groups.group_autocomplete("leader"))
    @app_commands.describe(group="The group")
    async def stop(self, interaction: discord.Interaction, group: str) -> None:
        ref = await groups.group_for(interaction, group, "lead", LEADS)
        # a stopped cycle can be stopped again, for what a failure left running
        cycle = await self.engine.cycles.latest_cycle(ref.id)
        if cycle is None:
            cycle = await self._active(ref)  # says there is none
        await interaction.response.defer(ephemeral=True)
        done = await self.engine.stop(cycle)
        extra = f" I {', '.join(done)}." if done else ""
        await reply(
            interaction, f"Stopped **{fit.escape(cycle.name, 80)}** for **{ref.name}**.{extra}"
        )


async def submit_nomination(
    bot: HuddleBot,
    engine: CycleEngine,
    interaction: discord.Interaction,
    group: groups.GroupRef,
    cycle: Cycle,
    period: Period | None,
    pick: str,
    note: str | None,
) -> None:
    if not await groups.is_member(bot.store, group.id, interaction.user.id):
        raise NotAllowed(f"Only members of **{group.name}** can nominate. Join it first.")
    if cycle.status != "active" or period is None or period.phase != "nominating":
        when = ""
        if period is not None and cycle.status == "active":
            when = f" The next nominations open after the meeting {render.when(period.meet_at)}."
        raise UserError(f"Nominations for **{fit.escape(cycle.name, 80)}** are closed.{when}")
    title = logic.clean_title(pick)
    text = logic.clean_note(note)
    async with engine.lock(period.id):  # the deadline's ballot waits, or it came first
        outcome, others = await engine.cycles.nominate(
            period.id, interaction.user.id, title, logic.title_key(title), text,
            bot.clock.now(), cycle.per_member,
        )  # fmt: skip
    if outcome == "closed":
        raise UserError(
            f"Too late: nominations for **{fit.escape(cycle.name, 80)}** closed just now, and the "
            "ballot is being made without it."
        )
    if outcome == "full":
        listed = ", ".join(f"**{fit.escape(t, 60)}**" for t in others)
        raise UserError(
            f"You already made {plural(cycle.per_member, 'nomination')} ({listed}), the most "
            "this cycle allows. Nominate one of them again to edit its note."
        )
    nominees = await engine.cycles.nominees(period.id)
    mine = next(n for n in nominees if n.key == logic.title_key(title))
    seconded = f" It has {plural(mine.seconders, 'seconder')}." if mine.seconders else ""
    if outcome == "updated":
        message = f"Your nomination **{fit.escape(mine.title, 100)}** is updated.{seconded}"
    elif outcome == "replaced":
        message = (
            f"Your nomination is now **{fit.escape(mine.title, 100)}** (it replaces "
            f"**{fit.escape(others[0], 60)}**).{seconded}"
        )
    elif mine.nominators[0] != interaction.user.id:
        message = f"You seconded **{fit.escape(mine.title, 100)}**.{seconded}"
    else:
        message = f"You nominated **{fit.escape(mine.title, 100)}**."
    message += f" Nominations close {render.when(period.nominate_until)}."
    await reply(interaction, message)


class Cycles(commands.Cog, name="Cycles"):
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self.engine = CycleEngine(bot)
        self.commands_group = CycleCommands(bot, self.engine)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.commands_group)
        jobs.register(self.bot, self.engine)
        self.bot.components.add(FEATURE, "nominate", self.on_nominate_button)
        self.bot.components.add(FEATURE, "nominate-submit", self.on_nominate_submit)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.commands_group.name)
        jobs.unregister(self.bot)
        self.bot.components.remove_feature(FEATURE)

    async def _period_and_group(self, period_id: int) -> tuple[Cycle, Period, groups.GroupRef]:
        period = await self.engine.cycles.period(period_id)
        cycle = await self.engine.cycles.cycle(period.cycle_id) if period else None
        group = await groups.get_group(self.bot.store, cycle.group_id) if cycle else None
        if period is None or cycle is None or group is None:
            raise NotFound("This cycle no longer exists.")
        return cycle, period, group

    async def on_nominate_button(self, interaction: discord.Interaction, press: Press) -> None:
        cycle, period, group = await self._period_and_group(press.target)
        if not await groups.is_member(self.bot.store, group.id, interaction.user.id):
            raise NotAllowed(f"Only members of **{group.name}** can nominate. Join it first.")
        if cycle.status != "active" or period.phase != "nominating":
            raise UserError(f"Nominations for **{fit.escape(cycle.name, 80)}** are closed.")
        modal = RoutedModal(
            FEATURE,
            "nominate-submit",
            period.id,
            f"Nominate for {cycle.name}",
            discord.ui.TextInput(
                label="Title", custom_id="pick", max_length=logic.TITLE_MAX, required=True
            ),
            discord.ui.TextInput(
                label="Note (author, link)",
                custom_id="note",
                required=False,
                max_length=logic.NOTE_MAX,
                style=discord.TextStyle.paragraph,
            ),
        )
        await interaction.response.send_modal(modal)

    async def on_nominate_submit(self, interaction: discord.Interaction, press: Press) -> None:
        cycle, period, group = await self._period_and_group(press.target)
        await submit_nomination(
            self.bot, self.engine, interaction, group, cycle, period,
            press.values.get("pick", ""), press.values.get("note"),
        )  # fmt: skip

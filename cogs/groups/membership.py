"""Joining and leaving: open joins, join requests, invitations, kicks, leaders, waitlist.

The database is the record of membership; the role follows it with one REST call per
change. When the REST call fails the database change is undone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from cogs.groups import logic
from cogs.groups.messages import post, tell
from cogs.groups.notices import tell_leaders_later
from cogs.groups.panel import panels_changed
from cogs.groups.resources import Resources
from cogs.groups.settings import Limits, group_limit, limits
from cogs.groups.store import GroupRef, GroupStore
from cogs.groups.views import request_view, waitlist_view
from core.errors import BotMissingPermission, NotAllowed, NotFound, UserError

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)

UNKNOWN_MEMBER = 10007  # Discord's answer for a user who is not (or no longer) on the server
QUERY_BATCH = 100  # user ids per gateway member query


@dataclass
class Outcome:
    """What to tell the member who acted (ephemerally), and an optional view."""

    text: str
    view: discord.ui.View | None = None


@dataclass(frozen=True)
class Decided:
    """A settled join request: the request message's new text, and who to DM what."""

    text: str
    user_id: int
    dm: str


class Membership:
    """A group's people: who joins, waits, asks, is invited, leaves or is kicked."""

    def __init__(self, bot: HuddleBot, store: GroupStore, resources: Resources) -> None:
        self.bot = bot
        self.store = store
        self.resources = resources

    # -- join ------------------------------------------------------------------------

    async def join(
        self, guild: discord.Guild, user: discord.User | discord.Member, group: GroupRef
    ) -> Outcome:
        """`/group join` and a panel's Join button. No defer: at most one REST call (the
        role) before the answer, well inside Discord's 3 seconds."""
        lim = await limits(self.bot, guild.id)
        verdict, size, limit = await self._verdict(group, user.id, lim)
        if verdict is logic.Verdict.JOIN:
            await self.add(guild, group, user.id, limit, "joined")
            where = f" Say hi in <#{group.channel_id}>." if group.channel_id else ""
            return Outcome(f"You joined **{group.name}**.{where}")
        if verdict is logic.Verdict.REQUEST:
            return Outcome(await self.request(group, user.id))
        if verdict is logic.Verdict.FULL:
            return await self._full(group, user.id, size, limit)
        raise self._refusal(verdict, group, lim)

    async def _verdict(
        self, group: GroupRef, user_id: int, lim: Limits, invited: bool = False
    ) -> tuple[logic.Verdict, int, int]:
        member, _ = await self.store.role_of(group.id, user_id)
        size = await self.store.size(group.id)
        limit = group_limit(group, lim)
        verdict = logic.join_verdict(
            visibility=group.visibility,
            status=group.status,
            already_member=member,
            size=size,
            limit=limit,
            member_groups=await self.store.membership_count(group.guild_id, user_id),
            max_per_member=lim.max_per_member,
            invited=invited,
        )
        return verdict, size, limit

    def _refusal(self, verdict: logic.Verdict, group: GroupRef, lim: Limits) -> UserError:
        if verdict is logic.Verdict.ALREADY:
            return UserError(f"You're already in **{group.name}**.")
        if verdict is logic.Verdict.ARCHIVED:
            return UserError(f"**{group.name}** is archived and doesn't take new members.")
        if verdict is logic.Verdict.INVITE_ONLY:
            return NotAllowed(
                f"**{group.name}** is invite-only: ask one of its leaders to `/group invite` you."
            )
        if verdict is logic.Verdict.LIMIT:
            return UserError(logic.limit_text(lim.max_per_member))
        return UserError(f"**{group.name}** can't take you right now.")

    async def _full(self, group: GroupRef, user_id: int, size: int, limit: int) -> Outcome:
        text = logic.full_text(group.name, size, limit)
        if user_id in await self.store.waitlist.members(group.id):
            return Outcome(f"{text} You're on its waitlist; you'll hear when a place opens.")
        return Outcome(
            f"{text} Join the waitlist to get the next free place.", waitlist_view(group.id)
        )

    async def add(
        self, guild: discord.Guild, group: GroupRef, user_id: int, limit: int, why: str
    ) -> None:
        """Record the member and give the role; undo the record if Discord refuses."""
        await self.resources.require_below_me(guild, group.role_id)
        if not await self.store.add_if_room(group, user_id, limit, self.bot.clock.now()):
            raise UserError(logic.full_text(group.name, limit, limit))
        try:
            await self.resources.add_role(guild.id, user_id, group.role_id, f"{why} {group.name}")
        except discord.HTTPException as exc:
            await self.store.remove_member(group.id, user_id)
            if isinstance(exc, discord.Forbidden):
                raise BotMissingPermission("Manage Roles", "give out the group's role") from exc
            if isinstance(exc, discord.NotFound) and exc.code == UNKNOWN_MEMBER:
                raise NotFound(f"<@{user_id}> isn't on this server any more.") from exc
            if isinstance(exc, discord.NotFound):
                raise NotFound(
                    f"<@{user_id}> isn't on this server any more, or the group's role is "
                    "gone (`/group repair` fixes that)."
                ) from exc
            raise
        await panels_changed(self.bot, guild.id)

    async def wait(self, group: GroupRef, user_id: int) -> str:
        member, _ = await self.store.role_of(group.id, user_id)
        if member:
            return f"You're already in **{group.name}**."
        position = await self.store.waitlist.add(group, user_id, self.bot.clock.now())
        return (
            f"You're on the waitlist for **{group.name}** (position {position}). "
            "When a place opens, the first in line gets it."
        )

    # -- requests --------------------------------------------------------------------

    async def request(self, group: GroupRef, user_id: int) -> str:
        if await self.store.requests.pending(group.id, user_id, "join"):
            return f"You already asked to join **{group.name}**; its leaders will decide."
        request_id = await self.store.requests.open(group, user_id, "join", self.bot.clock.now())
        message = await post(
            self.bot,
            group.channel_id,
            logic.request_text(user_id, group.name),
            request_view(request_id),
        )
        if message is None:
            await self.store.requests.delete(request_id)
            raise UserError(
                f"I couldn't reach the leaders of **{group.name}** (its channel is missing). "
                "A leader can fix it with `/group repair`."
            )
        await self.store.requests.set_message(request_id, message.channel.id, message.id)
        await tell_leaders_later(self.bot, request_id, group.guild_id)
        return (
            f"Asked the leaders of **{group.name}**: your join request waits for their "
            "approval. You'll hear back when they decide."
        )

    async def decide(
        self, guild: discord.Guild, request_id: int, approve: bool, actor_id: int
    ) -> Decided:
        """A leader's Approve/Deny click: the request message's new text, and the DM
        for the requester (sent after the click is answered)."""
        req = await self.store.requests.get(request_id)
        group = await self.store.get(req.group_id) if req else None
        if req is None or group is None:
            raise NotFound("That request is gone (the group may have been deleted).")
        if not await self.store.requests.decide(
            request_id, "approved" if approve else "denied", actor_id
        ):
            raise UserError("Someone already answered that request.")
        server = f"**{discord.utils.escape_markdown(guild.name)}**"
        if not approve:
            return Decided(
                f"<@{req.user_id}>'s request to join **{group.name}** was denied by <@{actor_id}>.",
                req.user_id,
                f"Your request to join **{group.name}** on {server} was declined.",
            )
        try:
            await self._admit(guild, group, req.user_id)
        except BaseException:
            await self.store.requests.reopen(request_id)
            raise
        return Decided(
            f"<@{req.user_id}> joined **{group.name}** (approved by <@{actor_id}>).",
            req.user_id,
            f"You're in: your request to join **{group.name}** on {server} was approved."
            + (
                f" Say hi in its channel: https://discord.com/channels/{guild.id}/{group.channel_id}"
                if group.channel_id
                else ""
            ),
        )

    async def _admit(self, guild: discord.Guild, group: GroupRef, user_id: int) -> None:
        lim = await limits(self.bot, guild.id)
        verdict, size, limit = await self._verdict(group, user_id, lim, invited=True)
        if verdict is logic.Verdict.FULL:
            raise UserError(logic.full_text(group.name, size, limit))
        if verdict is logic.Verdict.ALREADY:
            return
        if verdict is logic.Verdict.LIMIT:
            raise UserError(
                f"<@{user_id}> is already in {logic.groups_text(lim.max_per_member)}, "
                "the most this server allows."
            )
        if verdict is not logic.Verdict.JOIN:
            raise self._refusal(verdict, group, lim)
        await self.add(guild, group, user_id, limit, "approved for")

    # -- invite, leave, kick ---------------------------------------------------------

    async def invite(
        self, guild: discord.Guild, group: GroupRef, target: discord.Member, actor_id: int
    ) -> str:
        if (await self.store.role_of(group.id, target.id))[0]:
            raise UserError(f"{target.mention} is already in **{group.name}**.")
        await self._admit(guild, group, target.id)
        told = await tell(
            self.bot,
            target.id,
            f"<@{actor_id}> added you to the group **{group.name}** on {guild.name}. "
            f"Its channel: <#{group.channel_id}>. Leave any time with `/group leave`.",
        )
        note = "" if told else " (I couldn't DM them; they'll see the channel appear.)"
        return f"{target.mention} is now in **{group.name}**.{note}"

    async def leave(self, guild: discord.Guild, group: GroupRef, user_id: int) -> str:
        member, leader = await self.store.role_of(group.id, user_id)
        if not member:
            if await self.store.waitlist.remove(group.id, user_id):
                return f"You left the waitlist of **{group.name}**."
            raise NotFound(f"You're not in **{group.name}**.")
        decision = logic.can_leave(
            is_leader=leader, leaders=await self.store.leader_count(group.id), status=group.status
        )
        if not decision.allowed:
            raise NotAllowed(decision.reason)
        await self._drop(guild, group, user_id, "left")
        return f"You left **{group.name}**."

    async def kick(
        self,
        guild: discord.Guild,
        group: GroupRef,
        target: discord.Member | discord.User,
        actor_id: int,
        manager: bool,
    ) -> str:
        """`target` may be a user who already left the server (they still hold a seat)."""
        member, leader = await self.store.role_of(group.id, target.id)
        decision = logic.can_kick(
            target_is_member=member,
            target_is_leader=leader,
            actor_manager=manager,
            target_is_creator=await self.store.creator_of(group.id) == target.id,
        )
        if not decision.allowed:
            raise NotAllowed(decision.reason)
        if leader and await self.store.leader_count(group.id) <= 1:
            raise NotAllowed("That's the group's last leader: promote someone else first.")
        await self._drop(guild, group, target.id, "kicked from")
        await self.bot.audit(
            guild.id, f"<@{actor_id}> kicked <@{target.id}> from the group **{group.name}**."
        )
        return f"{target.mention} was removed from **{group.name}**."

    async def _drop(self, guild: discord.Guild, group: GroupRef, user_id: int, why: str) -> None:
        """The role first (Discord may refuse), then the record."""
        try:
            await self.resources.remove_role(
                guild.id, user_id, group.role_id, f"{why} {group.name}"
            )
        except discord.Forbidden as exc:
            raise BotMissingPermission("Manage Roles", "take away the group's role") from exc
        await self.store.remove_member(group.id, user_id)
        await panels_changed(self.bot, guild.id)
        await self.fill_from_waitlist(guild, group)

    async def fill_from_waitlist(self, guild: discord.Guild, group: GroupRef) -> None:
        """Places opened: the first waiting members are added (open groups) or told."""
        lim = await limits(self.bot, guild.id)
        for user_id in await self.store.waitlist.members(group.id):
            if await self.store.size(group.id) >= group_limit(group, lim):
                return
            await self.store.waitlist.remove(group.id, user_id)
            if group.visibility == "open" and group.status == "active":
                if await self._try_add(guild, group, user_id, lim):
                    continue
            await tell(
                self.bot,
                user_id,
                f"A place opened in **{group.name}** on {guild.name}. "
                "Ask to join with `/group join`.",
            )
            return

    async def _try_add(
        self, guild: discord.Guild, group: GroupRef, user_id: int, lim: Limits
    ) -> bool:
        verdict, _, limit = await self._verdict(group, user_id, lim)
        if verdict is not logic.Verdict.JOIN:
            return False
        try:
            await self.add(guild, group, user_id, limit, "waitlist for")
        except (UserError, discord.HTTPException) as exc:
            log.info("waitlist add of %s to %s failed: %s", user_id, group.id, exc)
            return False
        await tell(
            self.bot,
            user_id,
            f"A place opened in **{group.name}** on {guild.name}: "
            f"you're in. Its channel: <#{group.channel_id}>.",
        )
        return True

    # -- leaders ---------------------------------------------------------------------

    async def promote(self, group: GroupRef, target: discord.Member) -> str:
        member, leader = await self.store.role_of(group.id, target.id)
        if not member:
            raise NotFound(f"{target.mention} isn't in **{group.name}**; invite them first.")
        if leader:
            raise UserError(f"{target.mention} already leads **{group.name}**.")
        await self.store.set_leader(group.id, target.id, True)
        return f"{target.mention} is now a leader of **{group.name}**."

    async def demote(
        self, group: GroupRef, target: discord.Member, actor_id: int, manager: bool
    ) -> str:
        _, leader = await self.store.role_of(group.id, target.id)
        decision = logic.can_demote(
            target_is_leader=leader,
            leaders=await self.store.leader_count(group.id),
            target_is_creator=await self.store.creator_of(group.id) == target.id,
            actor_manager=manager,
            actor_is_target=actor_id == target.id,
        )
        if not decision.allowed:
            raise UserError(decision.reason)
        await self.store.set_leader(group.id, target.id, False)
        return f"{target.mention} is no longer a leader of **{group.name}**."

    # -- members who left the server ---------------------------------------------------

    async def members_present(self, guild: discord.Guild, group: GroupRef) -> list[int]:
        """The group's members still on the server, in the order they joined. Without the
        Members intent the bot asks the gateway by id (`query_members(user_ids=…)`, 100
        at a time); whoever is not found left the server: their membership ends (see
        `drop_departed`). When Discord can't be asked, nobody is dropped."""
        ids = await self.store.member_ids(group.id)
        found: set[int] = set()
        for start in range(0, len(ids), QUERY_BATCH):
            part = ids[start : start + QUERY_BATCH]
            try:
                members = await guild.query_members(user_ids=part, limit=len(part), cache=False)
            except (TimeoutError, discord.ClientException, RuntimeError) as exc:
                log.warning("member query for group %s failed: %s", group.id, exc)
                return ids
            found.update(m.id for m in members)
        gone = [u for u in ids if u not in found]
        if gone:
            await self.drop_departed(guild, group, gone)
        return [u for u in ids if u in found]

    async def drop_departed(
        self, guild: discord.Guild, group: GroupRef, user_ids: list[int]
    ) -> list[int]:
        """End the membership of members who left the server (kept as departures), then
        let the waitlist move up into the freed seats."""
        ended = await self.store.mark_departed(group.id, user_ids, self.bot.clock.now())
        if ended:
            names = ", ".join(f"<@{u}>" for u in ended[:20])
            more = f" and {len(ended) - 20} more" if len(ended) > 20 else ""
            await self.bot.audit(
                guild.id, f"Left the server, so no longer in **{group.name}**: {names}{more}."
            )
            await panels_changed(self.bot, guild.id)
            await self.fill_from_waitlist(guild, group)
        return ended

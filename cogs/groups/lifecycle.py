"""A group's life: create (or ask a manager to approve), edit, archive, restore, delete,
repair. Each step that touches Discord undoes itself when a later step fails."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from cogs.groups import logic
from cogs.groups.messages import post, tell
from cogs.groups.resources import TEXT, VOICE, Objects, Resources
from cogs.groups.settings import limits
from cogs.groups.store import GroupRef, GroupStore
from cogs.groups.views import approval_view
from core.errors import NotAllowed, NotFound, UserError
from core.timeparse import get_zone

if TYPE_CHECKING:
    from core.bot import HuddleBot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewGroup:
    name: str
    description: str
    visibility: str
    max_members: int | None
    voice: bool
    timezone: str | None


def duplicate(name: str) -> UserError:
    return UserError(f"A group called **{name}** already exists here; pick another name.")


class Lifecycle:
    """A group's objects: its row, role and channels, from proposal to deletion."""

    def __init__(self, bot: HuddleBot, store: GroupStore, resources: Resources) -> None:
        self.bot = bot
        self.store = store
        self.resources = resources

    # -- create ----------------------------------------------------------------------

    async def validate(self, guild_id: int, spec: NewGroup) -> NewGroup:
        problem = logic.name_problem(spec.name)
        if problem:
            raise UserError(problem)
        name = logic.clean_name(spec.name)
        if await self.store.name_taken(guild_id, logic.name_key(name)):
            raise duplicate(name)
        lim = await limits(self.bot, guild_id)
        problem = logic.max_members_problem(spec.max_members, lim.max_size)
        if problem:
            raise UserError(problem)
        zone = get_zone(spec.timezone).key if spec.timezone else None
        description = spec.description.strip()[: logic.DESCRIPTION_MAX]
        return NewGroup(name, description, spec.visibility, spec.max_members, spec.voice, zone)

    async def may_create(self, member: discord.Member, manager: bool) -> None:
        guild_id = member.guild.id
        policy = await self.bot.config.get(guild_id, "groups.creation", "anyone")
        creator_role = await self.bot.config.get(guild_id, "groups.creator_role")
        lim = await limits(self.bot, guild_id)
        decision = logic.can_create(
            str(policy),
            manager=manager,
            has_creator_role=bool(creator_role)
            and any(r.id == int(creator_role) for r in member.roles),
            owned_groups=await self.store.membership_count(guild_id, member.id),
            max_per_member=lim.max_per_member,
        )
        if not decision.allowed:
            raise NotAllowed(decision.reason)

    async def create(self, guild: discord.Guild, spec: NewGroup, creator_id: int) -> GroupRef:
        """Discord objects first (they can fail), then the row, then the creator's role."""
        objects = await self.resources.create(guild, spec.name, voice=spec.voice)
        try:
            group = await self._insert(guild.id, spec, creator_id, "active", objects)
            await self.resources.add_role(guild.id, creator_id, objects.role_id, "group creator")
        except BaseException:
            await self._undo(guild, objects)
            raise
        await self.bot.audit(guild.id, f"Group **{group.name}** created by <@{creator_id}>.")
        return group

    async def _insert(
        self, guild_id: int, spec: NewGroup, creator_id: int, status: str, objects: Objects | None
    ) -> GroupRef:
        try:
            return await self.store.create(
                guild_id=guild_id,
                name=spec.name,
                key=logic.name_key(spec.name),
                description=spec.description,
                visibility=spec.visibility,
                max_members=spec.max_members,
                timezone=spec.timezone,
                voice=spec.voice,
                creator_id=creator_id,
                now=self.bot.clock.now(),
                status=status,
                role_id=objects.role_id if objects else None,
                channel_id=objects.channel_id if objects else None,
                voice_channel_id=objects.voice_channel_id if objects else None,
            )
        except sqlite3.IntegrityError as exc:  # a simultaneous create took the name
            raise duplicate(spec.name) from exc

    async def _undo(self, guild: discord.Guild, objects: Objects) -> None:
        await self.resources.remove(guild, objects.role_id, objects.channel_ids)
        group_id = await self.store.id_by_role(objects.role_id)
        if group_id:
            await self.store.delete(group_id)

    async def propose(
        self, guild: discord.Guild, spec: NewGroup, creator_id: int, channel_id: int | None
    ) -> str:
        """Approval needed: a pending row (it reserves the name) and a message for managers."""
        group = await self._insert(guild.id, spec, creator_id, "pending", None)
        request_id = await self.store.requests.open(
            group, creator_id, "create", self.bot.clock.now()
        )
        target = await self.bot.config.get(guild.id, "log_channel") or channel_id
        text = (
            f"<@{creator_id}> wants to create the group **{group.name}** ({spec.visibility}): "
            f"{spec.description or 'no description'}. Community managers, approve or deny:"
        )
        message = await post(
            self.bot, int(target) if target else None, text, approval_view(request_id)
        )
        if message is None:
            await self.store.delete(group.id)
            raise UserError(
                "I couldn't post the approval request for managers here. "
                "Ask an admin to set `/config log-channel`."
            )
        await self.store.requests.set_message(request_id, message.channel.id, message.id)
        return (
            f"**{group.name}** needs a community manager's approval on this server; "
            "I've asked them. You'll hear back when they decide."
        )

    async def decide(self, guild: discord.Guild, request_id: int, approve: bool, actor: int) -> str:
        req = await self.store.requests.get(request_id)
        group = await self.store.get(req.group_id) if req else None
        if req is None or group is None or group.status != "pending":
            raise NotFound("That group request was already settled.")
        if not await self.store.requests.decide(
            request_id, "approved" if approve else "denied", actor
        ):
            raise UserError("Someone already answered that request.")
        if not approve:
            await self.store.delete(group.id)
            await tell(self.bot, req.user_id, f"Your group **{group.name}** was not approved.")
            return (
                f"The group **{group.name}** proposed by <@{req.user_id}> was denied by <@{actor}>."
            )
        try:
            await self._activate(guild, group, req.user_id)
        except BaseException:
            await self.store.requests.reopen(request_id)
            raise
        await tell(self.bot, req.user_id, f"Your group **{group.name}** was approved; you lead it.")
        return f"The group **{group.name}** by <@{req.user_id}> was approved by <@{actor}>."

    async def _activate(self, guild: discord.Guild, group: GroupRef, creator_id: int) -> None:
        voice = await self.store.wants_voice(group.id)
        objects = await self.resources.create(guild, group.name, voice=voice)
        try:
            await self.store.activate(
                group,
                role_id=objects.role_id,
                channel_id=objects.channel_id,
                voice_channel_id=objects.voice_channel_id,
                creator_id=creator_id,
                now=self.bot.clock.now(),
            )
            await self.resources.add_role(guild.id, creator_id, objects.role_id, "group creator")
        except BaseException:
            await self.resources.remove(guild, objects.role_id, objects.channel_ids)
            await self.store.set_status(group.id, "pending")
            raise
        await self.bot.audit(guild.id, f"Group **{group.name}** created by <@{creator_id}>.")

    # -- edit ------------------------------------------------------------------------

    async def edit(self, guild: discord.Guild, group: GroupRef, changes: dict) -> list[str]:
        """Check every change first, then rename on Discord, then save; returns what
        changed, in words. A refused change leaves everything as it was."""
        fields, done = await self._edit_fields(guild, group, changes)
        if "name" in fields and fields["name"] != group.name:
            await self.resources.require(guild, "rename the group", roles=True, channels=True)
            await self.resources.rename(group, fields["name"])
        await self.store.update(group.id, **fields)
        return done

    async def _edit_fields(
        self, guild: discord.Guild, group: GroupRef, changes: dict
    ) -> tuple[dict, list[str]]:
        fields: dict = {}
        done: list[str] = []
        if changes.get("name") is not None:
            name = await self._new_name(guild, group, changes["name"])
            fields.update(name=name, name_key=logic.name_key(name))
            done.append(f"name: {name}")
        if changes.get("description") is not None:
            fields["description"] = changes["description"].strip()[: logic.DESCRIPTION_MAX]
            done.append("description")
        if changes.get("visibility") is not None:
            fields["visibility"] = changes["visibility"]
            done.append(f"visibility: {changes['visibility']}")
        if changes.get("max_members") is not None:
            lim = await limits(self.bot, guild.id)
            size = await self.store.size(group.id)
            problem = logic.max_members_problem(changes["max_members"], lim.max_size, size)
            if problem:
                raise UserError(problem)
            fields["max_members"] = changes["max_members"]
            done.append(f"max members: {changes['max_members']}")
        if changes.get("timezone") is not None:
            fields["timezone"] = get_zone(changes["timezone"]).key
            done.append(f"time zone: {fields['timezone']}")
        return fields, done

    async def _new_name(self, guild: discord.Guild, group: GroupRef, new: str) -> str:
        problem = logic.name_problem(new)
        if problem:
            raise UserError(problem)
        name = logic.clean_name(new)
        if await self.store.name_taken(guild.id, logic.name_key(name), exclude_id=group.id):
            raise duplicate(name)
        return name

    # -- archive / restore / delete --------------------------------------------------

    async def set_archived(self, guild: discord.Guild, group: GroupRef, archived: bool) -> str:
        if archived and group.status != "active":
            raise UserError(f"**{group.name}** is already archived.")
        if not archived and group.status != "archived":
            raise UserError(f"**{group.name}** isn't archived.")
        channels = [
            (c, k) for c, k in ((group.channel_id, TEXT), (group.voice_channel_id, VOICE)) if c
        ]
        if channels and group.role_id:
            await self.resources.place(guild, group.role_id, channels, archived=archived)
        await self.store.set_status(group.id, "archived" if archived else "active")
        if archived:
            return (
                f"**{group.name}** is archived: its channel is read-only and moved to the "
                "archive category. `/group restore` brings it back."
            )
        return f"**{group.name}** is active again."

    async def delete(self, guild: discord.Guild, group: GroupRef, actor_id: int) -> str:
        """The channels and the role first; the group's record goes only once they are all
        gone, so a refusal leaves a group that `/group delete` again can finish."""
        await self.resources.require(guild, "delete the group", roles=True, channels=True)
        left = await self.resources.remove_each(
            guild,
            [
                ("text channel", group.channel_id, False),
                ("voice channel", group.voice_channel_id, False),
                ("role", group.role_id, True),
            ],
        )
        if left:
            kept = {object_id for _, object_id in left}
            await self.store.set_objects(
                group.id,
                group.role_id if group.role_id in kept else None,
                group.channel_id if group.channel_id in kept else None,
                group.voice_channel_id if group.voice_channel_id in kept else None,
            )
            what = " and ".join(label for label, _ in left)
            return (
                f"**{group.name}** is not fully deleted: Discord refused to delete its {what},"
                " so the group is kept. Check my permissions (Manage Roles, Manage Channels),"
                " then run `/group delete` again to finish."
            )
        await self.store.delete(group.id)
        await self.bot.audit(guild.id, f"Group **{group.name}** deleted by <@{actor_id}>.")
        return f"Deleted the group **{group.name}**, its role and its channels."

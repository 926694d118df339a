"""What the groups feature's persistent buttons do: a panel's Join, the waitlist offer,
Approve/Deny on join requests (leaders) and on new groups (managers).

`bot.components` routes `huddle:groups:<action>:<id>` here, checks the feature switch and
hands every error to the central handler. Messages posted before that format keep their
old custom ids, so `LEGACY_IDS` maps each old format to its action."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from cogs.groups.access import guild_of, require_manager_to_decide
from cogs.groups.messages import settle_message, tell
from cogs.groups.store import GroupRef
from core.checks import guild_id_of, is_manager
from core.errors import NotAllowed, NotFound
from core.ui import reply

if TYPE_CHECKING:
    from cogs.groups.lifecycle import Lifecycle
    from cogs.groups.membership import Membership
    from cogs.groups.resources import Resources
    from cogs.groups.store import GroupStore
    from core.bot import HuddleBot
    from core.components import ComponentRouter, HuddleInteraction, Press

log = logging.getLogger(__name__)

FEATURE = "groups"
# Old custom id (on messages already posted) → action; `target` is the request/group id.
LEGACY_IDS = (
    (r"huddle:grpreq:(?P<target>\d+):(?P<decision>approve|deny)", "{decision}-join"),
    (r"huddle:grpok:(?P<target>\d+):(?P<decision>approve|deny)", "{decision}-group"),
    (r"huddle:grpjoin:(?P<target>\d+)", "join"),
    (r"huddle:grpwait:(?P<target>\d+)", "waitlist"),
)


class GroupButtons:
    """Button handlers; `register` routes them, `bot.components.remove_feature` unroutes."""

    def __init__(
        self,
        bot: HuddleBot,
        store: GroupStore,
        life: Lifecycle,
        members: Membership,
        resources: Resources,
    ) -> None:
        self.bot = bot
        self.store = store
        self.life = life
        self.members = members
        self.resources = resources

    def register(self, router: ComponentRouter) -> None:
        router.add(FEATURE, "join", self.join)
        router.add(FEATURE, "waitlist", self.wait)
        router.add(FEATURE, "approve-join", partial(self.decide_join, approve=True))
        router.add(FEATURE, "deny-join", partial(self.decide_join, approve=False))
        router.add(FEATURE, "approve-group", partial(self.decide_group, approve=True))
        router.add(FEATURE, "deny-group", partial(self.decide_group, approve=False))
        for pattern, action in LEGACY_IDS:
            router.alias(pattern, FEATURE, action)

    async def _group(self, interaction: HuddleInteraction, group_id: int) -> GroupRef:
        """The button's group, if it still exists on this server."""
        group = await self.store.get(group_id)
        if group is None or group.status == "pending" or group.guild_id != guild_id_of(interaction):
            raise NotFound("That group no longer exists. `/group list` shows the current ones.")
        return group

    async def join(self, interaction: HuddleInteraction, press: Press) -> None:
        group = await self._group(interaction, press.target)
        outcome = await self.members.join(guild_of(interaction), interaction.user, group)
        await reply(interaction, outcome.text, view=outcome.view)

    async def wait(self, interaction: HuddleInteraction, press: Press) -> None:
        group = await self._group(interaction, press.target)
        await reply(interaction, await self.members.wait(group, interaction.user.id))

    async def decide_join(
        self, interaction: HuddleInteraction, press: Press, *, approve: bool
    ) -> None:
        req = await self.store.requests.get(press.target)
        group = await self.store.get(req.group_id) if req else None
        if req is None or group is None or group.guild_id != guild_id_of(interaction):
            raise NotFound("That request is gone (the group may have been deleted).")
        _, leader = await self.store.role_of(group.id, interaction.user.id)
        if not leader and not await is_manager(interaction):
            raise NotAllowed(f"Only leaders of **{group.name}** can answer join requests.")
        # No defer: a refusal must be the clicker's own ephemeral answer. One REST call
        # (the role) before answering; the requester's DM follows.
        guild = guild_of(interaction)
        decided = await self.members.decide(guild, press.target, approve, interaction.user.id)
        await settle_message(interaction, decided.text)
        await tell(self.bot, decided.user_id, decided.dm)

    async def decide_group(
        self, interaction: HuddleInteraction, press: Press, *, approve: bool
    ) -> None:
        await require_manager_to_decide(interaction)
        req = await self.store.requests.get(press.target)
        if req is None or req.status != "pending" or req.guild_id != guild_id_of(interaction):
            raise NotFound("That group request was already settled.")
        guild = guild_of(interaction)
        if approve:  # refuse before deferring, so the refusal is the manager's own
            await self.resources.require(guild, "create the group", roles=True, channels=True)
        await interaction.response.defer()
        text = await self.life.decide(guild, press.target, approve, interaction.user.id)
        await settle_message(interaction, text)

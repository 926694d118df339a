"""The test API: guilds and users as a test sees them (`guild.alice.slash(...)`)."""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING, Any

from tests.emulator import permissions as perms
from tests.emulator.replies import Reply, walk_components
from tests.emulator.state import Guild, Interaction

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

RESPONSE_TIMEOUT = 5.0
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


class GuildHandle:
    def __init__(self, emulator: Emulator, guild: Guild) -> None:
        self.emulator = emulator
        self.guild = guild
        self.id = guild.id
        self._names: dict[str, int] = {}
        self.general = 0
        self.bot_role_id = 0
        self.manager_role_id = 0
        self.admin_role_id = 0

    def __getattr__(self, name: str) -> UserHandle:
        names = self.__dict__.get("_names", {})
        if name in names:
            return UserHandle(self.emulator, self.guild, names[name], name)
        raise AttributeError(name)

    @property
    def bot_id(self) -> int:
        return int(self.emulator.bot_user["id"])

    def member(self, name: str) -> UserHandle:
        if name not in self._names:
            raise KeyError(f"no member {name!r}; members: {sorted(self._names)}")
        return UserHandle(self.emulator, self.guild, self._names[name], name)

    def add_member(self, name: str, roles: list[int] | None = None) -> UserHandle:
        user = self.emulator.create_user(name)
        user_id = int(user["id"])
        self.emulator.add_member(self.guild, user_id, list(roles or []))
        self._names[name] = user_id
        return UserHandle(self.emulator, self.guild, user_id, name)

    # -- state queries ---------------------------------------------------------------------------

    def roles(self) -> list[dict]:
        return self.guild.sorted_roles()

    def role(self, id_or_name: int | str) -> dict:
        return self.guild.role_by(id_or_name)

    def channels(self) -> list[dict]:
        return self.guild.sorted_channels()

    def channel(self, id_or_name: int | str) -> dict:
        return self.guild.channel_by(id_or_name)

    def messages(self, channel_id: int | str) -> list[dict]:
        """Public messages in a channel, oldest first (with reactions as the bot sees them)."""
        channel_id = (
            int(self.channel(channel_id)["id"])
            if not str(channel_id).isdigit()
            else int(channel_id)
        )
        world = self.emulator.world
        return [
            self.emulator.view_message(world.messages[i])
            for i in world.channel_messages.get(channel_id, [])
        ]

    def message(self, message_id: int) -> dict:
        return self.emulator.view_message(self.emulator.world.messages[int(message_id)])

    def reactions(self, message_id: int) -> dict[str, list[int]]:
        table = self.emulator.world.reactions.get(int(message_id), {})
        return {k: list(v) for k, v in table.items() if v}

    def member_roles(self, user_id: int | UserHandle) -> list[int]:
        uid = user_id.id if isinstance(user_id, UserHandle) else int(user_id)
        return [int(r) for r in self.guild.members[uid]["roles"]]

    def scheduled_events(self) -> list[dict]:
        return list(self.guild.scheduled_events.values())

    def commands(self) -> list[dict]:
        return list(self.guild.commands.values()) + list(
            self.emulator.world.global_commands.values()
        )


class UserHandle:
    def __init__(self, emulator: Emulator, guild: Guild, user_id: int, name: str) -> None:
        self.emulator = emulator
        self.guild = guild
        self.id = user_id
        self.name = name

    def __repr__(self) -> str:
        return f"<UserHandle {self.name} {self.id}>"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def user(self) -> dict:
        return self.emulator.world.users[self.id]

    # -- DMs ------------------------------------------------------------------------------------

    def dm_messages(self) -> list[dict]:
        channel = self.emulator.world.dm_channels.get(self.id)
        if channel is None:
            return []
        world = self.emulator.world
        return [world.messages[i] for i in world.channel_messages.get(int(channel["id"]), [])]

    def close_dms(self) -> None:
        self.emulator.world.dms_closed.add(self.id)

    def open_dms(self) -> None:
        self.emulator.world.dms_closed.discard(self.id)

    # -- interactions -----------------------------------------------------------------------------

    def _base(self, type_: int, channel_id: int) -> tuple[Interaction, dict]:
        emu = self.emulator
        guild = self.guild
        channel = guild.channels[channel_id]
        inter = Interaction(
            id=emu.world.ids.next(),
            token="emu-" + secrets.token_urlsafe(24),
            type=type_,
            user_id=self.id,
            guild_id=guild.id,
            channel_id=channel_id,
        )
        emu.world.interactions[inter.id] = inter
        emu.world.tokens[inter.token] = inter.id
        member = emu.member_with_perms(guild, self.id, channel)
        app_perms = perms.channel_permissions(guild, int(emu.bot_user["id"]), channel)
        payload = {
            "id": str(inter.id),
            "application_id": str(emu.application_id),
            "type": type_,
            "token": inter.token,
            "version": 1,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": {**channel, "permissions": member["permissions"]},
            "member": member,
            "app_permissions": str(app_perms),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": 26_214_400,
        }
        return inter, payload

    def _channel_id(self, in_channel: Any) -> int:
        if in_channel is None:
            return int(self.emulator.handles[self.guild.id].general)
        if isinstance(in_channel, dict):
            return int(in_channel["id"])
        return int(self.guild.channel_by(in_channel)["id"])

    async def _run(self, inter: Interaction, payload: dict, wait_done: bool = True) -> Reply:
        emu = self.emulator
        await emu.dispatch("INTERACTION_CREATE", payload)
        try:
            await asyncio.wait_for(inter.responded.wait(), RESPONSE_TIMEOUT)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer interaction {payload['type']} "
                f"{payload.get('data', {}).get('name') or payload.get('data', {}).get('custom_id')}"
                f" within {RESPONSE_TIMEOUT}s (see the bot's log for an exception)"
            ) from None
        if wait_done and inter.response_type == 5:
            try:
                await asyncio.wait_for(inter.done.wait(), RESPONSE_TIMEOUT)
            except TimeoutError:
                raise AssertionError("the bot deferred but never followed up") from None
        await emu.settle()
        return Reply(emu, inter)

    def _command(self, name: str) -> tuple[dict, list[dict], list[dict]]:
        """→ (registered command, option path for data.options, leaf option definitions)."""
        parts = name.split()
        commands = [c for c in self.emulator.handles[self.guild.id].commands() if c["type"] == 1]
        top = next((c for c in commands if c["name"] == parts[0]), None)
        if top is None:
            raise AssertionError(
                f"no registered slash command {parts[0]!r}; registered: "
                f"{sorted(c['name'] for c in commands)}"
            )
        chain: list[dict] = []
        options = top.get("options") or []
        for part in parts[1:]:
            sub = next((o for o in options if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise AssertionError(
                    f"/{name}: no subcommand {part!r}; available: "
                    f"{[o['name'] for o in options if o['type'] in (1, 2)]}"
                )
            chain.append(sub)
            options = sub.get("options") or []
        if any(o["type"] in (1, 2) for o in options):
            raise AssertionError(f"/{name} needs a subcommand: {[o['name'] for o in options]}")
        return top, chain, options

    def _options(
        self, name: str, defs: list[dict], kwargs: dict[str, Any], focused: str | None = None
    ) -> tuple[list[dict], dict]:
        resolved: dict[str, dict] = {}
        by_name = {o["name"]: o for o in defs}
        out = []
        for key, value in kwargs.items():
            opt = by_name.get(key)
            if opt is None:
                raise AssertionError(
                    f"/{name} has no option {key!r}; options: "
                    f"{[(o['name'], o['type'], o.get('required', False)) for o in defs]}"
                )
            if focused == key:
                out.append({"name": key, "type": opt["type"], "value": str(value), "focused": True})
                continue
            out.append(
                {"name": key, "type": opt["type"], "value": self._value(name, opt, value, resolved)}
            )
        if focused is None:
            missing = [o["name"] for o in defs if o.get("required") and o["name"] not in kwargs]
            if missing:
                raise AssertionError(f"/{name}: required options missing: {missing}")
        return out, resolved

    def _value(self, name: str, opt: dict, value: Any, resolved: dict) -> Any:
        t = opt["type"]
        emu = self.emulator
        if opt.get("choices"):
            choices = {c["name"]: c["value"] for c in opt["choices"]}
            if value in choices and value not in choices.values():
                value = choices[value]
            if value not in choices.values():
                raise AssertionError(f"/{name} {opt['name']}: {value!r} not in choices {choices}")
        if t == STRING:
            return str(value)
        if t == INTEGER:
            return int(value)
        if t == NUMBER:
            return float(value)
        if t == BOOLEAN:
            return bool(value)
        if t in (USER, MENTIONABLE) and (
            isinstance(value, UserHandle) or int(value) in emu.world.users
        ):
            uid = value.id if isinstance(value, UserHandle) else int(value)
            resolved.setdefault("users", {})[str(uid)] = emu.world.users[uid]
            if uid in self.guild.members:
                member = emu.member_with_perms(self.guild, uid, None)
                member.pop("user", None)
                resolved.setdefault("members", {})[str(uid)] = member
            return str(uid)
        if t in (ROLE, MENTIONABLE):
            role = self.guild.role_by(value)
            resolved.setdefault("roles", {})[role["id"]] = role
            return role["id"]
        if t == CHANNEL:
            channel = self.guild.channel_by(value)
            cperms = perms.channel_permissions(self.guild, self.id, channel)
            resolved.setdefault("channels", {})[channel["id"]] = {
                **channel,
                "permissions": str(cperms),
            }
            return channel["id"]
        raise AssertionError(f"/{name} {opt['name']}: option type {t} is not supported")

    def _command_data(self, name: str, kwargs: dict, focused: str | None = None) -> dict:
        top, chain, defs = self._command(name)
        options, resolved = self._options(name, defs, kwargs, focused)
        for sub in reversed(chain):
            options = [{"name": sub["name"], "type": sub["type"], "options": options}]
        data = {"id": top["id"], "name": top["name"], "type": 1, "options": options}
        if resolved:
            data["resolved"] = resolved
        if top.get("guild_id"):
            data["guild_id"] = top["guild_id"]
        return data

    async def slash(self, name: str, /, *, in_channel: Any = None, **options: Any) -> Reply:
        """Run `/name` (e.g. "poll create") with options, as this user."""
        data = self._command_data(name, options)
        inter, payload = self._base(2, self._channel_id(in_channel))
        payload["data"] = data
        return await self._run(inter, payload)

    async def autocomplete(
        self, name: str, option: str, value: str, *, in_channel: Any = None, **options: Any
    ) -> list[dict]:
        data = self._command_data(name, {**options, option: value}, focused=option)
        inter, payload = self._base(4, self._channel_id(in_channel))
        payload["data"] = data
        reply = await self._run(inter, payload)
        return reply.choices or []

    async def click(
        self, message: dict | int | Reply, custom_id: str, values: list[str] | None = None
    ) -> Reply:
        """Click a button (or choose `values` in a select menu) on a message."""
        emu = self.emulator
        if isinstance(message, Reply):
            message = message.message or {}
        message_id = int(message["id"]) if isinstance(message, dict) else int(message)
        stored = emu.world.messages.get(message_id)
        assert stored is not None, f"no message {message_id}"
        components = walk_components(stored.get("components") or [])
        component = next((c for c in components if c.get("custom_id") == custom_id), None)
        if component is None:
            raise AssertionError(
                f"message {message_id} has no component {custom_id!r}; it has "
                f"{[c.get('custom_id') for c in components if c.get('custom_id')]}"
            )
        if component.get("disabled"):
            raise AssertionError(f"component {custom_id!r} is disabled; users cannot click it")
        inter, payload = self._base(3, int(stored["channel_id"]))
        inter.message_id = message_id
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] != 2:
            data["values"] = list(values or [])
        payload["data"] = data
        payload["message"] = emu.view_message(stored)
        return await self._run(inter, payload)

    async def submit_modal(self, modal: dict | Reply, values: dict[str, Any]) -> Reply:
        """Fill in and submit a modal the bot showed (pass the Reply or the modal dict). A
        text field takes a string; a select a list of option values (or one as a string)."""
        source: Interaction | None = None
        if isinstance(modal, Reply):
            source = modal.interaction
            modal = modal.modal or {}
        if not modal:
            raise AssertionError("the bot did not show a modal")
        fields: dict[str, dict] = {}

        def fill(component: dict) -> dict:
            if component["type"] == 1:
                return {
                    "type": 1,
                    "id": component.get("id", 0),
                    "components": [fill(c) for c in component["components"]],
                }
            if component["type"] == 18:
                return {
                    "type": 18,
                    "id": component.get("id", 0),
                    "component": fill(component["component"]),
                }
            custom_id = component.get("custom_id")
            if custom_id is None:
                return {"type": component["type"], "id": component.get("id", 0)}
            fields[custom_id] = component
            value = values.get(custom_id)
            if component["type"] == 4:
                if value is None and component.get("required", True):
                    raise AssertionError(f"modal field {custom_id!r} is required")
                return {
                    "type": 4,
                    "id": component.get("id", 0),
                    "custom_id": custom_id,
                    "value": value or "",
                }
            # a select: one choice may be given as a string; nothing chosen keeps the
            # options marked default, as the client shows them preselected
            chosen = [value] if isinstance(value, str) else list(value or [])
            options = component.get("options") or []
            if value is None:
                chosen = [o["value"] for o in options if o.get("default")]
            if options:
                allowed = {o["value"] for o in options}
                if not set(chosen) <= allowed:
                    raise AssertionError(f"{custom_id!r} offers {sorted(allowed)}, not {chosen}")
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if component.get("required", True) and not low <= len(chosen) <= high:
                raise AssertionError(f"{custom_id!r} takes {low}-{high} choices, not {chosen}")
            return {
                "type": component["type"],
                "id": component.get("id", 0),
                "custom_id": custom_id,
                "values": chosen,
            }

        components = [fill(c) for c in modal.get("components") or []]
        unknown = set(values) - set(fields)
        if unknown:
            raise AssertionError(f"modal has no fields {sorted(unknown)}; it has {sorted(fields)}")
        channel_id = source.channel_id if source else self._channel_id(None)
        inter, payload = self._base(5, channel_id)
        payload["data"] = {"custom_id": modal["custom_id"], "components": components}
        if source is not None and source.message_id is not None:
            inter.message_id = source.message_id
            payload["message"] = self.emulator.view_message(
                self.emulator.world.messages[source.message_id]
            )
        return await self._run(inter, payload)

    # -- reactions and messages ------------------------------------------------------------------

    async def react(self, message_id: int | dict, emoji: str) -> None:
        from tests.emulator.rest.reactions import add_reaction

        message = self._message(message_id)
        await add_reaction(self.emulator, self.guild, message, self.id, emoji)
        await self.emulator.settle()

    async def unreact(self, message_id: int | dict, emoji: str) -> None:
        from tests.emulator.rest.reactions import remove_reaction

        message = self._message(message_id)
        await remove_reaction(self.emulator, self.guild, message, self.id, emoji)
        await self.emulator.settle()

    def _message(self, message_id: int | dict) -> dict:
        if isinstance(message_id, dict):
            message_id = int(message_id["id"])
        message = self.emulator.world.messages.get(int(message_id))
        assert message is not None, f"no message {message_id}"
        return message

    # -- voice ---------------------------------------------------------------------------------

    async def join_voice(self, channel: int | str) -> None:
        """Connect to (or move to) a voice channel: VOICE_STATE_UPDATE, as Discord sends it."""
        from tests.emulator.voice import set_voice_channel

        channel_id = int(self.guild.channel_by(channel)["id"])
        await set_voice_channel(self.emulator, self.guild, self.id, channel_id)
        await self.emulator.settle()

    async def leave_voice(self) -> None:
        from tests.emulator.voice import set_voice_channel

        await set_voice_channel(self.emulator, self.guild, self.id, None)
        await self.emulator.settle()

    async def send(self, channel: int | str, content: str) -> dict:
        """Post a plain message as this user (MESSAGE_CREATE)."""
        emu = self.emulator
        channel_id = int(self.guild.channel_by(channel)["id"])
        message = emu.new_message(channel_id, self.user, {"content": content})
        await emu.dispatch("MESSAGE_CREATE", emu.message_event(message))
        await emu.settle()
        return message

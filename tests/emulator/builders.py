"""Building the world: users, guilds, roles, channels, members, messages (no dispatching)."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from tests.emulator import permissions as perms
from tests.emulator.state import EVERYONE_DEFAULT, Guild, World, user_dict
from tests.emulator.voice import guild_create_voice

if TYPE_CHECKING:
    from tests.emulator.users import GuildHandle

BOT_ROLE_PERMS = perms.bits(
    "MANAGE_ROLES",
    "MANAGE_CHANNELS",
    "MANAGE_EVENTS",
    "MANAGE_MESSAGES",
    "SEND_MESSAGES",
    "VIEW_CHANNEL",
    "READ_MESSAGE_HISTORY",
    "ADD_REACTIONS",
    "EMBED_LINKS",
    "ATTACH_FILES",
    "MENTION_EVERYONE",
    "USE_EXTERNAL_EMOJIS",
    "SEND_MESSAGES_IN_THREADS",
    "CONNECT",
    "SPEAK",
    "CREATE_EVENTS",
    "MANAGE_THREADS",
    "USE_APPLICATION_COMMANDS",
)
DEFAULT_MEMBERS = ("alice", "bob", "carol", "dave")


class Builders:
    world: World
    bot_user: dict

    # -- users and guilds ------------------------------------------------------------------

    def create_user(self, name: str, *, bot: bool = False) -> dict:
        user_id = self.world.ids.next()
        user = user_dict(user_id, name, bot=bot)
        self.world.users[user_id] = user
        return user

    def create_guild(self, name: str = "Test Server", *, populate: bool = True) -> GuildHandle:
        """A guild with the standard cast (owner, admin, manager, alice..dave, the bot)."""
        from tests.emulator.users import GuildHandle

        owner = self.create_user("owner")
        guild = Guild(id=self.world.ids.next(), name=name, owner_id=int(owner["id"]))
        self.world.guilds[guild.id] = guild
        self.new_role(guild, "@everyone", EVERYONE_DEFAULT, role_id=guild.id, position=0)
        handle = GuildHandle(self, guild)  # type: ignore[arg-type]
        handle._names["owner"] = int(owner["id"])
        self.add_member(guild, int(owner["id"]))
        if populate:
            bot_role = self.new_role(guild, "Huddle", BOT_ROLE_PERMS, managed_by=self.bot_user)
            admin_role = self.new_role(guild, "Admin", perms.bits("MANAGE_GUILD"))
            manager_role = self.new_role(guild, "Community Manager", 0)
            # positions: everyone 0, manager 1, admin 2, Huddle 3 (the bot's role sits high)
            manager_role["position"], admin_role["position"], bot_role["position"] = 1, 2, 3
            handle.bot_role_id = int(bot_role["id"])
            handle.manager_role_id = int(manager_role["id"])
            handle.admin_role_id = int(admin_role["id"])
            general = self.new_channel(guild, "general", 0)
            handle.general = int(general["id"])
            self.add_member(guild, int(self.bot_user["id"]), [int(bot_role["id"])])
            handle.add_member("admin", roles=[int(admin_role["id"])])
            handle.add_member("manager", roles=[int(manager_role["id"])])
            for member in DEFAULT_MEMBERS:
                handle.add_member(member)
        self.handles[guild.id] = handle
        return handle

    handles: dict[int, GuildHandle]

    def add_member(self, guild: Guild, user_id: int, roles: list[int] | None = None) -> dict:
        member = {
            "user": self.world.users[user_id],
            "nick": None,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in roles or []],
            "joined_at": self.world.ids.iso_now(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        guild.members[user_id] = member
        return member

    def new_role(
        self,
        guild: Guild,
        name: str,
        permissions: int,
        *,
        role_id: int | None = None,
        position: int | None = None,
        managed_by: dict | None = None,
        **extra: Any,
    ) -> dict:
        role_id = role_id or self.world.ids.next()
        if position is None:  # Discord puts a new role at 1, just above @everyone
            for role in guild.roles.values():
                if role["position"] >= 1:
                    role["position"] += 1
            position = 1
        role = {
            "id": str(role_id),
            "name": name,
            "description": None,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": managed_by is not None,
            "mentionable": False,
            "flags": 0,
        }
        if managed_by is not None:
            role["tags"] = {"bot_id": managed_by["id"]}
        role.update(extra)
        guild.roles[role_id] = role
        return role

    def new_channel(
        self,
        guild: Guild,
        name: str,
        type_: int = 0,
        *,
        parent_id: int | None = None,
        overwrites: list[dict] | None = None,
        **extra: Any,
    ) -> dict:
        channel_id = self.world.ids.next()
        same_kind = [c for c in guild.channels.values() if c["type"] == type_]
        channel: dict[str, Any] = {
            "id": str(channel_id),
            "type": type_,
            "guild_id": str(guild.id),
            "name": name,
            "position": max((c["position"] for c in same_kind), default=-1) + 1,
            "permission_overwrites": [
                {
                    "id": str(o["id"]),
                    "type": int(o.get("type", 0)),
                    "allow": str(o.get("allow", "0")),
                    "deny": str(o.get("deny", "0")),
                }
                for o in overwrites or []
            ],
            "parent_id": str(parent_id) if parent_id else None,
            "nsfw": False,
            "flags": 0,
        }
        if type_ in (0, 5):
            channel.update(topic=None, last_message_id=None, rate_limit_per_user=0)
        elif type_ in (2, 13):
            channel.update(
                bitrate=64000,
                user_limit=0,
                rtc_region=None,
                last_message_id=None,
                rate_limit_per_user=0,
            )
        channel.update({k: v for k, v in extra.items() if v is not None})
        guild.channels[channel_id] = channel
        self.world.channel_messages.setdefault(channel_id, [])
        return channel

    # -- payloads ---------------------------------------------------------------------------

    def bot_guilds(self) -> list[Guild]:
        bot_id = int(self.bot_user["id"])
        return [g for g in self.world.guilds.values() if bot_id in g.members]

    def guild_create_payload(self, guild: Guild) -> dict:
        # Without the privileged GUILD_MEMBERS intent Discord sends only the bot's own member
        # plus those connected to voice; member_count is the real total. discord.py does
        # not chunk without the intent, so it does not wait.
        bot_id = int(self.bot_user["id"])
        voice_states, in_voice = guild_create_voice(guild)
        members = [dict(guild.members[bot_id])]
        members += [m for m in in_voice if int(m["user"]["id"]) != bot_id]
        return {
            **guild.base(),
            "joined_at": guild.members[int(self.bot_user["id"])]["joined_at"],
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(guild.members),
            "members": members,
            "channels": guild.sorted_channels(),
            "threads": [],
            "presences": [],
            "voice_states": voice_states,
            "stage_instances": [],
            "guild_scheduled_events": list(guild.scheduled_events.values()),
            "soundboard_sounds": [],
            "embedded_activities": [],
            "activity_instances": [],
            "application_command_counts": {},
            "version": 1,
            "hub_type": None,
        }

    def member_with_perms(self, guild: Guild, user_id: int, channel: dict | None) -> dict:
        member = dict(guild.members[user_id])
        value = (
            perms.channel_permissions(guild, user_id, channel)
            if channel is not None
            else perms.base_permissions(guild, user_id)
        )
        member["permissions"] = str(value)
        return member

    def new_message(
        self,
        channel_id: int,
        author: dict,
        data: dict,
        files: list[dict] | None = None,
        *,
        ephemeral: bool = False,
        **extra: Any,
    ) -> dict:
        message_id = self.world.ids.next()
        attachments = []
        for f in files or []:
            att_id = self.world.ids.next()
            self.world.attachments[att_id] = f["content"]
            url = f"{self.base_url}/attachments/{channel_id}/{att_id}/{f['filename']}"
            attachments.append(
                {
                    "id": str(att_id),
                    "filename": f["filename"],
                    "size": len(f["content"]),
                    "url": url,
                    "proxy_url": url,
                    "content_type": f.get("content_type"),
                    "description": f.get("description"),
                }
            )
        flags = int(data.get("flags") or 0)
        if ephemeral:
            flags |= 64
        message = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "author": author,
            "content": data.get("content") or "",
            "timestamp": self.world.ids.iso_now(),
            "edited_timestamp": None,
            "tts": bool(data.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": [{"type": "rich", **e} for e in data.get("embeds") or []],
            "components": self.with_component_ids(data.get("components") or []),
            "pinned": False,
            "type": 0,
            "flags": flags,
            "reactions": [],
        }
        if data.get("message_reference"):
            message["message_reference"] = data["message_reference"]
            message["type"] = 19
        message.update(extra)
        self.world.messages[message_id] = message
        if not ephemeral:
            self.world.channel_messages.setdefault(channel_id, []).append(message_id)
            _guild, channel = self.world.find_channel(channel_id)
            if channel is not None:
                channel["last_message_id"] = str(message_id)
        self.world.reactions[message_id] = OrderedDict()
        return message

    base_url: str

    def with_component_ids(self, components: list[dict]) -> list[dict]:
        """Discord numbers every component that has no `id`."""
        counter = [0]

        def walk(items: list[dict]) -> list[dict]:
            out = []
            for item in items:
                item = dict(item)
                counter[0] += 1
                item.setdefault("id", counter[0])
                if "components" in item:
                    item["components"] = walk(item["components"])
                if "component" in item:
                    item["component"] = walk([item["component"]])[0]
                out.append(item)
            return out

        return walk(components)

    def message_event(self, message: dict) -> dict:
        """MESSAGE_CREATE/UPDATE payload: the message plus guild_id and the author's member."""
        data = dict(message)
        guild, _ = self.world.find_channel(int(message["channel_id"]))
        if guild is not None:
            data["guild_id"] = str(guild.id)
            author_id = int(message["author"]["id"])
            if author_id in guild.members and not message.get("webhook_id"):
                member = dict(guild.members[author_id])
                member.pop("user", None)
                data["member"] = member
        return data

    def reactions_of(self, message_id: int, viewer_id: int) -> list[dict]:
        out = []
        for key, users in self.world.reactions.get(message_id, {}).items():
            if not users:
                continue
            out.append(
                {
                    "emoji": emoji_dict(key),
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "burst_colors": [],
                    "me": viewer_id in users,
                    "me_burst": False,
                    "burst_me": False,
                    "burst_count": 0,
                }
            )
        return out


def emoji_dict(key: str) -> dict:
    if ":" in key:
        name, _, emoji_id = key.partition(":")
        return {"id": emoji_id, "name": name, "animated": False}
    return {"id": None, "name": key}


def emoji_key(raw: str) -> str:
    """URL emoji (`🇦`, `name:123`, `a:name:123`) → our key (`🇦` or `name:123`)."""
    if raw.startswith("a:"):
        raw = raw[2:]
    return raw


def _view_message(self: Builders, message: dict, viewer_id: int | None = None) -> dict:
    viewer = viewer_id if viewer_id is not None else int(self.bot_user["id"])
    return {**message, "reactions": self.reactions_of(int(message["id"]), viewer)}


Builders.view_message = _view_message  # type: ignore[attr-defined]

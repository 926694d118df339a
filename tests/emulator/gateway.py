"""The gateway websocket: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME.

Frames are plain JSON text. discord.py asks for `compress=zstd-stream` (or zlib-stream) in
the URL, but only decompresses *binary* frames, so text frames need no compression."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

log = logging.getLogger("emulator.gateway")

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    6,
    7,
    9,
    10,
    11,
)


@dataclass
class Session:
    id: str
    shard: list[int] | None
    seq: int = 0
    log: list[dict] = field(default_factory=list)  # every dispatch, for RESUME replay
    ws: web.WebSocketResponse | None = None
    dead: bool = False
    received: list[dict] = field(default_factory=list)  # frames from the bot


class Gateway:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.sessions: dict[str, Session] = {}
        self.connections: set[web.WebSocketResponse] = set()
        self.identified = asyncio.Event()
        self.resumes = 0
        self.identifies = 0
        self.invalid_sessions = 0
        self._open = asyncio.Event()  # cleared by `hold`: new connections wait
        self._open.set()

    # -- sending ------------------------------------------------------------------------

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.dead]

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH to every live session (buffered for RESUME when disconnected)."""
        self.emulator.touch()
        for session in self.live_sessions():
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.log.append(frame)
            if session.ws is not None and not session.ws.closed:
                try:
                    await session.ws.send_str(json.dumps(frame))
                except (ConnectionResetError, RuntimeError):
                    session.ws = None

    async def drop(self, code: int = 4000) -> None:
        """Close every socket abnormally; live sessions stay resumable."""
        for session in self.sessions.values():
            session.ws = None
        for ws in list(self.connections):
            if not ws.closed:
                await ws.close(code=code, message=b"dropped by test")

    async def hold(self) -> None:
        """Drop every socket and keep new connections waiting (Discord unreachable) until
        `release`; the bot stays disconnected meanwhile."""
        self._open.clear()
        await self.drop()

    def release(self) -> None:
        self._open.set()

    async def close(self) -> None:
        self._open.set()
        for ws in list(self.connections):
            await ws.close(code=1001)

    # -- the socket -----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        await self._open.wait()
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.connections.add(ws)
        session: Session | None = None
        try:
            await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": 41250}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                self.emulator.touch()
                if session is not None:
                    session.received.append(payload)
                if op == HEARTBEAT:
                    await self._send(ws, {"op": HEARTBEAT_ACK})
                elif op == IDENTIFY:
                    session = await self._identify(ws, payload["d"])
                elif op == RESUME:
                    session = await self._resume(ws, payload["d"])
                elif op == 8 and session is not None and (payload.get("d") or {}).get("user_ids"):
                    await self._members_by_id(session, payload["d"])
                elif op in (3, 4, 8):  # presence / voice state / member search: ignored
                    continue
                else:
                    log.warning("unexpected gateway op %s", op)
        finally:
            self.connections.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                # the bot closing with 1000/1001 ends the session (Discord invalidates it)
                if ws.close_code in (1000, 1001):
                    session.dead = True
        return ws

    async def _send(self, ws: web.WebSocketResponse, frame: dict) -> None:
        await ws.send_str(json.dumps(frame))

    async def _identify(self, ws: web.WebSocketResponse, data: dict) -> Session | None:
        emu = self.emulator
        if data.get("token") not in (emu.token, f"Bot {emu.token}"):
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        self.identifies += 1
        session = Session(id=secrets.token_hex(16), shard=data.get("shard"))
        self.sessions[session.id] = session
        session.ws = ws
        guilds = emu.bot_guilds()
        ready = {
            "v": 10,
            "user_settings": {},
            "user": {**emu.bot_user, "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": emu.gateway_url,
            "application": {"id": str(emu.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ["emulator"],
        }
        if session.shard is not None:
            ready["shard"] = session.shard
        await self._dispatch_to(session, "READY", ready)
        for guild in guilds:
            await self._dispatch_to(session, "GUILD_CREATE", emu.guild_create_payload(guild))
        self.identified.set()
        return session

    async def _members_by_id(self, session: Session, data: dict) -> None:
        """REQUEST_GUILD_MEMBERS with `user_ids` (allowed without the Members intent): one
        GUILD_MEMBERS_CHUNK with those still on the server, the others in `not_found`."""
        guild = self.emulator.world.guilds.get(int(data.get("guild_id") or 0))
        ids = [int(u) for u in data.get("user_ids") or []]
        present = [u for u in ids if guild is not None and u in guild.members]
        chunk = {
            "guild_id": str(data.get("guild_id")),
            "members": [dict(guild.members[u]) for u in present] if guild else [],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in ids if u not in present],
            "nonce": data.get("nonce"),
        }
        await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _dispatch_to(self, session: Session, event: str, data: dict) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.log.append(frame)
        if session.ws is not None:
            await self._send(session.ws, frame)

    async def _resume(self, ws: web.WebSocketResponse, data: dict) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if (
            session is None
            or session.dead
            or data.get("token") not in (self.emulator.token, f"Bot {self.emulator.token}")
        ):
            self.invalid_sessions += 1
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return None
        self.resumes += 1
        sent = data.get("seq") or 0
        while True:  # replay until caught up, then attach (no await in between)
            pending = [f for f in session.log if f["s"] > sent]
            if not pending:
                break
            for frame in pending:
                await self._send(ws, frame)
                sent = frame["s"]
        session.ws = ws
        await self._dispatch_to(session, "RESUMED", {"_trace": ["emulator"]})
        return session

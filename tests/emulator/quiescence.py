"""When has an in-process bot finished reacting? Tracked, not guessed from a quiet spell.

The bot and the emulator share one event loop, so the emulator can look at the work that is
still outstanding instead of waiting for a quiet spell:

- every gateway frame the emulator sent has been read and parsed by the bot (discord.py sets
  the shard's `sequence` and calls the parser in one synchronous step, so the listener,
  command and view tasks exist by then);
- no request to the emulator is being served (`Emulator.inflight`);
- every task on the loop is done or *idle*: a long-lived service loop whose own work is
  covered by the two points above (connections, shard readers, discord.py's held-back
  on_ready), or a task waiting on an `asyncio.Event` nobody has set (the scheduler timer
  between jobs, a poll's trailing edit waiting out its real-time interval, anything
  waiting for on_ready). Any other pending task — a listener, a command, a job, a
  request waiting for its response, a real-time sleep of the reaction pacer — is work.

What this cannot see — an Event set from a thread or a real-time timer — is the same
window the quiet spell never covered either. A bot it cannot track (a `python bot.py`
subprocess, or an in-process bot between gateway connections) falls back to the quiet
spell."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.emulator.gateway import Session

# Coroutines (by qualified name) of service loops: they wait for input all the time, and
# what they start is tracked elsewhere (a request by `inflight`, a frame by its sequence
# number, anything they dispatch by its own task).
SERVICE_LOOPS = frozenset(
    {
        "RequestHandler.start",  # aiohttp server connections (emulator, the bot's web server)
        "RequestHandler._handle_request",  # one request (counted in `inflight`) or the gateway
        "Client.start",  # discord.py's connect loop
        "Shard.worker",  # a shard's socket reader
        "ConnectionState._delay_ready",  # on_ready held back for guild_ready_timeout
        "AutoShardedConnectionState._delay_ready",
        "AutoShardedConnectionState._delay_shard_ready",
        "Metrics._probe_lag",  # the event-loop lag probe
    }
)


# Waiting for input someone else must give: whoever will give it is busy (and tracked) or
# is not coming. `wait_for` (3.11) runs them as a task of their own.
TESTS = Path(__file__).resolve().parents[1]

IDLE_WAITS = frozenset({("Event.wait", "locks.py"), ("Queue.get", "queues.py")})


def gateway_sockets(bot: Any) -> list[Any]:
    """The bot's gateway websockets (one per shard), those connected so far."""
    shards = getattr(bot, "shards", None)
    if isinstance(shards, dict):
        sockets = [getattr(info._parent, "ws", None) for info in shards.values()]
    else:
        sockets = [getattr(bot, "ws", None)]
    return [ws for ws in sockets if ws is not None]


def untracked(bots: Iterable[Any], sessions: Iterable[Session]) -> bool:
    """Is a gateway client connected that is not one of `bots` (a subprocess), or is one of
    `bots` not attached to its session (reconnecting)? Then only a quiet spell will do."""
    attached = {s.id: s for s in sessions if not s.dead and s.ws is not None and not s.ws.closed}
    claimed: set[str] = set()
    for bot in bots:
        if bot.is_closed():
            continue
        sockets = gateway_sockets(bot)
        if not sockets:
            return True
        for ws in sockets:
            if ws.session_id not in attached:
                return True
            claimed.add(ws.session_id)
    return bool(set(attached) - claimed)


def frames_parsed(bots: Iterable[Any], sessions: dict[str, Session]) -> bool:
    """Has every live bot read and parsed every frame sent on its session?"""
    for bot in bots:
        if bot.is_closed():
            continue
        for ws in gateway_sockets(bot):
            session = sessions[ws.session_id]
            if (ws.sequence or 0) < session.seq:
                return False
    return True


def busy_tasks(quiet: float) -> list[asyncio.Task[Any]]:
    """Pending tasks on the running loop that are neither the caller nor idle."""
    current = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t is not current and not _idle(t, quiet)]


def _idle(task: asyncio.Task[Any], quiet: float) -> bool:
    if task.done() or _test_side(task):
        return True
    name = _qualname(task)
    if name in SERVICE_LOOPS or name.endswith(".__timeout_task_impl"):  # a view's timeout
        return True
    return _waiting_idly(task, quiet)


def _test_side(task: asyncio.Task[Any]) -> bool:
    """A task of the test's own (actions run side by side): what it asks of the bot is
    tracked on the bot's side."""
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None)
    return code is not None and Path(code.co_filename).is_relative_to(TESTS)


def _qualname(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    return getattr(coro, "__qualname__", "") if coro is not None else ""


def _waiting_idly(task: asyncio.Task[Any], quiet: float) -> bool:
    """Suspended in `Event.wait()` or `Queue.get()` (directly, or through `wait_for` on a
    task that is), or in a real-time `asyncio.sleep` of `quiet` seconds or more (pacing
    or a retry's back-off, which the quiet spell never waited out either), with the waiter
    still pending: a set Event or a due timeout makes the task runnable."""
    waiter = getattr(task, "_fut_waiter", None)
    if waiter is None or waiter.done():
        return False  # runnable: about to resume
    innermost = _innermost(task.get_coro())
    if innermost is None:
        return False
    code = innermost.cr_code
    where = (code.co_qualname, Path(code.co_filename).name)
    if where in IDLE_WAITS:
        return True
    if where == ("sleep", "tasks.py"):
        return float(innermost.cr_frame.f_locals.get("delay", 0)) >= quiet
    if where == ("wait_for", "tasks.py"):
        inner = innermost.cr_frame.f_locals.get("fut")
        return isinstance(inner, asyncio.Task) and not inner.done() and _idle(inner, quiet)
    return False


def _innermost(coro: Any) -> Any:
    """The coroutine at the end of `coro`'s await chain (the one awaiting a future)."""
    while coro is not None and hasattr(coro, "cr_await"):
        inner = coro.cr_await
        if inner is None or not hasattr(inner, "cr_await"):
            return coro
        coro = inner
    return None


def describe(tasks: Iterable[asyncio.Task[Any]]) -> str:
    return ", ".join(f"{t.get_name()} ({_qualname(t)})" for t in tasks)

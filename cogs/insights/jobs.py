"""The opt-in Monday digest: every Monday at 09:00 in the server's time zone,
the server picture and the groups needing attention go to `insights.digest_channel`.

One durable job per server (`insights.digest`, key `insights.digest:<guild>`) that
schedules its successor. Idempotent: `ensure` adds a job only if the server has none
(the running one counts), the successor is added only if none is pending, and the
Monday a digest was posted for is stored (`insights.digest_last`), so a job that runs
again after a restart never posts twice; a job that fell due while the bot was down runs
when it starts, so no Monday is skipped. No channel (turned off) or the insights feature
off: nothing is posted, the job moves on to the next Monday.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

import discord

from cogs.insights import charts, logic
from cogs.insights.gather import guild_figures, server_zone
from core.ui import NO_PINGS, nonce_for

if TYPE_CHECKING:
    from core.bot import HuddleBot
    from core.scheduler import Job

log = logging.getLogger(__name__)

DIGEST = "insights.digest"
CHANNEL_KEY = "insights.digest_channel"
LAST_KEY = "insights.digest_last"
SENDING_KEY = "insights.digest_sending"  # the Monday and nonce of a digest being sent
DIGEST_HOUR = 9


def key_of(guild_id: int) -> str:
    return f"{DIGEST}:{guild_id}"


def next_monday(after: float, tz: tzinfo) -> int:
    """The first Monday 09:00 (wall clock in `tz`) strictly after `after`."""
    local = datetime.fromtimestamp(after, tz)
    day = local.date() - timedelta(days=local.weekday())
    while True:
        at = datetime(day.year, day.month, day.day, DIGEST_HOUR, tzinfo=tz)
        if at.timestamp() > after:
            return int(at.timestamp())
        day += timedelta(days=7)


class DigestJobs:
    def __init__(self, bot: HuddleBot) -> None:
        self.bot = bot
        self._lock = asyncio.Lock()

    def register(self) -> None:
        # Paused with insights (the scheduler asks the switch): one digest when back on.
        self.bot.scheduler.register(DIGEST, self.run, feature="insights")

    def unregister(self) -> None:
        self.bot.scheduler.unregister(DIGEST)

    async def ensure(self, guild_id: int, *, skip_job: int | None = None) -> None:
        """Schedule the server's next digest unless one is already pending."""
        async with self._lock:
            pending = await self.bot.scheduler.pending(DIGEST, key_of(guild_id))
            if any(j.id != skip_job for j in pending):
                return
            tz = await server_zone(self.bot, guild_id)
            due = next_monday(self.bot.clock.now(), tz)
            await self.bot.scheduler.schedule(
                DIGEST, due, {"guild_id": guild_id}, guild_id, key=key_of(guild_id)
            )

    async def run(self, job: Job) -> None:
        guild_id = int(job.payload["guild_id"])
        try:
            await self.post(guild_id, job.due_at)
        finally:
            if self.bot.get_guild(guild_id) is not None:
                await self.ensure(guild_id, skip_job=job.id)

    async def post(self, guild_id: int, due_at: float) -> bool:
        """Post the digest for the Monday of `due_at`, once; False when nothing was posted."""
        config = self.bot.config
        channel_id = await config.get(guild_id, CHANNEL_KEY)
        if not channel_id:
            return False
        tz = await server_zone(self.bot, guild_id)
        monday = datetime.fromtimestamp(due_at, tz).date().isoformat()
        if await config.get(guild_id, LAST_KEY) == monday:
            return False  # already posted (the job ran again after a restart)
        now = int(self.bot.clock.now())
        figures = await guild_figures(self.bot, guild_id, now, logic.DEFAULT_WEEKS)
        rows = logic.server_rows(figures, now)
        png = await charts.render(charts.draw_server, rows, now)
        channel = self.bot.get_partial_messageable(int(channel_id), guild_id=guild_id)
        # The nonce is recorded before sending: a rerun after a crash between the post and
        # LAST_KEY sends the same nonce, and Discord returns the digest already posted.
        sending = await config.get(guild_id, SENDING_KEY)
        if not isinstance(sending, dict) or sending.get("monday") != monday:
            sending = {"monday": monday, "nonce": nonce_for(f"digest:{guild_id}:{monday}")}
            await config.set(guild_id, SENDING_KEY, sending)
        nonce = str(sending["nonce"])
        try:
            await channel.send(
                logic.digest_content(rows, now),
                file=discord.File(
                    io.BytesIO(png),
                    filename="insights-server.png",
                    description=logic.server_alt(rows, now),
                ),
                allowed_mentions=NO_PINGS,
                nonce=nonce,
            )
        except (discord.NotFound, discord.Forbidden) as exc:
            # the channel is gone or closed to the bot: say so once, don't retry forever
            await self.bot.audit(
                guild_id,
                f"The insights digest could not be posted in <#{channel_id}> ({exc.text or exc}).",
            )
            return False
        await config.set(guild_id, LAST_KEY, monday)
        return True

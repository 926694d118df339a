"""Embeds for `/group list`, `/group info` and `/group panel`."""

from __future__ import annotations

import discord

from cogs.groups import logic
from cogs.groups.store import GroupSummary
from core.fit import FIELD_VALUE, clip, escape, fit_embed, join_fitting
from core.ui import EMBED_COLOUR, chunk, mention_list

LIST_PAGE = 8
MEMBERS_PAGE = 30
VISIBILITY_TEXT = {
    "open": "open (anyone joins)",
    "request": "by request (leaders approve)",
    "invite": "invite-only",
}
REPAIR_HINT = (
    "⚠️ This group is **broken**: its role or channel was deleted by hand. A leader or "
    "community manager can fix it with `/group repair`."
)


def size_text(summary: GroupSummary, max_size: int) -> str:
    limit = logic.capacity(summary.group.max_members, max_size)
    return f"{summary.size}/{limit} members"


def _line(summary: GroupSummary, max_size: int) -> str:
    g = summary.group
    parts = [size_text(summary, max_size), VISIBILITY_TEXT.get(g.visibility, g.visibility)]
    if g.archived:
        parts.append("archived")
    if g.broken:
        parts.append("broken: `/group repair`")
    head = " · ".join(parts)
    leaders = join_fitting([f"<@{u}>" for u in summary.leaders], 200) or "none"
    return f"{escape(g.description or 'No description.', 200)}\n{head}\nLeaders: {leaders}"


def list_pages(summaries: list[GroupSummary], max_size: int) -> list[discord.Embed]:
    if not summaries:
        empty = discord.Embed(
            title="Groups",
            description="No groups yet. Start one with `/group create`.",
            colour=EMBED_COLOUR,
        )
        return [empty]
    pages = []
    for part in chunk(summaries, LIST_PAGE):
        embed = discord.Embed(
            title=f"Groups ({len(summaries)})",
            description="Join one with `/group join`; details with `/group info`.",
            colour=EMBED_COLOUR,
        )
        for summary in part:
            embed.add_field(
                name=clip(summary.group.name, 256), value=_line(summary, max_size), inline=False
            )
        pages.append(fit_embed(embed))
    return pages


def info_pages(
    summary: GroupSummary, members: list[tuple[int, bool]], max_size: int, zone: str
) -> list[discord.Embed]:
    g = summary.group
    first = discord.Embed(
        title=g.name,
        description=escape(g.description, 1000, one_line=False) or "No description.",
        colour=EMBED_COLOUR,
    )
    if g.broken:
        first.description = f"{first.description}\n\n{REPAIR_HINT}"
    first.add_field(name="Size", value=size_text(summary, max_size))
    first.add_field(name="Visibility", value=VISIBILITY_TEXT.get(g.visibility, g.visibility))
    first.add_field(name="Status", value="archived" if g.archived else "active")
    leaders = join_fitting([f"<@{u}>" for u in summary.leaders], FIELD_VALUE) or "none"
    first.add_field(name="Leaders", value=leaders, inline=False)
    first.add_field(name="Time zone", value=g.timezone or f"{zone} (server)")
    if g.channel_id:
        first.add_field(name="Channel", value=f"<#{g.channel_id}>")
    pages = [fit_embed(first)]
    ids = [uid for uid, _ in members]
    for part in chunk(ids, MEMBERS_PAGE) if len(ids) > 0 else []:
        page = discord.Embed(
            title=f"{g.name}: members", description=mention_list(part), colour=EMBED_COLOUR
        )
        pages.append(fit_embed(page))
    return pages


def panel_embed(names: list[tuple[str, str, str]]) -> discord.Embed:
    """(name, description, size text) per open group."""
    embed = discord.Embed(
        title="Join a group",
        description="Press a button to join. `/group list` shows every group.",
        colour=EMBED_COLOUR,
    )
    for name, description, size in names[:25]:
        embed.add_field(name=clip(name, 256), value=f"{escape(description or '—', 150)}\n{size}")
    return fit_embed(embed)

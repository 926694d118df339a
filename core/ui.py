"""Formatting and reply helpers shared by features: timestamps, bars, safe text, paging."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import discord

EMBED_COLOUR = discord.Colour.blurple()
NO_PINGS = discord.AllowedMentions.none()


def ping_only(user_ids: Sequence[int]) -> discord.AllowedMentions:
    """Allow pinging exactly these members: never roles, @everyone, or anyone else named."""
    return discord.AllowedMentions(
        everyone=False,
        roles=False,
        replied_user=False,
        users=[discord.Object(id=u) for u in user_ids],
    )


def ts(epoch: float, style: str = "F") -> str:
    """A Discord timestamp: every viewer sees it in their own time zone."""
    return f"<t:{int(epoch)}:{style}>"


def message_link(guild_id: int, channel_id: int | None, message_id: int | None) -> str:
    """A jump link to a message."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def when_text(epoch: float) -> str:
    """`<t:…:F> (<t:…:R>)`: the full local time and how far away it is."""
    return f"{ts(epoch, 'F')} ({ts(epoch, 'R')})"


def bar(count: int, total: int, width: int = 12) -> str:
    filled = round(width * count / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def mention_list(user_ids: Sequence[int], empty: str = "nobody") -> str:
    return ", ".join(f"<@{u}>" for u in user_ids) if user_ids else empty


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
    file: discord.File | None = None,
) -> None:
    """Answer an interaction whether or not it was deferred or already answered."""
    kwargs: dict = {"content": content, "ephemeral": ephemeral, "allowed_mentions": NO_PINGS}
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


class Paginator(discord.ui.View):
    """◀ / ▶ buttons over pre-rendered embeds; only the invoker can turn pages."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int, timeout: float = 300) -> None:
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.index = 0
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        for i, page in enumerate(self.pages):
            page.set_footer(text=f"Page {i + 1} of {len(self.pages)}")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "Run the command yourself to page through it.", ephemeral=True
            )
            return False
        return True

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.index = max(0, self.index - 1)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)


async def send_pages(
    interaction: discord.Interaction, pages: Sequence[discord.Embed], *, ephemeral: bool = True
) -> None:
    """One page: plain reply. More: reply with a Paginator."""
    if len(pages) <= 1:
        await reply(interaction, embed=pages[0] if pages else None, ephemeral=ephemeral)
        return
    view = Paginator(pages, interaction.user.id)
    await reply(interaction, embed=pages[0], view=view, ephemeral=ephemeral)


def chunk(items: Sequence, size: int) -> list[Sequence]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [items]


def nonce_for(request_id: str) -> str:
    """A message nonce (≤ 25 characters, as Discord allows) standing for a request id:
    sent (discord.py adds `enforce_nonce`), a rerun of the same request gets the message already posted
    back instead of posting a second one."""
    return hashlib.sha256(request_id.encode()).hexdigest()[:25]

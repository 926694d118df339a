"""Fitting text to Discord's limits: the one place every message builder goes through.

Whatever members typed, a message the bot sends must fit: long texts end with `…`, long
lists end with `+N more`, and mentions of many members are split over several messages
(Discord accepts at most 100 users in `allowed_mentions`, and 2,000 characters of content).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import discord

from core.plaintime import plain_times

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
MENTIONS = 100
BUTTON_LABEL = 80
CHOICE_NAME = 100
CHOICE_VALUE = 100
MODAL_TITLE = 45
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters, ending with `…` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS if limit > 0 else ""


# User text shown back: how much of it an echo keeps (an error quoting what was typed,
# a name in a sentence). Short enough that a reply quoting two of them stays far below
# 2,000 characters whatever was typed.
QUOTE = 100
_BACKTICK_STAND_IN = "ˋ"  # U+02CB looks like a backtick but can't close a code span
# emphasis, spoilers, code, masked links, and `<` of mentions, channels, timestamps, commands
_ALWAYS_ESCAPED = frozenset("\\*_~|`[]<")
_CUSTOM_EMOJI = re.compile(r"<a?:\w{2,32}:\d{1,20}>")
_LINE_START_ESCAPED = frozenset("#->")  # headings, lists, subtext, quotes: only at a line start


def code(text: str, limit: int = QUOTE) -> str:
    """User text as an inline code span (backticks included): on one line, clipped to
    `limit` characters, and no backtick inside can end the span early."""
    inner = " ".join(text.split()) if "\n" in text or "\r" in text else text.strip()
    inner = clip(inner.replace("`", _BACKTICK_STAND_IN), limit)
    return f"`{inner or ' '}`"


def escape(text: str, limit: int = QUOTE, *, one_line: bool = True) -> str:
    """User text shown as is in a message (a title, a pick, a note): at most `limit`
    characters after escaping, so it can't bold, strike, spoil, quote, make a heading,
    a masked link or a mention of the bot's own message. Linear in `limit`: the text is
    cut before it is escaped, never scanned whole."""
    cut = len(text) > limit * 2  # more than can be shown whatever the spacing
    text = text[: limit * 2]
    if one_line:
        text = " ".join(text.split())
    out: list[str] = []
    used = 0
    line_start = True
    index = 0
    while index < len(text):
        char = piece = text[index]
        if char == "<" and (emoji := _CUSTOM_EMOJI.match(text, index)):
            piece = emoji.group(0)  # a custom emoji stays an emoji
        elif char in _ALWAYS_ESCAPED or (line_start and char in _LINE_START_ESCAPED):
            piece = "\\" + char
        line_start = char == "\n" or (line_start and char in " \t")
        index += len(piece) if piece[0] == "<" else 1
        if used + len(piece) + (1 if index < len(text) else 0) > limit:
            out.append(ELLIPSIS)
            break
        out.append(piece)
        used += len(piece)
    shown = "".join(out)
    if cut and not shown.endswith(ELLIPSIS):
        shown = clip(shown, max(limit - 1, 0)) + ELLIPSIS
    return shown


def more(count: int) -> str:
    return f"+{count} more"


def join_fitting(items: Sequence[str], limit: int, sep: str = ", ") -> str:
    """Join as many items as fit in `limit` characters; the rest become `+N more`.
    Every item is clipped on its own first, so one long name can't hide the others."""
    out: list[str] = []
    used = 0
    for index, raw in enumerate(items):
        item = clip(raw, limit)
        left = len(items) - index - 1
        tail = len(sep) + len(more(left)) if left else 0
        cost = (len(sep) if out else 0) + len(item)
        if used + cost + tail > limit:
            return _with_more(out, len(items) - index, limit, sep)
        out.append(item)
        used += cost
    return sep.join(out)


def _with_more(out: list[str], hidden: int, limit: int, sep: str) -> str:
    while out and len(sep.join([*out, more(hidden)])) > limit:
        out.pop()
        hidden += 1
    return clip(sep.join([*out, more(hidden)]), limit)


def lines_fitting(lines: Sequence[str], limit: int) -> str:
    """Lines joined by newlines within `limit`, ending `+N more` when some don't fit."""
    return join_fitting(lines, limit, sep="\n")


def mention_batches(
    user_ids: Iterable[int], prefix: str = "", per_message: int = MENTIONS
) -> list[tuple[str, list[int]]]:
    """Split mentions into messages of at most 100 members and 2,000 characters each:
    `[(content, ids_to_allow), …]`; the prefix starts every message."""
    batches: list[tuple[str, list[int]]] = []
    ids: list[int] = []
    text = prefix
    for user_id in user_ids:
        mention = f"<@{user_id}>"
        piece = (" " if ids else "") + mention
        if len(ids) >= per_message or len(text) + len(piece) > CONTENT:
            batches.append((text, ids))
            ids, text = [], prefix
            piece = mention
        ids.append(user_id)
        text += piece
    if ids:
        batches.append((text, ids))
    return batches


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Clip every part of an embed to its limit, keep at most 25 fields (the last one
    saying `+N more`) and the whole under 6,000 characters. Changes `embed` in place.
    Timestamps where Discord shows them raw (title, author, footer, field names) are
    written out (core.plaintime)."""
    _plain_times_where_raw(embed)
    if embed.title:
        embed.title = clip(embed.title, EMBED_TITLE)
    if embed.description:
        embed.description = clip(embed.description, EMBED_DESCRIPTION)
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=clip(embed.author.name, AUTHOR), url=embed.author.url)
    _fit_fields(embed)
    _fit_total(embed)
    return embed


def _plain_times_where_raw(embed: discord.Embed) -> None:
    if embed.title:
        embed.title = plain_times(embed.title)
    if embed.footer.text:
        embed.set_footer(text=plain_times(embed.footer.text), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=plain_times(embed.author.name), url=embed.author.url)
    for index, f in enumerate(embed.fields):
        if f.name and "<t:" in f.name:
            embed.set_field_at(index, name=plain_times(f.name), value=f.value, inline=f.inline)


def _fit_fields(embed: discord.Embed) -> None:
    fields = [
        (clip(f.name or "", FIELD_NAME), clip(f.value or "", FIELD_VALUE), f.inline)
        for f in embed.fields
    ]
    if len(fields) > FIELDS:
        hidden = len(fields) - (FIELDS - 1)
        fields = [*fields[: FIELDS - 1], ("\u200b", more(hidden), False)]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name or "\u200b", value=value or "\u200b", inline=inline)


def _fit_total(embed: discord.Embed) -> None:
    """Drop fields from the end, then shorten the description, until the total fits."""
    hidden = 0
    while len(embed) > EMBED_TOTAL and len(embed.fields) > 1:
        embed.remove_field(len(embed.fields) - 1)
        hidden += 1
    if hidden:
        embed.add_field(name="\u200b", value=more(hidden), inline=False)
    excess = len(embed) - EMBED_TOTAL
    if excess > 0 and embed.description:
        keep = max(len(embed.description) - excess, 0)
        embed.description = clip(embed.description, keep) or None
    excess = len(embed) - EMBED_TOTAL
    if excess > 0 and embed.title:
        embed.title = clip(embed.title, max(len(embed.title) - excess, 1))


def embed_problems(embed: discord.Embed) -> list[str]:
    """What in an embed breaks Discord's limits (empty when it fits): for tests."""
    problems = []
    checks = [
        (len(embed.title or ""), EMBED_TITLE, "title"),
        (len(embed.description or ""), EMBED_DESCRIPTION, "description"),
        (len(embed.fields), FIELDS, "fields"),
        (len(embed.footer.text or ""), FOOTER, "footer"),
        (len(embed), EMBED_TOTAL, "total"),
    ]
    checks += [
        (len(f.name or ""), FIELD_NAME, f"field name {i}") for i, f in enumerate(embed.fields)
    ]
    checks += [
        (len(f.value or ""), FIELD_VALUE, f"field value {i}") for i, f in enumerate(embed.fields)
    ]
    for size, limit, what in checks:
        if size > limit:
            problems.append(f"{what}: {size} > {limit}")
    return problems

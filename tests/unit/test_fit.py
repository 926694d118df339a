"""core.fit: whatever goes in, what comes out fits Discord's limits."""

from __future__ import annotations

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from core import fit

texts = st.text(min_size=0, max_size=3000)
long_lists = st.lists(st.text(min_size=0, max_size=400), max_size=300)


@given(texts, st.integers(min_value=1, max_value=5000))
def test_clip_never_exceeds_and_marks_the_cut(text: str, limit: int) -> None:
    out = fit.clip(text, limit)
    assert len(out) <= limit
    assert out == text or out.endswith("…")


@given(long_lists, st.integers(min_value=12, max_value=4096))
@settings(max_examples=200)
def test_join_fitting_fits_and_counts_the_rest(items: list[str], limit: int) -> None:
    out = fit.join_fitting(items, limit)
    assert len(out) <= limit
    if "+" in out and out.rsplit("+", 1)[-1].endswith(" more"):
        hidden = int(out.rsplit("+", 1)[-1].split()[0])
        assert 1 <= hidden <= len(items)


def test_join_fitting_keeps_everything_that_fits() -> None:
    assert fit.join_fitting(["a", "b", "c"], 100) == "a, b, c"
    assert fit.join_fitting(["x" * 10] * 5, 31) == "xxxxxxxxxx, xxxxxxxxxx, +3 more"
    assert fit.join_fitting(["x" * 10] * 5, 30) == "xxxxxxxxxx, +4 more"


@given(st.lists(st.integers(min_value=10**17, max_value=10**19), max_size=1000))
def test_mention_batches_respect_100_members_and_2000_chars(ids: list[int]) -> None:
    batches = fit.mention_batches(ids, prefix="⏰ Reminder: ")
    assert [i for _, batch in batches for i in batch] == ids
    for content, batch in batches:
        assert len(batch) <= fit.MENTIONS
        assert len(content) <= fit.CONTENT
        assert all(f"<@{i}>" in content for i in batch)


@given(
    title=st.text(max_size=600),
    description=st.text(max_size=6000),
    fields=st.lists(st.tuples(st.text(max_size=400), st.text(max_size=2000)), max_size=40),
    footer=st.text(max_size=3000),
)
@settings(max_examples=100)
def test_fit_embed_always_fits(title, description, fields, footer) -> None:
    embed = discord.Embed(title=title or None, description=description or None)
    for name, value in fields:
        embed.add_field(name=name or "-", value=value or "-")
    if footer:
        embed.set_footer(text=footer)
    assert fit.embed_problems(fit.fit_embed(embed)) == []


def test_fit_embed_says_how_many_fields_were_left_out() -> None:
    embed = discord.Embed(title="t")
    for i in range(30):
        embed.add_field(name=f"f{i}", value="v")
    fit.fit_embed(embed)
    assert len(embed.fields) == 25
    assert embed.fields[-1].value == "+6 more"


# -- user text shown back: clipped, escaped, unbreakable code spans ------------------------

hostile = st.text(st.sampled_from([*"`*_~|[]()<>#-\\@\n x", "é", "🇦"]), max_size=3000)


@given(hostile, st.integers(min_value=1, max_value=1500))
@settings(max_examples=200)
def test_code_is_one_unbroken_span_within_the_limit(text: str, limit: int) -> None:
    out = fit.code(text, limit)
    assert len(out) <= limit + 2 and out.startswith("`") and out.endswith("`")
    assert out.count("`") == 2 and "\n" not in out


@given(hostile, st.integers(min_value=1, max_value=1500), st.booleans())
@settings(max_examples=200)
def test_escape_fits_and_leaves_no_markdown_open(text: str, limit: int, one_line: bool) -> None:
    out = fit.escape(text, limit, one_line=one_line)
    assert len(out) <= limit
    unescaped = out.replace("\\\\", "").replace("\\`", "").replace("\\*", "").replace("\\[", "")
    for char in "`*[":
        assert char not in unescaped, out
    if one_line:
        assert "\n" not in out


def test_escape_breaks_a_masked_link_and_keeps_plain_text() -> None:
    assert fit.escape("[Reading list](https://example.invalid)", 200) == (
        "\\[Reading list\\](https://example.invalid)"
    )
    assert fit.escape("Dune by Frank Herbert", 200) == "Dune by Frank Herbert"
    assert fit.escape("# big\n- item", 200, one_line=False) == "\\# big\n\\- item"
    assert fit.escape("<@1> likes <:pepe_happy:123>", 200) == "\\<@1> likes <:pepe_happy:123>"


def test_the_pick_announcement_shows_a_nominated_link_as_text() -> None:
    from cogs.cycles import render
    from cogs.cycles.logic import Nominee, title_key
    from cogs.cycles.store import Cycle, Period

    pick = "[Reading list](https://example.invalid)"
    cycle = Cycle.__new__(Cycle)
    period = Period.__new__(Period)
    object.__setattr__(cycle, "name", "**Club**")
    object.__setattr__(cycle, "checkins", False)
    for key, value in {
        "pick": pick,
        "pick_votes": 3,
        "poll_id": 1,
        "meet_at": 1_796_000_000,
    }.items():
        object.__setattr__(period, key, value)
    note = "see [here](https://example.invalid)"
    embed = render.pick_announcement(cycle, period, [Nominee(title_key(pick), pick, note, (1,), 0)])
    assert "\\[Reading list\\](https://example.invalid)" in (embed.description or "")
    assert "\\[here\\]" in (embed.description or "")
    assert "\\*\\*Club\\*\\*" in (embed.title or "")

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

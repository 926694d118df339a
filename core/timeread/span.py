"""Spans around the grammar of `core.timeread`.

Two things the word-by-word grammar can't see on its own:
- a range of two days, `friday to monday`, `10 August - 12 September 2013`,
  `today - next friday`: the text splits at a spaced separator into two sides that each
  name a day;
- a time phrase inside a sentence, `The deadline is today 5pm`, `5 days ago, we did
  something`: the words around the phrase may be dropped only when they are plain words —
  no digits and nothing that could change the time (`not`, `every`, `before`, `late`, a
  weekday, a unit, a number word ...). The caller also requires the phrase to say a time
  clearly (a day, an am/pm or hh:mm clock, an amount), so `I'm at 10 - 20` stays refused.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

_SEPARATOR = re.compile(r"\s+(?:-|to|until|till|through|thru)\s+|\s*[–—]\s*")
_MAX_WORDS = 24
# A range of two days has one separator; a few are tried so `10 - 12 Aug - 3 Sep` still
# finds its cut, but never one per separator: each try reads both sides again, and a text
# of 2,000 `-` would be read 2,000 times (no typed text may hold up the bot).
MAX_SPLITS = 3
_MAX_EXTEND = 2  # plain words kept on each side of the phrase (`on`, `at`, `the`)

# words that are never dropped: dropping them could change the time or its meaning
_KEEP = {
    "not", "no", "never", "except", "without", "isn't", "don't", "can't", "cannot", "won't",
    "every", "each", "early", "late", "later", "mid", "middle", "end", "start", "beginning",
    "half", "quarter", "ish", "before", "after", "until", "till", "by", "from", "since",
    "between", "within", "in", "ago", "earlier", "next", "last", "this", "past", "coming",
    "previous", "following", "now", "today", "tonight", "tonite", "tomorrow", "tmrw",
    "yesterday", "noon", "midnight", "midday", "morning", "afternoon", "evening", "night",
    "weekend", "weekday", "am", "pm", "o'clock", "oclock", "hence", "out", "back", "+", "-",
}  # fmt: skip


def range_splits(text: str) -> list[tuple[str, str]]:
    """The first few ways (at most `MAX_SPLITS`) to cut normalized `text` at one spaced
    range separator: (left, right)."""
    cuts = (m for m in _SEPARATOR.finditer(text) if m.start() > 0 and m.end() < len(text))
    return [
        (text[: m.start()].strip(), text[m.end() :].strip())
        for m in itertools.islice(cuts, MAX_SPLITS)
    ]


# a sentence's opening words may be dropped when they end like this (`The deadline is`,
# `Let's meet`, `we have to make something`, `Published:`), and its closing words when
# they are a clause of their own (`, we did something`, `I will go home`)
_OPENER_ENDS = {
    "is", "was", "are", "were", "be", "been", "meet", "meeting", "something", "due", "set",
    "scheduled", "moved", "planned", "happens", "starts", "start", "ends", "it",
}  # fmt: skip
_CLAUSE_STARTS = {
    "|", "i", "we", "you", "he", "she", "they", "it", "i'll", "we'll", "you'll", "they'll",
    "i'm", "we're", "let's", "lets", "please", "see", "thanks",
}  # fmt: skip
CLAUSE = "|"  # stands for a comma or semicolon in the text given to sentence_phrases


def sentence_phrases(text: str, vocabulary: Iterable[str]) -> Iterator[str]:
    """Candidate time phrases inside normalized `text` (commas written as `|`), longest
    first: each keeps every word that is not plain, drops only plain words from the ends,
    and only an opening that ends like `The deadline is` or a closing clause of its own."""
    words = text.split()
    if len(words) > _MAX_WORDS:
        return
    keep = _KEEP.union(vocabulary)

    def plain(word: str) -> bool:
        return not any(c.isdigit() for c in word) and word not in keep

    marked = [i for i, w in enumerate(words) if w != CLAUSE and not plain(w)]
    if not marked:
        return
    first, last = marked[0], marked[-1]
    options = []
    for left in range(min(_MAX_EXTEND, first), -1, -1):
        i = first - left
        if i and not (words[i - 1] in _OPENER_ENDS or words[i - 1].endswith(":")):
            continue
        for right in range(min(_MAX_EXTEND, len(words) - 1 - last), -1, -1):
            j = last + 1 + right
            if j < len(words) and words[j] not in _CLAUSE_STARTS:
                continue
            if (i, j) != (0, len(words)):
                options.append((left + right, i, j))
    for _, i, j in sorted(options, key=lambda o: -o[0]):
        phrase = " ".join(w for w in words[i:j] if w != CLAUSE)
        if phrase:
            yield phrase

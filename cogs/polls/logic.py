"""Pure poll rules: option parsing, emoji, the vote tally and how reactions turn into
votes. No I/O, no discord imports.

Votes are a mapping user id -> options in the order they were chosen. Every rule keeps
the invariants: a (user, option) pair is counted at most once; a single-choice poll
holds at most one option per user; a multiple-choice poll at most `limit` options.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from core import fit
from core.errors import UserError
from core.letters import MAX_LETTERS, letter, letter_index, split_list
from core.ui import plural

MIN_OPTIONS = 2
MAX_OPTIONS = MAX_LETTERS  # Discord allows 20 distinct reactions per message
MAX_OPTION_LENGTH = 100
MAX_QUESTION_LENGTH = 250
MIN_CLOSE_SECONDS = 60  # `closes` lies between 1 minute and 1 year from now
MAX_CLOSE_SECONDS = 365 * 86400
CLOSES_RANGE = "between 1 minute and 1 year from now (`1m` … `365d`)"

Votes = dict[int, list[int]]
Key = tuple[int, int]  # (user_id, option)

option_emoji = letter  # option 0 -> 🇦, 1 -> 🇧, …
emoji_option = letter_index  # (emoji, option_count) -> the option, or None


def parse_options(text: str) -> list[str]:
    """`A; B; C` -> ["A", "B", "C"]; raises UserError stating the rule when it isn't met."""
    return check_options(split_list(text))


def check_options(parts: list[str]) -> list[str]:
    """Stripped option texts, 2–20, none empty, none twice, none too long."""
    parts = [part.strip() for part in parts]
    rule = (
        f"Give {MIN_OPTIONS}–{MAX_OPTIONS} options separated by `;`, "
        "for example `options: Dune; Emma; Ulysses`."
    )
    if len(parts) < MIN_OPTIONS or len(parts) > MAX_OPTIONS:
        raise UserError(f"You gave {plural(len(parts), 'option')}. {rule}")
    if any(not p for p in parts):
        raise UserError(f"One of the options is empty (two `;` in a row or one at the end). {rule}")
    seen: set[str] = set()
    for part in parts:
        if part.casefold() in seen:
            raise UserError(
                f"The option {fit.code(part)} appears twice; every option must be different."
            )
        seen.add(part.casefold())
        if len(part) > MAX_OPTION_LENGTH:
            raise UserError(f"Options can be at most {MAX_OPTION_LENGTH} characters long.")
    return parts


def closes_range_text(text: str) -> str:
    """The refusal for a `closes` outside the allowed range (or beyond any calendar)."""
    return f"{fit.code(text, 40)} is out of range: a poll closes {CLOSES_RANGE}."


def closes_problem(text: str, start: float, now: float) -> str | None:
    """Why a `closes` read as `start` (UTC epoch) is refused at `now`, or None."""
    if start - now < MIN_CLOSE_SECONDS or start - now > MAX_CLOSE_SECONDS:
        return closes_range_text(text)
    return None


MAX_NUDGE_HOURS = 168


def nudge_problem(hours: int, group: bool, closes_at: float | None, now: float) -> str | None:
    """Why `/poll create nudge:` can't be used as given, or None (a group poll with a
    deadline, nudged `hours` before it)."""
    if not group:
        return "`nudge` is for group polls: pick a `group` (it nudges that group's members)."
    if closes_at is None:
        return "`nudge` is hours before the poll closes: give it a `closes` time too."
    if hours < 1 or hours > MAX_NUDGE_HOURS:
        return f"`nudge` is 1 to {MAX_NUDGE_HOURS} hours before the poll closes."
    if closes_at - hours * 3600 <= now:
        return (
            f"The poll closes in less than {hours} hours, so a nudge {hours} hours before"
            " would be now or in the past: pick fewer hours, or nudge by hand with `/poll nudge`."
        )
    return None


def check_question(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise UserError("The question can't be empty.")
    if len(cleaned) > MAX_QUESTION_LENGTH:
        raise UserError(f"The question can be at most {MAX_QUESTION_LENGTH} characters long.")
    return cleaned


@dataclass(frozen=True)
class Rules:
    option_count: int
    multiple: bool = False
    max_choices: int | None = None

    @cached_property  # read for every vote in a burst
    def limit(self) -> int:
        """How many options one member may hold at once."""
        if not self.multiple:
            return 1
        return min(self.max_choices or self.option_count, self.option_count)


def check_choices(option_count: int, multiple: bool | None, max_choices: int | None) -> Rules:
    """The voting rules from the command's options. `max_choices` alone implies multiple;
    `max_choices: 1` is a single-choice poll (a new reaction moves the vote)."""
    if max_choices is not None:
        if multiple is False:
            raise UserError(
                "`max_choices` only applies to a poll with `multiple: True`; "
                "leave `max_choices` out for a single-choice poll."
            )
        if not 1 <= max_choices <= option_count:
            raise UserError(
                f"`max_choices` must be between 1 and {option_count} (the number of options); "
                f"you gave {max_choices}."
            )
        if max_choices == 1:
            return Rules(option_count, False, None)
        return Rules(option_count, True, max_choices)
    return Rules(option_count, bool(multiple), None)


@dataclass
class Outcome:
    """What an event changed: keys whose stored state must be written, reactions the bot
    should remove (user_id, option), and how the set of stale reactions changed.

    `stale` maps a reaction to True (it is on the message but is no vote: the bot must
    remove it) or False (it is a vote again, or gone from the message: nothing to remove).
    Later events overwrite earlier ones, so the last word on each reaction is what the
    batch stores, in the same transaction as the votes."""

    touched: set[Key] = field(default_factory=set)
    unreact: list[Key] = field(default_factory=list)
    stale: dict[Key, bool] = field(default_factory=dict)

    def merge(self, other: Outcome) -> None:
        self.touched |= other.touched
        self.unreact.extend(other.unreact)
        self.stale.update(other.stale)

    def make_stale(self, key: Key) -> None:
        self.unreact.append(key)
        self.stale[key] = True


def apply_add(
    votes: Votes, rules: Rules, user_id: int, option: int, allowed: bool, out: Outcome | None = None
) -> Outcome:
    """A member reacted with `option`. Mutates `votes`; adds to `out` (a batch's outcome)
    when given, else to a new Outcome; returns it."""
    out = Outcome() if out is None else out
    if not allowed or not 0 <= option < rules.option_count:
        out.make_stale((user_id, option))
        return out
    current = votes.setdefault(user_id, [])
    if option in current:
        return out  # the same reaction reported twice: counted once
    if not rules.multiple:
        for old in current:
            out.touched.add((user_id, old))
            out.make_stale((user_id, old))
        current.clear()
    elif len(current) >= rules.limit:
        out.make_stale((user_id, option))  # beyond max_choices: not counted
        return out
    current.append(option)
    out.touched.add((user_id, option))
    out.stale[(user_id, option)] = False  # a vote again: a pending removal is cancelled
    return out


def apply_remove(votes: Votes, user_id: int, option: int, out: Outcome | None = None) -> Outcome:
    """A reaction went away (the member's or ours): the vote for that option goes.
    Keyed by option, so removing a reaction the bot moved never touches the new vote."""
    out = Outcome() if out is None else out
    out.stale[(user_id, option)] = False  # the reaction is gone: nothing left to remove
    current = votes.get(user_id)
    if current and option in current:
        current.remove(option)
        out.touched.add((user_id, option))
        if not current:
            del votes[user_id]
    return out


def reconcile(
    votes: Votes,
    rules: Rules,
    reactions: Mapping[int, Iterable[int]],
    allowed: Callable[[int], bool],
    stale: Iterable[Key] = (),
) -> tuple[Votes, Outcome]:
    """Rebuild votes from the message's real reactions (option -> user ids).

    A reaction in `stale` (made stale by a vote, its removal still queued) is no vote,
    however long it stays on the message; a stale reaction no longer on the message needs
    no removal (marked False in the outcome). Deterministic: votes already stored and still
    reacted are kept first (in the order they were cast), then new reactions in option
    order, up to the member's limit; the rest are to be removed. Members not allowed to
    vote have all their reactions removed.
    """
    out = Outcome()
    pending = set(stale)
    reacted: dict[int, set[int]] = {}
    for option, users in reactions.items():
        for user in users:
            if (user, option) in pending:
                pending.discard((user, option))
            else:
                reacted.setdefault(user, set()).add(option)
    for gone in pending:  # removed already (by the member, or a removal that landed)
        out.stale[gone] = False
    new: Votes = {}
    for user in sorted(reacted):
        options = reacted[user]
        if not allowed(user):
            for option in sorted(options):
                out.make_stale((user, option))
            continue
        kept = [o for o in votes.get(user, []) if o in options]
        kept += [o for o in sorted(options) if o not in kept]
        new[user] = kept[: rules.limit]
        for option in kept[rules.limit :]:
            out.make_stale((user, option))
    for user in set(votes) | set(new):
        before, after = set(votes.get(user, [])), set(new.get(user, []))
        out.touched |= {(user, o) for o in before ^ after}
    return new, out


def tally(votes: Mapping[int, Iterable[int]], option_count: int) -> list[int]:
    counts = [0] * option_count
    for options in votes.values():
        for option in options:
            counts[option] += 1
    return counts


def winners(counts: list[int]) -> list[int]:
    """Options with the most votes (several = a tie); empty when nobody voted."""
    best = max(counts, default=0)
    return [i for i, c in enumerate(counts) if c == best] if best > 0 else []


def closing_report(options: list[str], counts: list[int]) -> dict[str, Any]:
    """What a closed poll tells whoever waits for it: `tally` (option text -> votes) and
    `winners` (option texts with the most votes; several = a tie, none = no votes)."""
    return {
        "tally": dict(zip(options, counts, strict=True)),
        "winners": [options[i] for i in winners(counts)],
    }


def voters(votes: Mapping[int, Iterable[int]]) -> int:
    return len([options for options in votes.values() if options])

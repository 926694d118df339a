"""The groups feature's SQL and its records, one module per subject. The rest of the
feature imports from here; other features reach groups only through `cogs.groups.api`.

- `groups`: `GroupStore`, the one class the feature uses: the groups' own rows, and under
  the same names the reads of its collaborators below; the privacy filter
  `visible_groups_clause`; `guild_group_sizes` for insights.
- `lookup`: `GroupLookup`, finding groups (by what a user typed, by their Discord objects,
  autocomplete choices).
- `members`: `MembershipStore`, who is in a group and who leads it.
- `queues`: `RequestStore` and `WaitlistStore`, the queues in front of a group.
- `summaries`: `GroupSummary` (`/group list`, `/group info`), its cache, and `writes`.
- `models`: the records (`GroupRef`, `Request`, `Scope`) and their row mappings.
"""

from __future__ import annotations

from cogs.groups.store.groups import GroupStore, guild_group_sizes, visible_groups_clause
from cogs.groups.store.models import GroupRef, Request, Scope
from cogs.groups.store.summaries import GroupSummary

__all__ = [
    "GroupRef",
    "GroupStore",
    "GroupSummary",
    "Request",
    "Scope",
    "guild_group_sizes",
    "visible_groups_clause",
]

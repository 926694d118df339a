"""Helpers shared by the test modules (no tests here).

Test modules import from this package, never from one another:

- `groups`   — `/group create` and `/group edit` without the `name=` clash, overwrites, ids.
- `events`   — the event message, its RSVP buttons, embed text, pings, channels, group rows.
- `checkins` — a Book Club group with members, prompts, summaries, the Check in button.
- `polls`    — poll emoji, waiting for reactions and edits to settle, the newest poll.
"""

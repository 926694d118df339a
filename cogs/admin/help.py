"""The `/help` text: the features and their main commands."""

from __future__ import annotations

import discord

from core.ui import EMBED_COLOUR

SECTIONS = (
    (
        "Groups — a small private space",
        "`/group create` a group (a role + private channel), `/group join`, `/group leave`, "
        "`/group list`, `/group info`. Leaders: `/group invite`, `/group kick`, "
        "`/group promote`, `/group edit`, `/group archive`, `/group delete`, `/group panel`.",
    ),
    (
        "Check-ins — accountability",
        "`/goal set` your goal, `/checkin log` or press **Check in** on a prompt. Leaders: "
        "`/checkin schedule` daily or weekly prompts. `/checkin streak`, `/checkin board`. "
        "Each period ends with a summary naming who checked in and who **Missed**.",
    ),
    (
        "Polls — decide together",
        "`/poll create` with options separated by `;`. Vote by reacting 🇦 🇧 …; remove the "
        "reaction to withdraw. `/poll results`, `/poll close`, `/poll list`, `/poll recount`; "
        "`/poll nudge` DMs a group's members who haven't voted.",
    ),
    (
        "Events — meet at times that suit everyone",
        "`/event create` (`friday 7pm`, `tomorrow 18:30`, `in 2 hours`), RSVP with "
        "**Going** / **Maybe** / **Can't**, reminders, `repeat` for series (`occurrence` "
        "skips or moves one meeting), `/event calendar` for your own calendar link, "
        "`/event export` for a file, `/event findtime` to find a slot. Set your zone: "
        "`/timezone set`. **I'm here** (or 10 minutes in the group's voice channel) marks "
        "who came; `/event nudge` DMs who hasn't answered.",
    ),
    (
        "Club cycles — the monthly ritual, run by itself",
        "Leaders: `/cycle start` (`meet: last thursday 7pm`): nominations, a vote, the "
        "pick, the meeting and reading check-ins, every month. Members: `/cycle nominate` "
        "or the **Nominate** button. `/cycle status`, `/cycle history` (the shelf); "
        "leaders: `/cycle advance`, `/cycle stop`.",
    ),
    (
        "Insights — how the groups are doing",
        "Leaders: `/insights group` (members, check-in completion, attendance, poll "
        "participation, as a picture and as text). Managers: `/insights server` (every "
        "group, those needing attention first), `/insights export` (CSV).",
    ),
    (
        "Admins",
        "`/config show`, `/config feature`, `/config manager-role`, `/config groups`, "
        "`/config timezone`, `/config log-channel`, `/config reminders`, "
        "`/config insights` (the Monday digest channel).",
    ),
)


def help_embed() -> discord.Embed:
    embed = discord.Embed(
        title="Huddle — micro-communities for your server",
        description=(
            "Small groups around one interest, with accountability, polls, meetups, "
            "club cycles and insights."
        ),
        colour=EMBED_COLOUR,
    )
    for name, value in SECTIONS:
        embed.add_field(name=name, value=value, inline=False)
    return embed

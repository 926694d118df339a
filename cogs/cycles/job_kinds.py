"""The scheduler job kinds of the cycle's phase machine (see `cogs.cycles.jobs`) and the
timing constants its handlers share. Every cycle job is keyed `cycle:<cycle id>`."""

from __future__ import annotations

OPEN = "cycle.open"
CLOSE = "cycle.close"
VOTED = "cycle.voted"
MET = "cycle.met"
NEXT = "cycle.next"
READ_END = "cycle.read_end"
KINDS = (OPEN, CLOSE, VOTED, MET, NEXT, READ_END)
BACKSTOP_DELAY = 60.0  # after the meeting slot's end, MET's backstop checks the meeting
LATE_CLOSE = 300.0  # a nomination deadline handled later than this gives the vote its full length

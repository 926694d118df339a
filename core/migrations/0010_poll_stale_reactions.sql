-- Polls (owned by cogs/polls): reactions on a poll message that are no vote and that the
-- bot still has to remove (a single-choice vote moved, over max_choices, a non-member's,
-- a foreign emoji; user_id 0 = clear that emoji entirely). Written in the same
-- transaction as the vote that made them stale, deleted when Discord answered the
-- removal (204, or 404: gone already) or when the reaction became a vote again. The
-- removal queue is read from here, so a close, a restart or a recount never counts them.

CREATE TABLE poll_stale_reactions (
    poll_id   INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    emoji     TEXT    NOT NULL,
    queued_at REAL    NOT NULL,
    PRIMARY KEY (poll_id, user_id, emoji)
);

-- Polls (owned by cogs/polls): one row per poll, one row per (poll, user, option) vote.

CREATE TABLE polls (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,                   -- NULL only while the message is being posted
    group_id     INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    creator_id   INTEGER NOT NULL,
    question     TEXT    NOT NULL,
    options      TEXT    NOT NULL,          -- JSON list of option texts, in emoji order
    multiple     INTEGER NOT NULL DEFAULT 0,
    max_choices  INTEGER,                   -- NULL = as many as there are options
    hide_results INTEGER NOT NULL DEFAULT 0,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'open', 'closed')),
    closes_at    REAL,                      -- UTC epoch seconds; NULL = closed by hand
    created_at   REAL    NOT NULL,
    closed_at    REAL
);
CREATE UNIQUE INDEX polls_message ON polls (message_id);
CREATE INDEX polls_guild_status ON polls (guild_id, status, created_at);
CREATE INDEX polls_group ON polls (group_id);

CREATE TABLE poll_votes (
    poll_id  INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    option   INTEGER NOT NULL,             -- 0-based index into polls.options
    voted_at REAL    NOT NULL,
    PRIMARY KEY (poll_id, user_id, option)
);

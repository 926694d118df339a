-- Who hasn't answered, who came (docs/rules.md, "Who hasn't answered" and "Who came").

-- Nudges (core/nudges.py, used by polls and events): one row per round (at most one per
-- target per 12 hours), one per member a round reached (claimed before the DM goes out,
-- so a retried batch job nudges nobody twice).
CREATE TABLE nudge_rounds (
    feature    TEXT    NOT NULL,          -- 'polls', 'events'
    target_id  INTEGER NOT NULL,          -- the poll or event id
    started_at REAL    NOT NULL,
    guild_id   INTEGER NOT NULL,
    started_by INTEGER,                   -- NULL: the scheduled nudge
    PRIMARY KEY (feature, target_id, started_at)
);
CREATE TABLE nudge_sent (
    feature    TEXT    NOT NULL,
    target_id  INTEGER NOT NULL,
    round_at   REAL    NOT NULL,
    user_id    INTEGER NOT NULL,
    method     TEXT    NOT NULL DEFAULT 'dm' CHECK (method IN ('dm', 'channel')),
    PRIMARY KEY (feature, target_id, round_at, user_id)
);

-- A group poll's `nudge` option: hours before it closes (NULL: none).
ALTER TABLE polls ADD COLUMN nudge_hours INTEGER;

-- Voice presence (owned by cogs/events): one row per stay of a member in a voice
-- channel; left_at NULL while they are there. Written from VOICE_STATE_UPDATE and
-- reconciled with the voice states of GUILD_CREATE at start, so a stay that began
-- before a restart keeps its start.
CREATE TABLE voice_sessions (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    joined_at  REAL    NOT NULL,
    left_at    REAL
);
CREATE UNIQUE INDEX voice_sessions_open ON voice_sessions (guild_id, user_id)
    WHERE left_at IS NULL;
CREATE INDEX voice_sessions_channel ON voice_sessions (channel_id, joined_at);

-- Who came to an occurrence of an event (`occurrence_start` = its start), by voice
-- presence (≥10 minutes in the event's voice channel) or the I'm here button.
CREATE TABLE event_attendance (
    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    occurrence_start REAL    NOT NULL,
    user_id          INTEGER NOT NULL,
    display_name     TEXT    NOT NULL DEFAULT '',
    came_via         TEXT    NOT NULL CHECK (came_via IN ('voice', 'button')),
    marked_at        REAL    NOT NULL,
    PRIMARY KEY (event_id, occurrence_start, user_id)
);

-- An occurrence that ended: who had said Going (a series resets its answers for the
-- next occurrence) and how many came (NULL: not known: no voice channel, no I'm here).
CREATE TABLE event_occurrences_ended (
    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    occurrence_start REAL    NOT NULL,
    title            TEXT    NOT NULL,
    going            TEXT    NOT NULL,    -- JSON [[user_id, display_name], ...] in answer order
    answered         INTEGER NOT NULL,
    came             INTEGER,
    ended_at         REAL    NOT NULL,
    PRIMARY KEY (event_id, occurrence_start)
);

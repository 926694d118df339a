-- Events (owned by cogs/events): one row per event; a recurring series keeps one row whose
-- start/end move forward to the next occurrence when the current one ends (RSVPs reset).

CREATE TABLE events (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    group_id           INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    title              TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    location           TEXT    NOT NULL DEFAULT '',   -- `where`: a place, a link, or ''
    voice_channel_id   INTEGER,                       -- set when the event happens in voice
    start_at           REAL    NOT NULL,              -- UTC epoch seconds (current occurrence)
    end_at             REAL    NOT NULL,
    timezone           TEXT    NOT NULL,              -- IANA zone the wall-clock time lives in
    repeat             TEXT    NOT NULL DEFAULT 'none'
                       CHECK (repeat IN ('none', 'daily', 'weekly', 'biweekly', 'monthly')),
    rrule              TEXT,                          -- e.g. FREQ=MONTHLY;BYDAY=1TH (NULL: one-off)
    remind             TEXT    NOT NULL DEFAULT '',   -- offsets in seconds, e.g. '86400,3600'
    capacity           INTEGER,                       -- NULL: unlimited
    channel_id         INTEGER,
    message_id         INTEGER,
    scheduled_event_id INTEGER,
    status             TEXT    NOT NULL DEFAULT 'scheduled'
                       CHECK (status IN ('scheduled', 'cancelled', 'ended')),
    created_by         INTEGER NOT NULL,
    created_at         REAL    NOT NULL
);
CREATE INDEX events_upcoming ON events (guild_id, status, end_at);
CREATE INDEX events_group ON events (group_id);
CREATE INDEX events_message ON events (message_id);

CREATE TABLE event_rsvps (
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('going', 'maybe', 'cant', 'waitlist')),
    display_name TEXT    NOT NULL DEFAULT '',
    seq          INTEGER NOT NULL,                    -- answer order: the waitlist moves up by it
    answered_at  REAL    NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_rsvps_status ON event_rsvps (event_id, status, seq);

CREATE TABLE findtime_polls (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    group_id   INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    slots      TEXT    NOT NULL,                      -- JSON list of UTC epoch seconds
    timezone   TEXT    NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    closes_at  REAL    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'used')),
    best_slot  REAL,
    votes      INTEGER NOT NULL DEFAULT 0,
    event_id   INTEGER,
    created_by INTEGER NOT NULL,
    created_at REAL    NOT NULL
);
CREATE INDEX findtime_guild ON findtime_polls (guild_id, status);

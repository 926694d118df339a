-- Core tables: the durable scheduler, per-server settings, member preferences, bot metadata.

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a finished job's id stays its own
    guild_id    INTEGER,
    kind        TEXT    NOT NULL,
    key         TEXT,               -- lets a feature find/cancel its job (e.g. 'poll:12')
    due_at      REAL    NOT NULL,   -- next run, UTC epoch seconds (moves on retry)
    asked_for   REAL    NOT NULL,   -- the time the feature asked for (never moves)
    payload     TEXT    NOT NULL DEFAULT '{}',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    dead        INTEGER NOT NULL DEFAULT 0,  -- gave up after repeated failures; kept for inspection
    created_at  REAL    NOT NULL
);
CREATE INDEX jobs_due ON jobs (dead, due_at);
CREATE INDEX jobs_key ON jobs (key);

CREATE TABLE guild_settings (
    guild_id INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,   -- JSON
    PRIMARY KEY (guild_id, key)
);

CREATE TABLE user_settings (
    user_id  INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,   -- JSON
    PRIMARY KEY (user_id, key)
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

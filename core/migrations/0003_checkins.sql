-- Check-ins (owned by cogs/checkins): goals, schedules, check-ins per period, the record
-- of what was posted per period (so a retried job never posts twice), and nudges sent.

CREATE TABLE checkin_goals (
    guild_id   INTEGER NOT NULL,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    updated_at REAL    NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX checkin_goals_user ON checkin_goals (guild_id, user_id);

CREATE TABLE checkin_schedules (
    guild_id    INTEGER NOT NULL,
    group_id    INTEGER PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    cadence     TEXT    NOT NULL CHECK (cadence IN ('daily', 'weekly')),
    hour        INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    minute      INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
    weekday     INTEGER CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Monday; weekly only
    prompt      TEXT    NOT NULL DEFAULT '',
    nudge_hours INTEGER NOT NULL DEFAULT 0,                -- 0 = no nudge
    created_by  INTEGER NOT NULL,
    created_at  REAL    NOT NULL
);
CREATE INDEX checkin_schedules_guild ON checkin_schedules (guild_id);

-- One row per member per period; a second check-in in the same period updates it.
CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    period_key   TEXT    NOT NULL,   -- local ISO date of the period start
    period_start INTEGER NOT NULL,   -- UTC epoch seconds
    status       TEXT    NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'partial', 'blocked')),
    note         TEXT    NOT NULL DEFAULT '',
    created_at   REAL    NOT NULL,
    updated_at   REAL    NOT NULL,
    revisions    INTEGER NOT NULL DEFAULT 0,   -- times it was updated in its period
    UNIQUE (group_id, user_id, period_key)
);
CREATE INDEX checkins_group_period ON checkins (group_id, period_start);
CREATE INDEX checkins_member_period ON checkins (group_id, user_id, period_start);

-- Since when a member is counted for the completion rate: the first period they were a
-- member at a prompt (groups' join dates stay private to the groups feature). A member's
-- first check-in counts too, without a row here (see logic.streak_stats).
CREATE TABLE checkin_members (
    guild_id     INTEGER NOT NULL,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    since_start  INTEGER NOT NULL,   -- UTC epoch of the first period counted
    PRIMARY KEY (group_id, user_id)
);

-- What the scheduled job did for each period: posted the prompt, posted the summary.
CREATE TABLE checkin_periods (
    guild_id          INTEGER NOT NULL,
    group_id          INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    period_key        TEXT    NOT NULL,
    period_start      INTEGER NOT NULL,
    period_end        INTEGER NOT NULL,
    prompt_message_id INTEGER,
    prompt_posted     INTEGER NOT NULL DEFAULT 0,
    summary_posted    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, period_key)
);
CREATE INDEX checkin_periods_open ON checkin_periods (group_id, summary_posted, period_end);

-- Nudges sent: never twice per member per period. method: 'dm' or 'channel'.
CREATE TABLE checkin_nudges (
    guild_id   INTEGER NOT NULL,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    period_key TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    method     TEXT    NOT NULL DEFAULT 'dm',
    sent_at    REAL    NOT NULL,
    PRIMARY KEY (group_id, period_key, user_id)
);

-- Check-ins: a group holds several schedules, each owned by whoever
-- made it: `owner` '' is the group's own (`/checkin schedule`), any other text belongs to
-- another feature (a cycle's reading check-ins name their cycle and period). Periods,
-- check-ins, streak starts and nudges belong to the schedule they were made under, so a
-- cycle's weekly reading prompt never replaces, stops or mixes with the group's daily one.
-- (Numbered 0011: 0010 is left to the stale-reactions migration made beside this one.)

CREATE TABLE checkin_schedules_new (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    owner       TEXT    NOT NULL DEFAULT '',
    cadence     TEXT    NOT NULL CHECK (cadence IN ('daily', 'weekly')),
    hour        INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    minute      INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
    weekday     INTEGER CHECK (weekday BETWEEN 0 AND 6),
    prompt      TEXT    NOT NULL DEFAULT '',
    nudge_hours INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER NOT NULL,
    created_at  REAL    NOT NULL,
    UNIQUE (group_id, owner)
);
INSERT INTO checkin_schedules_new (guild_id, group_id, owner, cadence, hour, minute, weekday,
    prompt, nudge_hours, created_by, created_at)
SELECT guild_id, group_id, '', cadence, hour, minute, weekday, prompt, nudge_hours,
    created_by, created_at FROM checkin_schedules;
DROP TABLE checkin_schedules;
ALTER TABLE checkin_schedules_new RENAME TO checkin_schedules;
CREATE INDEX checkin_schedules_guild ON checkin_schedules (guild_id);

CREATE TABLE checkins_new (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    owner        TEXT    NOT NULL DEFAULT '',
    user_id      INTEGER NOT NULL,
    period_key   TEXT    NOT NULL,
    period_start INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'partial', 'blocked')),
    note         TEXT    NOT NULL DEFAULT '',
    created_at   REAL    NOT NULL,
    updated_at   REAL    NOT NULL,
    revisions    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, owner, user_id, period_key)
);
INSERT INTO checkins_new (id, guild_id, group_id, owner, user_id, period_key, period_start,
    status, note, created_at, updated_at, revisions)
SELECT id, guild_id, group_id, '', user_id, period_key, period_start, status, note,
    created_at, updated_at, revisions FROM checkins;
DROP TABLE checkins;
ALTER TABLE checkins_new RENAME TO checkins;
CREATE INDEX checkins_group_period ON checkins (group_id, owner, period_start);
CREATE INDEX checkins_member_period ON checkins (group_id, owner, user_id, period_start);
CREATE INDEX checkins_guild_user ON checkins (guild_id, user_id, created_at);

CREATE TABLE checkin_members_new (
    guild_id     INTEGER NOT NULL,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    owner        TEXT    NOT NULL DEFAULT '',
    user_id      INTEGER NOT NULL,
    since_start  INTEGER NOT NULL,
    PRIMARY KEY (group_id, owner, user_id)
);
INSERT INTO checkin_members_new (guild_id, group_id, owner, user_id, since_start)
SELECT guild_id, group_id, '', user_id, since_start FROM checkin_members;
DROP TABLE checkin_members;
ALTER TABLE checkin_members_new RENAME TO checkin_members;

CREATE TABLE checkin_periods_new (
    guild_id          INTEGER NOT NULL,
    group_id          INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    owner             TEXT    NOT NULL DEFAULT '',
    period_key        TEXT    NOT NULL,
    period_start      INTEGER NOT NULL,
    period_end        INTEGER NOT NULL,
    prompt_message_id INTEGER,
    prompt_posted     INTEGER NOT NULL DEFAULT 0,
    summary_posted    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, owner, period_key)
);
INSERT INTO checkin_periods_new (guild_id, group_id, owner, period_key, period_start,
    period_end, prompt_message_id, prompt_posted, summary_posted)
SELECT guild_id, group_id, '', period_key, period_start, period_end, prompt_message_id,
    prompt_posted, summary_posted FROM checkin_periods;
DROP TABLE checkin_periods;
ALTER TABLE checkin_periods_new RENAME TO checkin_periods;
CREATE INDEX checkin_periods_open ON checkin_periods (group_id, owner, summary_posted, period_end);
CREATE INDEX checkin_periods_guild ON checkin_periods (guild_id, period_start);

CREATE TABLE checkin_nudges_new (
    guild_id   INTEGER NOT NULL,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    owner      TEXT    NOT NULL DEFAULT '',
    period_key TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    method     TEXT    NOT NULL DEFAULT 'dm',
    sent_at    REAL    NOT NULL,
    PRIMARY KEY (group_id, owner, period_key, user_id)
);
INSERT INTO checkin_nudges_new (guild_id, group_id, owner, period_key, user_id, method, sent_at)
SELECT guild_id, group_id, '', period_key, user_id, method, sent_at FROM checkin_nudges;
DROP TABLE checkin_nudges;
ALTER TABLE checkin_nudges_new RENAME TO checkin_nudges;

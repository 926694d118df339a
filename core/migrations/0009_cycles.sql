-- Club cycles (owned by cogs/cycles; rules: docs/rules.md, "Club cycles"): a group's
-- nominate → vote → read → meet rhythm. One row per cycle, one per period (its phase and
-- every side effect already made, so a job run twice after a crash makes nothing twice),
-- one per member nomination.

CREATE TABLE cycles (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    meet        TEXT    NOT NULL,          -- the slot as normalised text: "last thursday 19:00"
    cadence     TEXT    NOT NULL,          -- monthly, biweekly, weekly
    nominate_s  INTEGER NOT NULL,
    vote_s      INTEGER NOT NULL,
    checkins    INTEGER NOT NULL,
    per_member  INTEGER NOT NULL,
    timezone    TEXT    NOT NULL,
    anchor      TEXT    NOT NULL,          -- local ISO datetime of the first meeting (biweekly parity)
    status      TEXT    NOT NULL DEFAULT 'active',   -- active, stopped
    created_by  INTEGER NOT NULL,
    created_at  REAL    NOT NULL
);
CREATE UNIQUE INDEX cycles_one_active ON cycles (group_id) WHERE status = 'active';
CREATE INDEX cycles_by_guild ON cycles (guild_id, group_id);

CREATE TABLE cycle_periods (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    cycle_id        INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    -- nominating, voting, runoff, picked, reading, done, empty, skipped, stopped
    phase           TEXT    NOT NULL,
    opens_at        REAL    NOT NULL,
    nominate_until  REAL    NOT NULL,
    vote_until      REAL    NOT NULL,
    meet_at         REAL    NOT NULL,
    announce_msg    INTEGER,
    poll_id         INTEGER,
    runoff_poll_id  INTEGER,
    result_msg      INTEGER,               -- "no nominations" or the pick announcement
    pick            TEXT,
    pick_votes      INTEGER,
    event_id        INTEGER,
    checkins_set    INTEGER NOT NULL DEFAULT 0,
    going           INTEGER,
    UNIQUE (cycle_id, number)
);

CREATE TABLE cycle_nominations (
    id          INTEGER PRIMARY KEY,
    period_id   INTEGER NOT NULL REFERENCES cycle_periods(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    title_key   TEXT    NOT NULL,          -- casefolded, spaces collapsed: one title counts once
    note        TEXT    NOT NULL DEFAULT '',
    created_at  REAL    NOT NULL,
    UNIQUE (period_id, user_id, title_key)
);
CREATE INDEX cycle_nominations_by_period ON cycle_nominations (period_id, title_key);

-- Calendar feeds and one meeting of a series (owned by cogs/events).
--
-- A series keeps one row (0005); these columns let a feed describe it as one RRULE with
-- its exceptions: `series_start` is its first meeting (the RRULE's anchor, NULL for a
-- one-off), `occurrence_at` the rule's time of the current meeting when that meeting was
-- moved (NULL: `start_at` is it). `sequence`/`updated_at` are iCalendar's SEQUENCE and
-- LAST-MODIFIED, bumped by every change a calendar shows; `cancelled_at` keeps a
-- cancelled event in feeds for 30 days.
ALTER TABLE events ADD COLUMN series_start REAL;
ALTER TABLE events ADD COLUMN occurrence_at REAL;
ALTER TABLE events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN updated_at REAL;
ALTER TABLE events ADD COLUMN cancelled_at REAL;
UPDATE events SET series_start = start_at WHERE rrule IS NOT NULL;
UPDATE events SET updated_at = created_at;

-- One meeting of a series skipped or moved, by the rule's time of that meeting (UTC).
CREATE TABLE event_occurrences (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    slot_at    REAL    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('skipped', 'moved')),
    start_at   REAL,                                  -- moved: the meeting's new times
    end_at     REAL,
    changed_at REAL    NOT NULL,
    PRIMARY KEY (event_id, slot_at)
);

-- A member's private calendar link: only the SHA-256 of its secret is kept.
CREATE TABLE calendar_links (
    token_hash TEXT    PRIMARY KEY,                   -- hex SHA-256 of the link's secret
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    created_at REAL    NOT NULL
);
CREATE UNIQUE INDEX calendar_links_member ON calendar_links (guild_id, user_id);

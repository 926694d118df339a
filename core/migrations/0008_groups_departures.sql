-- Members who left the server (Discord answered Unknown Member, or a gateway member
-- query by id did not find them). Their membership ends, so the seat is free, they are
-- no longer listed under Missed or nudged, and the privacy filter (which reads
-- group_members) no longer lets them see the group. The departure is kept here for history.
CREATE TABLE group_departures (
    guild_id    INTEGER NOT NULL,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    was_leader  INTEGER NOT NULL DEFAULT 0,
    joined_at   REAL    NOT NULL,
    departed_at REAL    NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_departures_user ON group_departures (guild_id, user_id);

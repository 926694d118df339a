-- Groups (owned by cogs/groups). Other features reference groups(id) with ON DELETE CASCADE.

CREATE TABLE groups (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    name             TEXT    NOT NULL,
    name_key         TEXT    NOT NULL,          -- casefolded name: unique per server
    description      TEXT    NOT NULL DEFAULT '',
    visibility       TEXT    NOT NULL DEFAULT 'open'
                     CHECK (visibility IN ('open', 'request', 'invite')),
    max_members      INTEGER,                   -- NULL = server default
    timezone         TEXT,                      -- NULL = server's zone
    role_id          INTEGER,
    channel_id       INTEGER,
    voice_channel_id INTEGER,
    status           TEXT    NOT NULL DEFAULT 'active'
                     CHECK (status IN ('pending', 'active', 'archived')),
    broken           INTEGER NOT NULL DEFAULT 0, -- role/channel deleted by hand: /group repair
    voice            INTEGER NOT NULL DEFAULT 0, -- wants a voice channel (kept for approval, repair)
    created_by       INTEGER NOT NULL,
    created_at       REAL    NOT NULL,
    UNIQUE (guild_id, name_key)
);
CREATE INDEX groups_role ON groups (role_id);
CREATE INDEX groups_channel ON groups (channel_id);
CREATE INDEX groups_voice ON groups (voice_channel_id);

CREATE TABLE group_members (
    guild_id  INTEGER NOT NULL,
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    is_leader INTEGER NOT NULL DEFAULT 0,
    joined_at REAL    NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (guild_id, user_id);
CREATE INDEX group_members_leaders ON group_members (group_id, is_leader, user_id);

-- Join requests (visibility 'request') and manager approvals of new groups ('create').
-- The Approve/Deny buttons carry the request id, so they keep working after a restart.
CREATE TABLE group_requests (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL DEFAULT 'join' CHECK (kind IN ('join', 'create')),
    status     TEXT    NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'approved', 'denied', 'withdrawn')),
    channel_id INTEGER,
    message_id INTEGER,
    decided_by INTEGER,
    created_at REAL    NOT NULL
);
CREATE INDEX group_requests_pending ON group_requests (group_id, user_id, status);

-- Members waiting for a place in a full group, first come first served.
CREATE TABLE group_waitlist (
    guild_id INTEGER NOT NULL,
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    added_at REAL    NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_waitlist_order ON group_waitlist (group_id, added_at);

-- Making a poll or an event is keyed by a request id written before the side effect
-- (README, "Request ids"), so a rerun after a crash or a failure finds
-- what exists and completes it instead of making a second one. A keyed poll is `ready`
-- once its reactions are all added (its close is scheduled with its activation).
-- A cycle period remembers what its leaders were last told went wrong (told once).

ALTER TABLE polls ADD COLUMN request_id TEXT;
ALTER TABLE polls ADD COLUMN ready INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX polls_request ON polls (request_id) WHERE request_id IS NOT NULL;

ALTER TABLE events ADD COLUMN request_id TEXT;
ALTER TABLE events ADD COLUMN armed INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX events_request ON events (request_id) WHERE request_id IS NOT NULL;

ALTER TABLE cycle_periods ADD COLUMN told TEXT;

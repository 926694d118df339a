-- Polls (owned by cogs/polls): the job another feature asked for when a poll closes,
-- JSON {"kind": ..., "payload": {...}}; NULL = nobody is waiting. Scheduled in the same
-- transaction that marks the poll closed.

ALTER TABLE polls ADD COLUMN on_close TEXT;

-- How a poll made by another feature reads: a line above its options, a note
-- under each option, and whether polls announces its close (a cycle's ballot does not: the
-- cycle's pick announcement says who won). JSON; NULL = a plain poll.
ALTER TABLE polls ADD COLUMN presentation TEXT;

-- 0002: indexes for the job queue's claim query, and the system an audited change came from.
-- Shipped; never edit this file, add a new numbered one instead.

-- Claim scans only live jobs in id order; the partial index keeps done/dead history out of that
-- scan, so claiming stays cheap however many done jobs wait for PurgeDone.
CREATE INDEX jobs_active_by_id ON jobs (id) WHERE state IN ('pending', 'inflight');

-- The per-entity ordering check: "is there an earlier live job of this (target, entity)?"
CREATE INDEX jobs_active_by_entity ON jobs (target, entity_key, id) WHERE state IN ('pending', 'inflight');

-- Admin listing and PurgeDone.
CREATE INDEX jobs_by_state_done_at ON jobs (state, done_at);

-- "actor" is who (a user, a robot); "system" is where the change came from (onec, site, bitrix24, b2bsync).
ALTER TABLE audit ADD COLUMN system TEXT NOT NULL DEFAULT '';

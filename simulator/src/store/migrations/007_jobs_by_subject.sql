-- Migration 7: an instance's scheduled transition (`term_end`, `release`) and a message's `deliver`
-- job are found by their subject. Without this index each renewal, expiry and release read every
-- job the store holds to replace or cancel the instance's transition.
CREATE INDEX jobs_by_subject ON jobs (subject, kind);

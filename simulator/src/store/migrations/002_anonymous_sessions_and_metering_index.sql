-- Migration 2: what the builds after 9515748 added by running `CREATE ... IF NOT EXISTS` on every
-- open. A store at user_version 1 is of either kind: one 9515748 wrote, which lacks these, or one a
-- later build wrote, which holds them already; `IF NOT EXISTS` makes this right for both, and the
-- text is theirs, so both end with the same schema as a new store.
CREATE TABLE IF NOT EXISTS anonymous_sessions (token TEXT PRIMARY KEY, csrf TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS metering_records_by_instance ON metering_records (instance_id, received_at);

-- Left in stores of builds before 9515748, which every open since dropped.
DROP INDEX IF EXISTS metering_records_by_receipt;
DROP TABLE IF EXISTS metering_pushes;

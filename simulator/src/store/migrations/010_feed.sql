-- Migration 10: the billing feed. Every bill line, metering record and refused push is an entry at
-- an offset. Lines and records stay in their own tables: a row of `feed_segments` maps `count`
-- offsets from `start` to as many consecutive rowids of one table from `first_row` (`source`: 0 a
-- bill line, 1 a metering record, 2 a refused push) — a bill run's lines, or a push's records, are
-- written together with consecutive rowids, so the feed costs a row per write, not per entry.
-- `feed_refusals` holds refused pushes, each under its offset, the latest of each vendor kept.
-- Lines and records a store held before this migration are not in the feed.
CREATE TABLE feed_segments (
    start INTEGER PRIMARY KEY, source INTEGER NOT NULL, first_row INTEGER NOT NULL,
    count INTEGER NOT NULL);
CREATE TABLE feed_refusals (
    id INTEGER PRIMARY KEY, vendor TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
    records INTEGER, instances TEXT NOT NULL, metering TEXT NOT NULL, truncated INTEGER NOT NULL,
    at INTEGER NOT NULL);
CREATE INDEX feed_refusals_by_vendor ON feed_refusals (vendor, id);

-- Migration 9: when an instance last expired (epoch ms), so that usage of a window that began before
-- the expiry is still billed when it arrives afterwards (contract §3.3.1: an instance expired at
-- 12:20 is billed for 12:00–13:00, not for 13:00–14:00). NULL for an instance that never expired,
-- and for those a store held expired before this migration: their late usage stays unbilled.
ALTER TABLE instances ADD COLUMN expired_at INTEGER;

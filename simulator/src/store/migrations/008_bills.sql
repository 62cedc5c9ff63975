-- Migration 8: bills. A metering record waits for its bill run until `bill_at` (epoch ms; NULL once
-- billed, and for data that is never billed — an expired instance's, or records a store held before
-- bills existed). `bill_lines` are the buyers' bills: pay-as-you-go usage per instance, billing item
-- and bill window, orders, refunds and adjustments, each in an Asia/Shanghai month (`month`,
-- yyyy-MM), amounts CNY as decimal text. `balances` is each buyer's account balance once anything
-- has touched it (before that, the world's); `payments` what was added to it (充值).
ALTER TABLE metering_records ADD COLUMN bill_at INTEGER;
CREATE INDEX metering_records_to_bill ON metering_records (bill_at) WHERE bill_at IS NOT NULL;
CREATE TABLE bill_lines (
    id INTEGER PRIMARY KEY, ali_uid TEXT NOT NULL, month TEXT NOT NULL, kind TEXT NOT NULL,
    product_code TEXT NOT NULL, instance_id TEXT NOT NULL, sku_id TEXT NOT NULL, order_id TEXT,
    item TEXT NOT NULL, metering_key TEXT, metering_assit TEXT, window_start INTEGER, window_end INTEGER,
    usage TEXT, unit_price TEXT, amount TEXT NOT NULL, records INTEGER NOT NULL, duplicates INTEGER NOT NULL,
    billed_at INTEGER NOT NULL);
CREATE INDEX bill_lines_by_buyer ON bill_lines (ali_uid, month, id);
CREATE TABLE balances (ali_uid TEXT PRIMARY KEY, balance TEXT NOT NULL);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY, ali_uid TEXT NOT NULL, amount TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX payments_by_buyer ON payments (ali_uid, id);

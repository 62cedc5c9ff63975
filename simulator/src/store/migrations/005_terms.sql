-- Migration 5: terms. An order records the term it paid for (`starts_at`..`ends_at`, epoch ms;
-- `months` for a subscription's 购买时长, NULL for pay-as-you-go and trials), what it cost (`price`,
-- CNY as decimal text), the extra billing items chosen (`extras`, a JSON object of counts) and
-- whether it was refunded (`order_status` NORMAL or REFUND). An instance records when its term ends
-- (`expires_at`, NULL for pay-as-you-go) and the extra items it has now. Rows a store holds already
-- are pay-as-you-go purchases: their defaults say so.
ALTER TABLE orders ADD COLUMN months INTEGER;
ALTER TABLE orders ADD COLUMN starts_at INTEGER;
ALTER TABLE orders ADD COLUMN ends_at INTEGER;
ALTER TABLE orders ADD COLUMN price TEXT NOT NULL DEFAULT '0.00';
ALTER TABLE orders ADD COLUMN extras TEXT NOT NULL DEFAULT '{}';
ALTER TABLE orders ADD COLUMN order_status TEXT NOT NULL DEFAULT 'NORMAL';
CREATE INDEX orders_by_instance ON orders (instance_id, created_at);
ALTER TABLE instances ADD COLUMN expires_at INTEGER;
ALTER TABLE instances ADD COLUMN extras TEXT NOT NULL DEFAULT '{}';

-- Migration 5: 免费额度 as money, spent on usage before it is pushed.
--
-- `orgs.free_credit` becomes the credit the organisation has left, a decimal in CNY written as text
-- (`345.30`): exact, where the REAL it replaces was not. The credit each organisation had is kept.
--
-- `usage_hours` gains, for each cluster's hour, what the hour cost (`amount`, CNY truncated to the
-- fen per metering item, as the marketplace rates it; NULL when the SKU had no prices or for rows
-- older than prices), the credit spent on it (`credit`), and the values pushed after that credit
-- (`pushed_compute`, `pushed_storage`; those older rows pushed all they accrued). An hour the credit
-- covered whole is pushed by no request: `request_id` may now be NULL, so the table is made again,
-- every row kept.
ALTER TABLE orgs ADD COLUMN credit TEXT NOT NULL DEFAULT '0';
UPDATE orgs SET credit = CAST(free_credit AS TEXT);
ALTER TABLE orgs DROP COLUMN free_credit;
ALTER TABLE orgs RENAME COLUMN credit TO free_credit;

CREATE TABLE usage_rows (
    org_id TEXT NOT NULL, hour INTEGER NOT NULL, cluster_id TEXT NOT NULL, seconds INTEGER NOT NULL,
    compute INTEGER NOT NULL, storage INTEGER NOT NULL, amount TEXT, credit TEXT NOT NULL,
    pushed_compute INTEGER NOT NULL, pushed_storage INTEGER NOT NULL, request_id INTEGER,
    PRIMARY KEY (org_id, hour, cluster_id)) WITHOUT ROWID;
INSERT INTO usage_rows (org_id, hour, cluster_id, seconds, compute, storage, amount, credit,
        pushed_compute, pushed_storage, request_id)
    SELECT org_id, hour, cluster_id, seconds, compute, storage, NULL, '0', compute, storage, request_id
    FROM usage_hours;
DROP TABLE usage_hours;
ALTER TABLE usage_rows RENAME TO usage_hours;

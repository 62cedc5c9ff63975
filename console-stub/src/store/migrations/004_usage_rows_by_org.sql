-- Migration 4: usage rows kept lean, in the order they are read.
--
-- `usage_requests` gains the compute and storage values its records carry, summed when it is made,
-- so reading the push log is a join per attempt rather than a sum over the request's hour.
--
-- `usage_hours` keeps what each cluster ran in each hour it ran — seconds running and the values
-- pushed for compute and storage — and the request that carries it. The record's marketplace
-- instance is its cluster's instance's, and its SerialNo is made from the cluster and the hour, so
-- neither is kept. Rows are kept by organisation, hour and cluster, the order its pages and totals
-- read them in (a cluster is of one organisation, so a cluster has one row an hour), and in nothing
-- else: a request's rows are found from its instances' clusters. A row is written, a thousand an
-- hour, from the cluster it names in the transaction that read the cluster; declaring its
-- organisation, cluster and request as references would check them again, which cost a third of
-- writing the hour. Every row a store holds is kept.
ALTER TABLE usage_requests ADD COLUMN compute INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_requests ADD COLUMN storage INTEGER NOT NULL DEFAULT 0;
UPDATE usage_requests SET
    compute = (SELECT coalesce(sum(u.compute), 0) FROM usage_hours u WHERE u.request_id = usage_requests.id),
    storage = (SELECT coalesce(sum(u.storage), 0) FROM usage_hours u WHERE u.request_id = usage_requests.id);

CREATE TABLE usage_rows (
    org_id TEXT NOT NULL, hour INTEGER NOT NULL, cluster_id TEXT NOT NULL, seconds INTEGER NOT NULL,
    compute INTEGER NOT NULL, storage INTEGER NOT NULL, request_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, hour, cluster_id)) WITHOUT ROWID;
INSERT INTO usage_rows (org_id, hour, cluster_id, seconds, compute, storage, request_id)
    SELECT org_id, hour, cluster_id, seconds, compute, storage, request_id FROM usage_hours;
DROP TABLE usage_hours;
ALTER TABLE usage_rows RENAME TO usage_hours;

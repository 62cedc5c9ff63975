-- Migration 2: clusters, and what the marketplace's lifecycle actions leave on an instance.
--
-- An instance is `active`, `frozen` (expiredInstance: clusters kept, not running) or `released`
-- (releaseInstance: clusters deleted, organisation unbound; `released_org_id` keeps which one it
-- paid for). `expired_on` is the expiry the marketplace last sent, as it wrote it; `extras` the
-- extra billing items of the last createInstance or upgradeInstance, as JSON.
ALTER TABLE instances ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE instances ADD COLUMN expired_on TEXT;
ALTER TABLE instances ADD COLUMN extras TEXT NOT NULL DEFAULT '{}';
ALTER TABLE instances ADD COLUMN released_at INTEGER;
ALTER TABLE instances ADD COLUMN released_org_id TEXT REFERENCES orgs(id);
ALTER TABLE instances ADD COLUMN is_refund TEXT;

-- Why an event happened: who did it, or which marketplace action (empty for older events).
ALTER TABLE events ADD COLUMN why TEXT NOT NULL DEFAULT '';

-- A cluster belongs to an organisation and to the instance that paid for it when it was created.
-- `status`: running, frozen or deleted (a deleted cluster stays, for its usage and the 回收站).
CREATE TABLE clusters (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id),
    instance_id TEXT NOT NULL REFERENCES instances(id), name TEXT NOT NULL, plan TEXT NOT NULL,
    status TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT REFERENCES users(id),
    deleted_at INTEGER);
CREATE INDEX clusters_by_org ON clusters (org_id, status);
CREATE INDEX clusters_by_instance ON clusters (instance_id, status);

-- When each cluster ran: a run starts when the cluster is created or restored and ends when it is
-- frozen or deleted (`ended_at` NULL while it runs). Usage is what runs overlap an hour.
CREATE TABLE cluster_runs (
    cluster_id TEXT NOT NULL REFERENCES clusters(id), started_at INTEGER NOT NULL, ended_at INTEGER);
CREATE INDEX cluster_runs_by_end ON cluster_runs (ended_at);

-- orderPay notifications, recorded once per requestId.
CREATE TABLE payments (
    request_id TEXT PRIMARY KEY, order_biz_id TEXT NOT NULL, order_id TEXT NOT NULL,
    sku_id TEXT NOT NULL, instance_id TEXT REFERENCES instances(id), at INTEGER NOT NULL);

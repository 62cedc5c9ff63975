-- Migration 3: the usage the console reports to the marketplace, hour by hour (PushMeteringData).
--
-- `usage_requests`: each request, with its `Metering` text exactly as every attempt sends it, the
-- hour it reports (`hour`: the window's StartTime, Unix seconds), how many records of which
-- marketplace instances it carries and their compute and storage values summed, and where it stands: `pending` (`next_attempt_at` set),
-- `pushed`, `refused` (`code`), `late` (the marketplace's deadline passed) or `split` (refused for
-- one of several instances, its records sent again one instance per request). `last_error` is the
-- last failure's text, for whoever investigates.
CREATE TABLE usage_requests (
    id INTEGER PRIMARY KEY, hour INTEGER NOT NULL, metering TEXT NOT NULL,
    records INTEGER NOT NULL, instances TEXT NOT NULL, compute INTEGER NOT NULL,
    storage INTEGER NOT NULL, status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, code TEXT, last_error TEXT);
CREATE INDEX usage_requests_due ON usage_requests (next_attempt_at) WHERE status = 'pending';

-- `usage_hours`: what each cluster ran in each hour it ran — seconds running and the values pushed for
-- compute and storage — and the request that carries it. The record's marketplace instance is its
-- cluster's instance's, and its SerialNo is made from the cluster and the hour, so neither is kept.
-- Kept by organisation, hour and cluster, the order its pages and totals read it in (a cluster is
-- of one organisation, so a cluster has one row an hour), and in nothing else: a request's rows are
-- found from its instances' clusters. A row is written, a thousand an hour, from the cluster it
-- names in the transaction that read the cluster; declaring its organisation, cluster and request
-- as references would check them again, which cost a third of writing the hour.
CREATE TABLE usage_hours (
    org_id TEXT NOT NULL, hour INTEGER NOT NULL, cluster_id TEXT NOT NULL, seconds INTEGER NOT NULL,
    compute INTEGER NOT NULL, storage INTEGER NOT NULL, request_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, hour, cluster_id)) WITHOUT ROWID;

-- `usage_pushes`: what happened to the requests, in order. Each attempt (`attempt` ≥ 1): the
-- answer (`pushed`, `throttled`, `server_error`, `timeout`, `unreachable`, `refused`), its code and
-- HTTP status, and the request's status after it (with the next attempt while pending). A request
-- given up late without another attempt has a row with the answer `none`.
CREATE TABLE usage_pushes (
    seq INTEGER PRIMARY KEY, request_id INTEGER NOT NULL REFERENCES usage_requests(id),
    attempt INTEGER NOT NULL, at INTEGER NOT NULL, answer TEXT NOT NULL, code TEXT,
    http_status INTEGER, status TEXT NOT NULL, next_attempt_at INTEGER);

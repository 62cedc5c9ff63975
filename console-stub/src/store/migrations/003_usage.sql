-- Migration 3: the usage the console reports to the marketplace, hour by hour (PushMeteringData).
--
-- `usage_requests`: each request, with its `Metering` text exactly as every attempt sends it, the
-- hour it reports (`hour`: the window's StartTime, Unix seconds), how many records of which
-- marketplace instances it carries, and where it stands: `pending` (`next_attempt_at` set),
-- `pushed`, `refused` (`code`), `late` (the marketplace's deadline passed) or `split` (refused for
-- one of several instances, its records sent again one instance per request). `last_error` is the
-- last failure's text, for whoever investigates.
CREATE TABLE usage_requests (
    id INTEGER PRIMARY KEY, hour INTEGER NOT NULL, metering TEXT NOT NULL,
    records INTEGER NOT NULL, instances TEXT NOT NULL, status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, code TEXT, last_error TEXT);
CREATE INDEX usage_requests_due ON usage_requests (next_attempt_at) WHERE status = 'pending';

-- `usage_hours`: what each cluster ran in each hour it ran — seconds running, the values pushed for
-- compute and storage, the record's SerialNo — and the request that carries it.
CREATE TABLE usage_hours (
    hour INTEGER NOT NULL, cluster_id TEXT NOT NULL REFERENCES clusters(id),
    org_id TEXT NOT NULL REFERENCES orgs(id), instance_id TEXT NOT NULL REFERENCES instances(id),
    marketplace_instance TEXT NOT NULL, seconds INTEGER NOT NULL, compute INTEGER NOT NULL,
    storage INTEGER NOT NULL, serial_no TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES usage_requests(id),
    PRIMARY KEY (hour, cluster_id));
CREATE INDEX usage_hours_by_org ON usage_hours (org_id, hour);

-- `usage_pushes`: what happened to the requests, in order. Each attempt (`attempt` ≥ 1): the
-- answer (`pushed`, `throttled`, `server_error`, `timeout`, `unreachable`, `refused`), its code and
-- HTTP status, and the request's status after it (with the next attempt while pending). A request
-- given up late without another attempt has a row with the answer `none`.
CREATE TABLE usage_pushes (
    seq INTEGER PRIMARY KEY, request_id INTEGER NOT NULL REFERENCES usage_requests(id),
    attempt INTEGER NOT NULL, at INTEGER NOT NULL, answer TEXT NOT NULL, code TEXT,
    http_status INTEGER, status TEXT NOT NULL, next_attempt_at INTEGER);

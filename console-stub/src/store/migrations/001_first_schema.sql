-- Migration 1: the console's schema as every build before migrations ran it on each open, frozen.
-- Those builds never set user_version, so their stores read 0 and run this once more: `IF NOT
-- EXISTS` makes it a no-op on them (their tables are these) and the whole schema on an empty
-- database, and the text is theirs, so both end with the same schema.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,
    password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, free_credit REAL NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    org_id TEXT NOT NULL REFERENCES orgs(id), user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (org_id, user_id));
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), name TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, user_id TEXT REFERENCES users(id), csrf TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY, order_biz_id TEXT NOT NULL UNIQUE, order_id TEXT NOT NULL, ali_uid TEXT NOT NULL,
    sku_id TEXT NOT NULL, params TEXT NOT NULL, created_at INTEGER NOT NULL,
    org_id TEXT UNIQUE REFERENCES orgs(id), bound_by TEXT REFERENCES users(id), bound_at INTEGER);
CREATE TABLE IF NOT EXISTS handoffs (
    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL REFERENCES instances(id), created_at INTEGER NOT NULL);

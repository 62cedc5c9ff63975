-- Migration 1: the schema commit 9515748 made of an empty database (its core batch, then each
-- OpenAPI family's), frozen. Every store written before migrations holds it at user_version 1.
-- Statements are as that build wrote them: SQLite keeps each CREATE's text in sqlite_schema, so a
-- store that build made and a new one read the same.

-- the marketplace: orders, instances, scheduled jobs, SPI deliveries, buyers' sessions
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE orders (
    order_id TEXT PRIMARY KEY, ali_uid TEXT NOT NULL, product_code TEXT NOT NULL, sku_id TEXT NOT NULL,
    order_type TEXT NOT NULL, pay_status TEXT NOT NULL, instance_id TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE instances (
    instance_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, ali_uid TEXT NOT NULL, product_code TEXT NOT NULL,
    sku_id TEXT NOT NULL, status TEXT NOT NULL, vendor_instance_id TEXT, app_info TEXT, host_info TEXT,
    info TEXT, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, failure TEXT,
    created_at INTEGER NOT NULL, opened_at INTEGER);
CREATE INDEX instances_by_buyer ON instances (ali_uid, created_at);
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, due_at INTEGER NOT NULL, kind TEXT NOT NULL,
    subject TEXT NOT NULL, attempt INTEGER NOT NULL);
CREATE INDEX jobs_by_due ON jobs (due_at, id);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, action TEXT NOT NULL,
    attempt INTEGER NOT NULL, at INTEGER NOT NULL, url TEXT NOT NULL, params TEXT NOT NULL,
    outcome TEXT NOT NULL, status INTEGER, body TEXT, elapsed_ms INTEGER NOT NULL);
CREATE INDEX deliveries_by_instance ON deliveries (instance_id, id);
CREATE TABLE sessions (token TEXT PRIMARY KEY, login TEXT NOT NULL, csrf TEXT NOT NULL);

-- OpenAPI instances family
CREATE TABLE openapi_client_tokens (
    ali_uid TEXT NOT NULL, client_token TEXT NOT NULL, request TEXT NOT NULL, order_id TEXT NOT NULL,
    created_at INTEGER NOT NULL, PRIMARY KEY (ali_uid, client_token));
CREATE TABLE openapi_auto_renewals (
    instance_id TEXT PRIMARY KEY, cycle TEXT NOT NULL, duration INTEGER NOT NULL,
    updated_at INTEGER NOT NULL);
CREATE TABLE openapi_instance_images (
    ecs_instance_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, image_id TEXT NOT NULL);

-- metering family. `metering_records.id` is a plain rowid (no AUTOINCREMENT, which costs a write of
-- sqlite_sequence per insert): records are only ever deleted all at once by a reset, so ids still
-- rise in the order received, which is all the records are listed by.
CREATE TABLE metering_records (
    id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, product_code TEXT NOT NULL,
    start_time INTEGER NOT NULL, end_time INTEGER NOT NULL, metering_key TEXT NOT NULL,
    value INTEGER NOT NULL, metering_assit TEXT NOT NULL, serial_no TEXT,
    received_at INTEGER NOT NULL, billable INTEGER NOT NULL);
CREATE TABLE times_usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT, vendor TEXT NOT NULL, client_token TEXT,
    instance_id TEXT NOT NULL, ali_uid TEXT NOT NULL, product_code TEXT NOT NULL,
    times INTEGER NOT NULL, adjust INTEGER NOT NULL, adjust_date INTEGER, mark TEXT,
    received_at INTEGER NOT NULL, answer TEXT NOT NULL);
CREATE INDEX times_usage_by_token ON times_usage (vendor, client_token, received_at);
CREATE INDEX times_usage_by_buyer ON times_usage (ali_uid, product_code);
CREATE TABLE api_packages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ali_uid TEXT NOT NULL, product_code TEXT NOT NULL,
    package_type INTEGER NOT NULL, capacity INTEGER NOT NULL, used INTEGER NOT NULL, unit TEXT NOT NULL);
CREATE INDEX api_packages_by_buyer ON api_packages (ali_uid, product_code);

-- notifications family
CREATE TABLE failed_notifications (
    notification_request_id TEXT PRIMARY KEY, product_code TEXT NOT NULL, action TEXT NOT NULL,
    create_time INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX failed_notifications_by_time ON failed_notifications (create_time);
CREATE TABLE cross_account_tokens (
    token TEXT PRIMARY KEY, vendor TEXT NOT NULL, ali_uid TEXT NOT NULL, roles TEXT NOT NULL,
    issued_at INTEGER NOT NULL, used_at INTEGER);

-- licenses family
CREATE TABLE market_licenses (
    license_code TEXT PRIMARY KEY, product_code TEXT NOT NULL, sku_id TEXT NOT NULL,
    instance_id TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,
    activated_at INTEGER, expires_at INTEGER NOT NULL, ali_uid TEXT NOT NULL,
    account_quantity INTEGER NOT NULL, email TEXT NOT NULL, mobile TEXT NOT NULL,
    identification TEXT, attributes TEXT NOT NULL);

-- catalog family (invoices)
CREATE TABLE market_invoices (
    id INTEGER PRIMARY KEY, invoice_id TEXT NOT NULL, product_code TEXT NOT NULL, aliyun_pk TEXT NOT NULL,
    status INTEGER NOT NULL, type INTEGER NOT NULL, material_type INTEGER NOT NULL, title TEXT NOT NULL,
    price TEXT NOT NULL, created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, user_notice TEXT NOT NULL,
    check_notice TEXT NOT NULL, number TEXT, electron_url TEXT, receipt TEXT NOT NULL, address TEXT NOT NULL,
    orders TEXT NOT NULL);

-- projects family
CREATE TABLE market_projects (
    instance_id TEXT PRIMARY KEY, order_id INTEGER NOT NULL, product_code TEXT NOT NULL, sku_id TEXT NOT NULL,
    sku_name TEXT NOT NULL, customer_ali_uid TEXT NOT NULL, supplier_ali_uid TEXT NOT NULL,
    template_id INTEGER NOT NULL, template_type TEXT NOT NULL, status TEXT NOT NULL,
    current_step INTEGER NOT NULL, finish_type TEXT, created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL, finished_at INTEGER);
CREATE TABLE market_project_nodes (
    instance_id TEXT NOT NULL, node_id INTEGER NOT NULL, step_no INTEGER NOT NULL, name TEXT NOT NULL,
    status TEXT NOT NULL, operator_role TEXT NOT NULL, allow_rollback INTEGER NOT NULL,
    need_attachment INTEGER NOT NULL, template_form TEXT NOT NULL, started_at INTEGER, finished_at INTEGER,
    PRIMARY KEY (instance_id, node_id));
CREATE TABLE market_project_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL,
    operator_role TEXT NOT NULL, text TEXT NOT NULL, node_id INTEGER, extra TEXT);
CREATE INDEX market_project_entries_by_instance ON market_project_entries (instance_id, kind, id);

//! The `usage_requests`, `usage_hours` and `usage_pushes` tables: the usage the console reports,
//! stored before it is pushed. Each hour's usage is a row per cluster that ran ([`UsageHour`]),
//! carried by a PushMeteringData request ([`UsageRequest`]) whose `Metering` text is kept as
//! every attempt sends it; [`Push`] is the log of what each attempt got. Also how far usage has
//! been reckoned (`meta` key `usage_through`) and the runs an hour's usage is reckoned from
//! ([`Db::hour_runs`], read across `cluster_runs`, `clusters` and `instances`). A row also keeps
//! what its hour cost, the 免费额度 spent on it and what was pushed after that; an hour the credit
//! covered whole is carried by no request. How usage accrues, how credit is spent and when a
//! request is tried again are rules, above the store (module `usage`).

use super::{instant, millis, money, money_or_none, Db, StoreError, Tx};
use protocol::time::Instant;
use rusqlite::{params, OptionalExtension, Row, ToSql};
use rust_decimal::Decimal;

/// Where `meta` keeps the end of the last hour whose usage was reckoned.
const THROUGH_KEY: &str = "usage_through";

/// Usage rows stored by one INSERT (of 11 values each).
pub const HOURS_A_STATEMENT: usize = 100;

/// A run of a cluster that overlaps an hour, with what its usage is reckoned from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourRun {
    pub cluster_id: String,
    pub org_id: String,
    /// The marketplace's id of the instance that pays for the cluster (its `orderBizId`): the
    /// pushed `InstanceId`.
    pub marketplace_instance: String,
    /// The SKU the instance is on now: a subscription's clusters are not metered.
    pub sku_id: String,
    pub plan: String,
    pub started: Instant,
    pub ended: Option<Instant>,
}

/// What one cluster ran in one hour, what it cost, and what was pushed of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageHour {
    /// The hour's start: the pushed `StartTime`.
    pub hour: Instant,
    pub cluster_id: String,
    pub org_id: String,
    /// The marketplace's id of the cluster's instance: the pushed `InstanceId` (its cluster's,
    /// read with it, not stored with the hour).
    pub marketplace_instance: String,
    /// Seconds it ran in the hour.
    pub seconds: i64,
    /// The compute item's value (CU·seconds).
    pub compute: i64,
    /// The storage item's value (GB·hours).
    pub storage: i64,
    /// What the hour cost in CNY, each item priced and truncated to the fen as the marketplace
    /// rates it; None when its SKU has no prices.
    pub amount: Option<Decimal>,
    /// The 免费额度 spent on it.
    pub credit: Decimal,
    /// The values pushed, after the credit: `compute` and `storage` when none was spent, 0 and 0
    /// when it covered the hour.
    pub pushed_compute: i64,
    pub pushed_storage: i64,
}

impl UsageHour {
    /// Whether anything of the hour is left to push.
    pub fn to_push(&self) -> bool {
        self.pushed_compute > 0 || self.pushed_storage > 0
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The marketplace answered Success.
    Pushed,
    /// The marketplace refused it; it is not tried again.
    Refused,
    /// Given up: the marketplace's deadline for its hour passed.
    Late,
    /// Refused while it carried several instances: its records went on in one request per
    /// instance.
    Split,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Pushed => "pushed",
            RequestStatus::Refused => "refused",
            RequestStatus::Late => "late",
            RequestStatus::Split => "split",
        }
    }

    fn parse(s: &str) -> RequestStatus {
        match s {
            "pending" => RequestStatus::Pending,
            "pushed" => RequestStatus::Pushed,
            "refused" => RequestStatus::Refused,
            "split" => RequestStatus::Split,
            _ => RequestStatus::Late,
        }
    }
}

/// A PushMeteringData request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRequest {
    pub id: i64,
    pub hour: Instant,
    /// The `Metering` text, sent as it is on every attempt.
    pub metering: String,
    pub records: u32,
    /// The marketplace instances it names, in the order of its records.
    pub instances: Vec<String>,
    pub status: RequestStatus,
    pub attempts: u32,
    pub next_attempt: Option<Instant>,
    /// The marketplace's code, of a refusal or the last failed attempt.
    pub code: Option<String>,
    pub last_error: Option<String>,
}

/// A request about to be stored.
#[derive(Debug, Clone, Copy)]
pub struct NewRequest<'a> {
    pub hour: Instant,
    pub metering: &'a str,
    pub records: u32,
    pub instances: &'a [String],
    /// The compute and storage values its records carry, summed.
    pub compute: i64,
    pub storage: i64,
    /// Pending (due at `next_attempt`), or late already.
    pub status: RequestStatus,
    pub next_attempt: Option<Instant>,
}

/// What one attempt at a request got, or a request given up late without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub seq: i64,
    pub request_id: i64,
    pub hour: Instant,
    pub records: u32,
    pub instances: Vec<String>,
    /// The compute and storage values its records carry, summed.
    pub compute: i64,
    pub storage: i64,
    /// 1 for the first attempt; for a give-up without an attempt, the attempts made before.
    pub attempt: u32,
    pub at: Instant,
    /// `pushed`, `throttled`, `server_error`, `timeout`, `unreachable`, `refused`, or `none`.
    pub answer: String,
    pub code: Option<String>,
    pub http_status: Option<u16>,
    /// The request's status after it.
    pub status: RequestStatus,
    pub next_attempt: Option<Instant>,
}

/// An attempt's consequence, to record: the log row and the request's new standing.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    pub request_id: i64,
    /// The attempt's number, or the attempts made for a give-up without one.
    pub attempt: u32,
    pub at: Instant,
    pub answer: &'a str,
    pub code: Option<&'a str>,
    pub http_status: Option<u16>,
    pub error: Option<&'a str>,
    pub status: RequestStatus,
    pub next_attempt: Option<Instant>,
}

/// A row of 用量明细: an hour of a cluster, and how its request stands (None: the credit covered
/// it, and nothing was to be pushed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageLine {
    pub usage: UsageHour,
    pub cluster_name: String,
    pub status: Option<RequestStatus>,
    pub attempts: u32,
    pub code: Option<String>,
}

/// One instance's usage of one hour as the marketplace accepted it, summed over its clusters: what
/// the marketplace's bill line of each item sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedHour {
    pub marketplace_instance: String,
    /// The SKU the instance is on now, which the marketplace prices by.
    pub sku_id: String,
    pub hour: Instant,
    pub compute: i64,
    pub storage: i64,
}

/// An organisation's usage over a stretch of hours, summed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageTotals {
    /// Of the hours the marketplace accepted.
    pub pushed_compute: i64,
    pub pushed_storage: i64,
    /// Cluster-hours not (or not yet) accepted: pending, refused or late.
    pub unpushed_hours: i64,
}

fn secs(t: Instant) -> i64 {
    t.timestamp()
}

fn from_secs(s: i64) -> Instant {
    chrono::DateTime::from_timestamp(s, 0).unwrap_or_default()
}

fn instances_column(instances: &[String]) -> String {
    instances.join(",")
}

fn instances_of(column: &str) -> Vec<String> {
    column
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

const REQUEST_COLUMNS: &str =
    "id, hour, metering, records, instances, status, attempts, next_attempt_at, code, last_error";

fn request_row(r: &Row<'_>) -> rusqlite::Result<UsageRequest> {
    Ok(UsageRequest {
        id: r.get(0)?,
        hour: from_secs(r.get(1)?),
        metering: r.get(2)?,
        records: r.get(3)?,
        instances: instances_of(&r.get::<_, String>(4)?),
        status: RequestStatus::parse(&r.get::<_, String>(5)?),
        attempts: r.get(6)?,
        next_attempt: r.get::<_, Option<i64>>(7)?.map(instant),
        code: r.get(8)?,
        last_error: r.get(9)?,
    })
}

/// The usage rows with their clusters (`c`) and their instances (`i`).
const USAGE_TABLES: &str =
    "usage_hours u JOIN clusters c ON c.id = u.cluster_id JOIN instances i ON i.id = c.instance_id";

const USAGE_COLUMNS: &str = "u.hour, u.cluster_id, u.org_id, i.order_biz_id, u.seconds, u.compute, u.storage,
    u.amount, u.credit, u.pushed_compute, u.pushed_storage";

/// How many columns [`USAGE_COLUMNS`] names.
const USAGE_WIDTH: usize = 11;

fn usage_row(r: &Row<'_>) -> rusqlite::Result<UsageHour> {
    Ok(UsageHour {
        hour: from_secs(r.get(0)?),
        cluster_id: r.get(1)?,
        org_id: r.get(2)?,
        marketplace_instance: r.get(3)?,
        seconds: r.get(4)?,
        compute: r.get(5)?,
        storage: r.get(6)?,
        amount: money_or_none(r, 7)?,
        credit: money(r, 8)?,
        pushed_compute: r.get(9)?,
        pushed_storage: r.get(10)?,
    })
}

impl Db {
    /// The end of the last hour whose usage was reckoned, if any was.
    pub fn usage_through(&self) -> Result<Option<Instant>, StoreError> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [THROUGH_KEY], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(value.and_then(|v| v.parse().ok()).map(instant))
    }

    /// Every run that overlaps `[from, to)`, with its cluster's organisation, plan and instance,
    /// by cluster then start.
    pub fn hour_runs(&self, from: Instant, to: Instant) -> Result<Vec<HourRun>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.cluster_id, c.org_id, i.order_biz_id, c.plan, r.started_at, r.ended_at, i.sku_id
             FROM cluster_runs r JOIN clusters c ON c.id = r.cluster_id JOIN instances i ON i.id = c.instance_id
             WHERE r.started_at < ?2 AND (r.ended_at IS NULL OR r.ended_at > ?1)
             ORDER BY r.cluster_id, r.started_at",
        )?;
        let rows = stmt.query_map(params![millis(from), millis(to)], |r| {
            Ok(HourRun {
                cluster_id: r.get(0)?,
                org_id: r.get(1)?,
                marketplace_instance: r.get(2)?,
                sku_id: r.get(6)?,
                plan: r.get(3)?,
                started: instant(r.get(4)?),
                ended: r.get::<_, Option<i64>>(5)?.map(instant),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many rows the connection has changed since it was opened: unchanged, nothing was
    /// written (a cheap way to know a cached answer still holds).
    pub fn changes(&self) -> u64 {
        self.conn.total_changes()
    }

    /// The pending requests due at or before `now`, earliest first (in the order made, when due
    /// together).
    pub fn due_usage_requests(&self, now: Instant) -> Result<Vec<UsageRequest>, StoreError> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM usage_requests
             WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![millis(now)], request_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When the earliest pending request is due.
    pub fn next_usage_attempt(&self) -> Result<Option<Instant>, StoreError> {
        let next: Option<i64> = self.conn.query_row(
            "SELECT min(next_attempt_at) FROM usage_requests WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?;
        Ok(next.map(instant))
    }

    /// The request `id`.
    pub fn usage_request(&self, id: i64) -> Result<Option<UsageRequest>, StoreError> {
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM usage_requests WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], request_row).optional()?)
    }

    /// Every request, in the order made.
    pub fn usage_requests(&self) -> Result<Vec<UsageRequest>, StoreError> {
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM usage_requests ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], request_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The usage `request` carries, in the order of its records: instance by instance, the hour of
    /// each of the instance's clusters that the request carries, by cluster.
    pub fn usage_of_request(&self, request: &UsageRequest) -> Result<Vec<UsageHour>, StoreError> {
        let sql = format!(
            "SELECT {USAGE_COLUMNS} FROM instances i JOIN clusters c ON c.instance_id = i.id
             JOIN usage_hours u ON u.org_id = c.org_id AND u.hour = ?2 AND u.cluster_id = c.id
             WHERE i.order_biz_id = ?1 AND u.request_id = ?3 ORDER BY u.cluster_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut usage = Vec::new();
        for instance in &request.instances {
            let rows = stmt.query_map(params![instance, secs(request.hour), request.id], usage_row)?;
            for row in rows {
                usage.push(row?);
            }
        }
        Ok(usage)
    }

    /// A page of `org_id`'s usage, latest hour first (clusters by name within an hour), and how
    /// many rows there are in all.
    pub fn usage_lines(
        &self,
        org_id: &str,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<UsageLine>, u64), StoreError> {
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM usage_hours WHERE org_id = ?1",
            [org_id],
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT {USAGE_COLUMNS}, c.name, q.status, q.attempts, q.code
             FROM {USAGE_TABLES} LEFT JOIN usage_requests q ON q.id = u.request_id
             WHERE u.org_id = ?1 ORDER BY u.hour DESC, c.name, u.cluster_id LIMIT ?2 OFFSET ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![org_id, limit, offset], |r| {
            let w = USAGE_WIDTH;
            Ok(UsageLine {
                usage: usage_row(r)?,
                cluster_name: r.get(w)?,
                status: r
                    .get::<_, Option<String>>(w + 1)?
                    .map(|s| RequestStatus::parse(&s)),
                attempts: r.get::<_, Option<u32>>(w + 2)?.unwrap_or(0),
                code: r.get(w + 3)?,
            })
        })?;
        let lines = rows.collect::<rusqlite::Result<_>>()?;
        Ok((lines, total.max(0) as u64))
    }

    /// `org_id`'s usage of the hours starting in `[from, to)`, summed.
    pub fn usage_totals(&self, org_id: &str, from: Instant, to: Instant) -> Result<UsageTotals, StoreError> {
        let totals = self.conn.query_row(
            "SELECT
                coalesce(sum(CASE WHEN q.status = 'pushed' THEN u.pushed_compute END), 0),
                coalesce(sum(CASE WHEN q.status = 'pushed' THEN u.pushed_storage END), 0),
                coalesce(sum(CASE WHEN q.status != 'pushed' THEN 1 END), 0)
             FROM usage_hours u JOIN usage_requests q ON q.id = u.request_id
             WHERE u.org_id = ?1 AND u.hour >= ?2 AND u.hour < ?3",
            params![org_id, secs(from), secs(to)],
            |r| {
                Ok(UsageTotals {
                    pushed_compute: r.get(0)?,
                    pushed_storage: r.get(1)?,
                    unpushed_hours: r.get(2)?,
                })
            },
        )?;
        Ok(totals)
    }

    /// `org_id`'s usage of the hours starting in `[from, to)` that the marketplace accepted, per
    /// instance and hour, by hour then instance.
    pub fn pushed_hours(
        &self,
        org_id: &str,
        from: Instant,
        to: Instant,
    ) -> Result<Vec<PushedHour>, StoreError> {
        let sql = format!(
            "SELECT i.order_biz_id, i.sku_id, u.hour, sum(u.pushed_compute), sum(u.pushed_storage)
             FROM {USAGE_TABLES} JOIN usage_requests q ON q.id = u.request_id
             WHERE u.org_id = ?1 AND u.hour >= ?2 AND u.hour < ?3 AND q.status = 'pushed'
             GROUP BY u.hour, i.order_biz_id, i.sku_id ORDER BY u.hour, i.order_biz_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![org_id, secs(from), secs(to)], |r| {
            Ok(PushedHour {
                marketplace_instance: r.get(0)?,
                sku_id: r.get(1)?,
                hour: from_secs(r.get(2)?),
                compute: r.get(3)?,
                storage: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The 免费额度 spent on `org_id`'s usage of the hours starting in `[from, to)`.
    pub fn credit_spent(&self, org_id: &str, from: Instant, to: Instant) -> Result<Decimal, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT credit FROM usage_hours
             WHERE org_id = ?1 AND hour >= ?2 AND hour < ?3 AND credit NOT IN ('0', '0.00')",
        )?;
        let rows = stmt.query_map(params![org_id, secs(from), secs(to)], |r| money(r, 0))?;
        let mut spent = Decimal::ZERO;
        for credit in rows {
            spent += credit?;
        }
        Ok(spent)
    }

    /// What happened to the requests after the log entry `seq`, in order.
    pub fn usage_pushes_after(&self, seq: i64) -> Result<Vec<Push>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.seq, p.request_id, q.hour, q.records, q.instances, p.attempt, p.at, p.answer,
                    p.code, p.http_status, p.status, p.next_attempt_at, q.compute, q.storage
             FROM usage_pushes p JOIN usage_requests q ON q.id = p.request_id
             WHERE p.seq > ?1 ORDER BY p.seq",
        )?;
        let rows = stmt.query_map([seq], |r| {
            Ok(Push {
                seq: r.get(0)?,
                request_id: r.get(1)?,
                hour: from_secs(r.get(2)?),
                records: r.get(3)?,
                instances: instances_of(&r.get::<_, String>(4)?),
                attempt: r.get(5)?,
                at: instant(r.get(6)?),
                answer: r.get(7)?,
                code: r.get(8)?,
                http_status: r.get(9)?,
                status: RequestStatus::parse(&r.get::<_, String>(10)?),
                next_attempt: r.get::<_, Option<i64>>(11)?.map(instant),
                compute: r.get(12)?,
                storage: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx<'_> {
    /// Records that usage has been reckoned up to `through`.
    pub fn set_usage_through(&self, through: Instant) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![THROUGH_KEY, millis(through).to_string()],
        )?;
        Ok(())
    }

    /// Stores a request; returns its id.
    pub fn insert_usage_request(&self, new: &NewRequest<'_>) -> Result<i64, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO usage_requests (hour, metering, records, instances, compute, storage, status,
             next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        stmt.execute(params![
            secs(new.hour),
            new.metering,
            new.records,
            instances_column(new.instances),
            new.compute,
            new.storage,
            new.status.as_str(),
            new.next_attempt.map(millis)
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Stores hours of clusters, each with the request that carries it (None: the credit covered
    /// it), [`HOURS_A_STATEMENT`] rows
    /// an INSERT. Rows given in the order of the table's key (organisation, hour, cluster) are
    /// each put next to the one before, which SQLite does without searching the table again.
    pub fn insert_usage_hours(&self, usage: &[(&UsageHour, Option<i64>)]) -> Result<(), StoreError> {
        for rows in usage.chunks(HOURS_A_STATEMENT) {
            let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows.len()].join(", ");
            let mut stmt = self.conn.prepare_cached(&format!(
                "INSERT INTO usage_hours (org_id, hour, cluster_id, seconds, compute, storage, amount,
                 credit, pushed_compute, pushed_storage, request_id) VALUES {values}"
            ))?;
            let mut bound = 0;
            let mut bind = |value: &dyn ToSql| {
                bound += 1;
                stmt.raw_bind_parameter(bound, value)
            };
            for (u, request_id) in rows {
                bind(&u.org_id)?;
                bind(&secs(u.hour))?;
                bind(&u.cluster_id)?;
                bind(&u.seconds)?;
                bind(&u.compute)?;
                bind(&u.storage)?;
                bind(&u.amount.map(|a| a.to_string()))?;
                bind(&u.credit.to_string())?;
                bind(&u.pushed_compute)?;
                bind(&u.pushed_storage)?;
                bind(request_id)?;
            }
            stmt.raw_execute()?;
        }
        Ok(())
    }

    /// Records an attempt's consequence (or a give-up without one): the log row, and the
    /// request's status, attempts, next attempt, code and last error.
    pub fn record_push(&self, o: &Outcome<'_>) -> Result<(), StoreError> {
        let mut update = self.conn.prepare_cached(
            "UPDATE usage_requests SET status = ?2, attempts = ?3, next_attempt_at = ?4,
             code = coalesce(?5, code), last_error = coalesce(?6, last_error) WHERE id = ?1",
        )?;
        update.execute(params![
            o.request_id,
            o.status.as_str(),
            o.attempt,
            o.next_attempt.map(millis),
            o.code,
            o.error
        ])?;
        let mut log = self.conn.prepare_cached(
            "INSERT INTO usage_pushes (request_id, attempt, at, answer, code, http_status, status, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        log.execute(params![
            o.request_id,
            o.attempt,
            millis(o.at),
            o.answer,
            o.code,
            o.http_status,
            o.status.as_str(),
            o.next_attempt.map(millis)
        ])?;
        Ok(())
    }

    /// Has the request `request_id` carry `usage` (stored already, with another request).
    pub fn carry_usage(&self, usage: &UsageHour, request_id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE usage_hours SET request_id = ?4 WHERE org_id = ?1 AND hour = ?2 AND cluster_id = ?3",
            params![usage.org_id, secs(usage.hour), usage.cluster_id, request_id],
        )?;
        Ok(())
    }
}

//! PushMeteringData (contract §3.3.1): the vendor reports usage windows of pay-as-you-go instances.
//!
//! `Metering` is a JSON array of records `{InstanceId, StartTime, EndTime, Entities[{Key, Value,
//! meteringAssit, SerialNo?}]}`. Every rule is checked before anything is written, and the records
//! are written in one transaction: a request is stored whole or not at all. Checks, in order:
//! the JSON and each record's fields ([`parse`]); the record cap; then, in the transaction, each
//! instance (the caller's product's, OPENED — or EXPIRED, stored as not billable), one product per
//! request, `meteringAssit` naming that product and key, the deadline on the world's clock, and the
//! 60-second rule per instance.

use super::{bad_instance, sells, vendor};
use crate::openapi::{ApiError, Call};
use crate::store::orders::Status;
use protocol::time::epoch_millis;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

/// Records one request may carry (hourly/daily products).
pub const MAX_RECORDS: usize = 100;

/// Virtual seconds between two pushes for the same instance.
pub const THROTTLE_SECONDS: i64 = 60;

/// A window of a non-real-time product must be wider than this (seconds).
pub const MIN_WINDOW_SECONDS: i64 = 5 * 60;

/// The metering keys of contract §5.1.
pub const KEYS: &[&str] = &[
    "Frequency",
    "Period",
    "PeriodMin",
    "Storage",
    "NetworkOut",
    "NetworkIn",
    "Character",
    "DailyActiveUser",
    "VirtualCpu",
    "Unit",
    "Memory",
    "KTokens",
    "Suit",
    "StorageGigaByte",
];

/// Unix seconds above this are milliseconds sent by mistake (year 5138 in seconds).
const SECONDS_CEILING: i64 = 99_999_999_999;

/// One entity of a record, borrowed from the parsed request.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity<'a> {
    pub key: &'a str,
    pub value: i64,
    pub assit: &'a str,
    pub serial_no: Option<&'a str>,
}

/// One record, checked for shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    pub instance_id: String,
    pub start: i64,
    pub end: i64,
    pub entities: Vec<Entity<'a>>,
}

fn metering_error(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "Invalid.Parameter.Metering", message)
}

/// An integer sent as a JSON number or a string of digits (the examples send strings).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty()
                || s.len() > 19
                || !s
                    .bytes()
                    .enumerate()
                    .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
            {
                return None;
            }
            s.parse().ok()
        }
        _ => None,
    }
}

fn field<'v>(record: &'v serde_json::Map<String, Value>, name: &str) -> Option<&'v Value> {
    record.get(name).filter(|v| !v.is_null())
}

fn time_field(n: usize, record: &serde_json::Map<String, Value>, name: &str) -> Result<i64, ApiError> {
    let raw = field(record, name).ok_or_else(|| metering_error(format!("Record {n} lacks {name}.")))?;
    let t = integer(raw)
        .ok_or_else(|| metering_error(format!("Record {n}: {name} must be Unix seconds (an integer).")))?;
    if t < 0 {
        return Err(metering_error(format!(
            "Record {n}: {name} must not be negative."
        )));
    }
    if t > SECONDS_CEILING {
        return Err(metering_error(format!(
            "Record {n}: {name} looks like milliseconds; send Unix seconds."
        )));
    }
    Ok(t)
}

/// Reads `Metering` into records, checking every rule that needs nothing but the text.
pub fn parse(root: &Value) -> Result<Vec<Record<'_>>, ApiError> {
    let Value::Array(items) = root else {
        return Err(metering_error("Metering must be a JSON array of records."));
    };
    if items.is_empty() {
        return Err(metering_error("Metering holds no record."));
    }
    if items.len() > MAX_RECORDS {
        return Err(ApiError::new(
            400,
            "Metering.Data.Exceeded",
            "The number of metering entities must not exceed 100.",
        ));
    }
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let Value::Object(record) = item else {
            return Err(metering_error(format!("Record {n} is not a JSON object.")));
        };
        let instance_id = match field(record, "InstanceId") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::Number(v)) if v.is_u64() => v.to_string(),
            Some(_) => {
                return Err(metering_error(format!(
                    "Record {n}: InstanceId must be a string."
                )))
            }
            None => return Err(metering_error(format!("Record {n} lacks InstanceId."))),
        };
        let start = time_field(n, record, "StartTime")?;
        let end = time_field(n, record, "EndTime")?;
        if end - start <= MIN_WINDOW_SECONDS {
            return Err(metering_error(format!(
                "Record {n}: EndTime - StartTime must be more than {MIN_WINDOW_SECONDS} seconds."
            )));
        }
        let entities = match field(record, "Entities") {
            Some(Value::Array(e)) if !e.is_empty() => e,
            Some(Value::Array(_)) => return Err(metering_error(format!("Record {n}: Entities is empty."))),
            Some(_) => return Err(metering_error(format!("Record {n}: Entities must be an array."))),
            None => return Err(metering_error(format!("Record {n} lacks Entities."))),
        };
        let mut checked = Vec::with_capacity(entities.len());
        for entity in entities {
            let Value::Object(entity) = entity else {
                return Err(metering_error(format!(
                    "Record {n}: an entity is not a JSON object."
                )));
            };
            let key = match field(entity, "Key") {
                Some(Value::String(k)) if KEYS.contains(&k.as_str()) => k.as_str(),
                Some(Value::String(k)) => {
                    return Err(metering_error(format!(
                        "Record {n}: Key `{k}` is not a metering key ({}).",
                        KEYS.join(", ")
                    )))
                }
                _ => return Err(metering_error(format!("Record {n}: an entity lacks Key."))),
            };
            let value = field(entity, "Value")
                .ok_or_else(|| metering_error(format!("Record {n}: {key} lacks Value.")))?;
            let value = integer(value).ok_or_else(|| {
                metering_error(format!("Record {n}: the Value of {key} must be an integer."))
            })?;
            if value < 0 {
                return Err(metering_error(format!(
                    "Record {n}: the Value of {key} must not be negative."
                )));
            }
            let assit = match field(entity, "meteringAssit") {
                Some(Value::String(a)) if !a.trim().is_empty() => a.trim(),
                _ => return Err(metering_error("meteringAssit is empty")),
            };
            let serial_no = match field(entity, "SerialNo") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(_) => return Err(metering_error(format!("Record {n}: SerialNo must be a string."))),
                None => None,
            };
            checked.push(Entity {
                key,
                value,
                assit,
                serial_no,
            });
        }
        records.push(Record {
            instance_id,
            start,
            end,
            entities: checked,
        });
    }
    Ok(records)
}

/// Whether `assit` is `<product>-<key>-<n>`.
fn assit_matches(assit: &str, product: &str, key: &str) -> bool {
    assit
        .strip_prefix(product)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_prefix(key))
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The moment (Unix seconds) after which a window ending at `end` is late: every product is billed
/// hourly, and an hour's data must arrive before the end of the next hour.
pub fn deadline(end: i64) -> i64 {
    let hour = (end - 1).div_euclid(3600) * 3600;
    hour + 2 * 3600
}

/// One instance named in the request, once checked.
struct Target {
    id: String,
    billable: bool,
}

pub fn push_metering_data(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    if call.sts {
        return Err(ApiError::new(
            403,
            "Permission.Denied",
            "PushMeteringData cannot be called with STS credentials or as a RAM user.",
        ));
    }
    let text = call.params.required("Metering")?;
    let root: Value = serde_json::from_str(text)
        .map_err(|e| metering_error(format!("Metering is not valid JSON ({e}).")))?;
    let records = parse(&root)?;

    let now = call.sim.clock().now();
    let now_ms = epoch_millis(now);
    let now_s = now.timestamp();
    let conn = call.sim.store().conn();
    let tx = Tx::begin(&conn)?;
    {
        let mut find = conn
            .prepare_cached(
                "SELECT i.product_code, i.status, p.last_push_at FROM instances i
                 LEFT JOIN metering_pushes p ON p.instance_id = i.instance_id WHERE i.instance_id = ?1",
            )
            .map_err(crate::store::StoreError::from)?;
        let mut product: Option<String> = None;
        let mut targets: Vec<Target> = Vec::new();
        for (i, record) in records.iter().enumerate() {
            let n = i + 1;
            if !targets.iter().any(|t| t.id == record.instance_id) {
                let row: Option<(String, String, Option<i64>)> = find
                    .query_row([&record.instance_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
                    .map_err(crate::store::StoreError::from)?;
                let Some((code, status, last)) = row.filter(|(code, _, _)| sells(call.sim, vendor, code))
                else {
                    return Err(bad_instance(format!(
                        "The instance {} does not exist.",
                        record.instance_id
                    )));
                };
                let billable = match status.as_str() {
                    s if s == Status::Opened.code() => true,
                    s if s == Status::Expired.code() => false,
                    other => {
                        return Err(bad_instance(format!(
                            "The instance {} is not in service ({other}).",
                            record.instance_id
                        )))
                    }
                };
                match &product {
                    None => product = Some(code),
                    Some(p) if *p == code => {}
                    Some(_) => {
                        return Err(ApiError::new(
                            400,
                            "Invalid.Parameter",
                            "All records of one request must belong to instances of the same product.",
                        ))
                    }
                }
                if let Some(last) = last {
                    let elapsed = now_ms - last;
                    if elapsed < THROTTLE_SECONDS * 1000 {
                        let mut e = ApiError::new(
                            400,
                            "Service.Flow.Control",
                            "The rate throttling threshold has been exceeded.",
                        );
                        let wait_ms = THROTTLE_SECONDS * 1000 - elapsed.max(0);
                        e.retry_after = Some(((wait_ms + 999) / 1000).max(1) as u64);
                        return Err(e);
                    }
                }
                targets.push(Target {
                    id: record.instance_id.clone(),
                    billable,
                });
            }
            let product = product.as_deref().unwrap_or_default();
            for entity in &record.entities {
                if !assit_matches(entity.assit, product, entity.key) {
                    return Err(metering_error(format!(
                        "Record {n}: meteringAssit `{}` is not {product}-{}-<n>.",
                        entity.assit, entity.key
                    )));
                }
            }
            let due = deadline(record.end);
            if now_s >= due {
                return Err(metering_error(format!(
                    "Record {n}: the window ending at {} had to be pushed before {due}; late data is not billed.",
                    record.end
                )));
            }
        }
        let mut insert = conn
            .prepare_cached(
                "INSERT INTO metering_records (instance_id, product_code, start_time, end_time, metering_key,
                 value, metering_assit, serial_no, received_at, billable)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(crate::store::StoreError::from)?;
        let product = product.unwrap_or_default();
        for record in &records {
            let billable = targets
                .iter()
                .find(|t| t.id == record.instance_id)
                .is_some_and(|t| t.billable);
            for e in &record.entities {
                insert
                    .execute(params![
                        record.instance_id,
                        product,
                        record.start,
                        record.end,
                        e.key,
                        e.value,
                        e.assit,
                        e.serial_no,
                        now_ms,
                        billable
                    ])
                    .map_err(crate::store::StoreError::from)?;
            }
        }
        let mut stamp = conn
            .prepare_cached(
                "INSERT INTO metering_pushes (instance_id, last_push_at) VALUES (?1, ?2)
                 ON CONFLICT (instance_id) DO UPDATE SET last_push_at = excluded.last_push_at",
            )
            .map_err(crate::store::StoreError::from)?;
        for t in &targets {
            stamp
                .execute(params![t.id, now_ms])
                .map_err(crate::store::StoreError::from)?;
        }
    }
    tx.commit()?;
    Ok(json!({ "Success": true }))
}

/// A transaction begun and committed with cached statements (a `rusqlite::Transaction` prepares
/// `BEGIN` and `COMMIT` anew every time, a cost a push pays on every request); rolled back when
/// dropped uncommitted.
struct Tx<'c> {
    conn: &'c rusqlite::Connection,
    open: bool,
}

impl<'c> Tx<'c> {
    fn begin(conn: &'c rusqlite::Connection) -> Result<Tx<'c>, crate::store::StoreError> {
        conn.prepare_cached("BEGIN")?.execute([])?;
        Ok(Tx { conn, open: true })
    }

    fn commit(mut self) -> Result<(), crate::store::StoreError> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let rolled_back = self
                .conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut s| s.execute([]));
            if let Err(e) = rolled_back {
                tracing::error!("could not roll back a refused push: {e}");
            }
        }
    }
}

/// A stored metering entity, as the billing side will read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub instance_id: String,
    pub product_code: String,
    pub start_time: i64,
    pub end_time: i64,
    pub key: String,
    pub value: i64,
    pub metering_assit: String,
    pub serial_no: Option<String>,
    /// The marketplace's (virtual) time it was received, epoch ms.
    pub received_at: i64,
    /// False for data about an instance that had expired when it arrived.
    pub billable: bool,
}

/// Every stored entity of `instance_id`, in the order received.
pub fn stored(
    sim: &crate::state::Simulator,
    instance_id: &str,
) -> Result<Vec<Stored>, crate::store::StoreError> {
    let conn = sim.store().conn();
    let mut stmt = conn.prepare_cached(
        "SELECT instance_id, product_code, start_time, end_time, metering_key, value, metering_assit,
         serial_no, received_at, billable FROM metering_records WHERE instance_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([instance_id], |r| {
        Ok(Stored {
            instance_id: r.get(0)?,
            product_code: r.get(1)?,
            start_time: r.get(2)?,
            end_time: r.get(3)?,
            key: r.get(4)?,
            value: r.get(5)?,
            metering_assit: r.get(6)?,
            serial_no: r.get(7)?,
            received_at: r.get(8)?,
            billable: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many metering entities the store holds, of every instance.
pub fn stored_count(sim: &crate::state::Simulator) -> Result<u64, crate::store::StoreError> {
    let conn = sim.store().conn();
    let count: i64 = conn.query_row("SELECT count(*) FROM metering_records", [], |r| r.get(0))?;
    Ok(count.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_is_the_end_of_the_hour_after_the_window() {
        // 08:10–08:20 UTC+8 on 2023-08-15 must arrive before 10:00.
        let base = 1_692_057_600; // 2023-08-15 08:00:00 +08:00
        assert_eq!(deadline(base + 1200), base + 7200);
        // A window ending exactly on the hour belongs to the hour before it.
        assert_eq!(deadline(base + 3600), base + 7200);
    }

    #[test]
    fn metering_assit_names_product_key_and_a_number() {
        assert!(assit_matches(
            "cmapi00060317-PeriodMin-4",
            "cmapi00060317",
            "PeriodMin"
        ));
        assert!(!assit_matches(
            "cmapi00060317-PeriodMin-",
            "cmapi00060317",
            "PeriodMin"
        ));
        assert!(!assit_matches(
            "cmapi00060317-Period-4",
            "cmapi00060317",
            "PeriodMin"
        ));
        assert!(!assit_matches(
            "cmapi00060318-PeriodMin-4",
            "cmapi00060317",
            "PeriodMin"
        ));
    }

    #[test]
    fn values_may_be_strings_or_numbers_but_not_fractions() {
        assert_eq!(integer(&json!("96")), Some(96));
        assert_eq!(integer(&json!(96)), Some(96));
        assert_eq!(integer(&json!("-3")), Some(-3));
        assert_eq!(integer(&json!("1.5")), None);
        assert_eq!(integer(&json!(1.5)), None);
        assert_eq!(integer(&json!("99999999999999999999999")), None);
        assert_eq!(integer(&json!(true)), None);
    }
}

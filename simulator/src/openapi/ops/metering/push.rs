//! PushMeteringData (contract §3.3.1): the vendor reports usage windows of pay-as-you-go instances.
//!
//! The `Metering` text is read into records and checked for shape first ([`super::records`]). Then,
//! in one transaction, each instance is checked — the caller's product's, OPENED (or EXPIRED,
//! stored as not billable), one product per request, `meteringAssit` naming that product and key,
//! the deadline on the world's clock, the 60-second rule — and the records are written: a request
//! is stored whole or not at all, and a refused one writes nothing.

use super::records::{metering_error, parse, Record};
use super::{bad_instance, sells, vendor};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::state::Simulator;
use crate::store::metering::{EntityRow, MeteringTarget, NewMetering};
use crate::store::orders::Status;
use crate::store::Tx;
use protocol::metering::assit_matches;
use protocol::time::{epoch_millis, Instant};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Virtual seconds between two pushes for the same instance.
pub const THROTTLE_SECONDS: i64 = 60;

pub fn push_metering_data(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    if call.sts {
        return Err(ErrorCode::PermissionDenied.into());
    }
    let records = parse(call.params.required("Metering")?)?;
    let now = call.sim.clock().now();
    call.sim.store().transaction(|tx| {
        let checked = check(call.sim, tx, &vendor.id, &records, now)?;
        insert(tx, &records, &checked, epoch_millis(now))
    })?;
    Ok(json(&PushMeteringDataResponseBody { success: true }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PushMeteringDataResponseBody {
    success: bool,
}

/// The request's product and instances, once every rule that reads the store has held.
struct Checked {
    product: String,
    /// Each instance the request names, and whether it is billable (false for an EXPIRED
    /// instance: its data is stored but not billed).
    billable: HashMap<String, bool>,
}

/// Judges `records` against the store at `now`, record by record.
fn check(
    sim: &Simulator,
    tx: &Tx<'_>,
    vendor_id: &str,
    records: &[Record],
    now: Instant,
) -> Result<Checked, ApiError> {
    let named: Vec<&str> = records.iter().map(|r| r.instance_id.as_str()).collect();
    let mut targets = tx.metering_targets(&named)?;
    let mut product: Option<String> = None;
    let mut instances: HashMap<String, bool> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        let n = i + 1;
        // Several records of one instance are one push: the instance is judged once.
        if !instances.contains_key(&record.instance_id) {
            let target = targets.remove(&record.instance_id);
            let Some(MeteringTarget {
                product_code: code,
                status,
                last_push,
            }) = target.filter(|t| sells(sim, vendor_id, &t.product_code))
            else {
                return Err(bad_instance(format!(
                    "The instance {} does not exist.",
                    record.instance_id
                )));
            };
            let billable = match status {
                Status::Opened => true,
                Status::Expired => false,
                other => {
                    return Err(bad_instance(format!(
                        "The instance {} is not in service ({}).",
                        record.instance_id,
                        other.code()
                    )))
                }
            };
            match &product {
                None => product = Some(code),
                Some(p) if *p == code => {}
                Some(_) => return Err(ErrorCode::MeteringProducts.into()),
            }
            if let Some(last) = last_push {
                throttle(epoch_millis(now) - last)?;
            }
            instances.insert(record.instance_id.clone(), billable);
        }
        let product = product.as_deref().unwrap_or_default();
        for entity in &record.entities {
            if !assit_matches(&entity.assit, product, entity.key) {
                return Err(metering_error(format!(
                    "Record {n}: meteringAssit `{}` is not {product}-{}-<n>.",
                    entity.assit, entity.key
                )));
            }
        }
        let due = deadline(record.end);
        if now.timestamp() >= due {
            return Err(metering_error(format!(
                "Record {n}: the window ending at {} had to be pushed before {due}; late data is not billed.",
                record.end
            )));
        }
    }
    Ok(Checked {
        product: product.unwrap_or_default(),
        billable: instances,
    })
}

/// `Service.Flow.Control` when an instance was last pushed `elapsed_ms` ago, less than
/// [`THROTTLE_SECONDS`]; it says in `x-acs-retry-after` when the instance may push again.
fn throttle(elapsed_ms: i64) -> Result<(), ApiError> {
    if elapsed_ms >= THROTTLE_SECONDS * 1000 {
        return Ok(());
    }
    let wait_ms = THROTTLE_SECONDS * 1000 - elapsed_ms.max(0);
    Err(ApiError::from(ErrorCode::FlowControl).with_retry_after(((wait_ms + 999) / 1000).max(1) as u64))
}

/// Writes every record of `records`, received at `now_ms`.
fn insert(tx: &Tx<'_>, records: &[Record], checked: &Checked, now_ms: i64) -> Result<(), ApiError> {
    let rows: Vec<NewMetering<'_>> = records
        .iter()
        .map(|record| NewMetering {
            instance_id: &record.instance_id,
            product_code: &checked.product,
            start_time: record.start,
            end_time: record.end,
            entities: record
                .entities
                .iter()
                .map(|e| EntityRow {
                    key: e.key.into(),
                    value: e.value,
                    metering_assit: e.assit.as_str().into(),
                    serial_no: e.serial_no.as_deref().map(Into::into),
                })
                .collect(),
            received_at: now_ms,
            billable: checked.billable.get(&record.instance_id) == Some(&true),
        })
        .collect();
    Ok(tx.insert_metering(&rows)?)
}

/// The moment (Unix seconds) after which a window ending at `end` is late: every product is billed
/// hourly, and an hour's data must arrive before the end of the next hour.
pub fn deadline(end: i64) -> i64 {
    let hour = (end - 1).div_euclid(3600) * 3600;
    hour + 2 * 3600
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
}

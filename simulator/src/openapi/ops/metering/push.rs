//! PushMeteringData (contract §3.3.1): the vendor reports usage windows of pay-as-you-go instances.
//!
//! The `Metering` text is read into records and checked for shape first ([`super::records`]). Then,
//! in one transaction, each instance is checked — the caller's product's, OPENED (or EXPIRED: a
//! window that began before the expiry is billed, a later one stored but not billed), one product
//! per request, `meteringAssit` naming that product and key — and the rules of the product's billing granularity are applied ([`super::rules`]: the record
//! limit, the window width, one bill window per record, the deadline on the world's clock, the
//! 60-second rule); each entity's `meteringAssit` must be a billing item of the instance's SKU, and
//! no value may cost more than a bill line can. Then the records are written, each waiting for
//! the bill run of its window (`crate::billing`): a request is stored whole or not at all, and a
//! refused one writes nothing but its entry in the billing feed (`crate::feed::refusals`).

use super::records::{metering_error, parse, Record};
use super::rules::Rules;
use super::{bad_instance, sells, vendor};
use crate::billing::windows::{bills_at, window_of};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::state::Simulator;
use crate::store::metering::{EntityRow, MeteringTarget, NewMetering};
use crate::store::orders::Status;
use crate::store::Tx;
use crate::world::Billing;
use protocol::metering::assit_matches;
use protocol::metering::rating;
use protocol::time::{epoch_millis, Instant};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

pub fn push_metering_data(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let mut read = None;
    let pushed = push(call, &vendor.id, &mut read);
    // A refusal to a known vendor is the feed's too (a store that failed refused nothing).
    if let Err(e) = &pushed {
        if e.status() < 500 {
            crate::feed::refusals::log(
                call.sim,
                crate::feed::refusals::Refused {
                    vendor: &vendor.id,
                    code: e.code(),
                    message: e.message(),
                    metering: call.params.get("Metering").unwrap_or_default(),
                    read,
                },
            );
        }
    }
    pushed?;
    Ok(json(&PushMeteringDataResponseBody { success: true }))
}

/// Checks and stores the push of `vendor_id`, telling `read` the records and instances its text
/// held once it could be read.
fn push(call: &Call<'_>, vendor_id: &str, read: &mut Option<(usize, Vec<String>)>) -> Result<(), ApiError> {
    if call.sts {
        return Err(ErrorCode::PermissionDenied.into());
    }
    let records = parse(call.params.required("Metering")?)?;
    let mut instances: Vec<String> = Vec::new();
    for r in &records {
        if !instances.contains(&r.instance_id) {
            instances.push(r.instance_id.clone());
        }
    }
    *read = Some((records.len(), instances));
    {
        // A bill run cannot come between reading the clock and storing the records: a record is
        // never stored for a window whose bill was made meanwhile.
        let _one = call.sim.one_term_change();
        let now = call.sim.clock().now();
        call.sim.store().transaction(|tx| {
            let checked = check(call.sim, tx, vendor_id, &records, now)?;
            insert(tx, &records, &checked, epoch_millis(now))
        })?;
    }
    // The records' bill runs are scheduled work: a running clock must know of them.
    call.sim.clock().wake();
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PushMeteringDataResponseBody {
    success: bool,
}

/// The request's product and instances, once every rule that reads the store has held.
struct Checked {
    product: String,
    billing: Billing,
    /// Each instance the request names, and the moment (epoch ms) from which its windows are not
    /// billed: none while it is OPENED; its expiry once EXPIRED — usage of a window that began
    /// before the expiry is still billed (contract §3.3.1), later usage is stored, not billed.
    billed_before: HashMap<String, Option<i64>>,
}

impl Checked {
    /// Whether `record`'s window is billed.
    fn billable(&self, record: &Record) -> bool {
        match self.billed_before.get(&record.instance_id) {
            Some(None) => true,
            Some(Some(expired_at)) => record.start.saturating_mul(1000) < *expired_at,
            None => false,
        }
    }
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
    // The request's product, and the rules its billing granularity and the world put in force.
    let mut product: Option<(String, Rules)> = None;
    let mut instances: HashMap<String, Option<i64>> = HashMap::new();
    // The SKU each instance is on: its price plan names the items it may be billed for.
    let mut skus: HashMap<String, String> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        let n = i + 1;
        // Several records of one instance are one push: the instance is judged once.
        if !instances.contains_key(&record.instance_id) {
            let target = targets.remove(&record.instance_id);
            let Some(MeteringTarget {
                product_code: code,
                sku_id,
                status,
                expired_at,
                last_push,
            }) = target.filter(|t| sells(sim, vendor_id, &t.product_code))
            else {
                return Err(bad_instance(format!(
                    "The instance {} does not exist.",
                    record.instance_id
                )));
            };
            let billed_before = match status {
                Status::Opened => None,
                // Expired before the store kept the moment: none of its late usage is billed.
                Status::Expired => Some(expired_at.unwrap_or(i64::MIN)),
                other => {
                    return Err(bad_instance(format!(
                        "The instance {} is not in service ({}).",
                        record.instance_id,
                        other.code()
                    )))
                }
            };
            let rules = match &product {
                None => {
                    let rules = Rules {
                        billing: sim.world().product(&code).map(|p| p.billing).unwrap_or_default(),
                        on: sim.world().settings.metering_rules,
                    };
                    rules.record_count(records.len())?;
                    product = Some((code, rules));
                    rules
                }
                Some((p, rules)) if *p == code => *rules,
                Some(_) => return Err(ErrorCode::MeteringProducts.into()),
            };
            if let Some(last) = last_push {
                rules.throttle(epoch_millis(now) - last)?;
            }
            instances.insert(record.instance_id.clone(), billed_before);
            skus.insert(record.instance_id.clone(), sku_id);
        }
        let Some((product, rules)) = &product else {
            unreachable!("the first record's instance sets the product or refuses the request")
        };
        rules.window(n, record.start, record.end)?;
        rules.one_bill_window(n, record.start, record.end)?;
        let sku = sim
            .world()
            .product(product)
            .and_then(|p| p.sku(skus.get(&record.instance_id).map_or("", String::as_str)));
        for entity in &record.entities {
            if !assit_matches(&entity.assit, product, entity.key) {
                return Err(metering_error(format!(
                    "Record {n}: meteringAssit `{}` is not {product}-{}-<n>.",
                    entity.assit, entity.key
                )));
            }
            let Some(price) = sku.and_then(|s| s.unit_price(&entity.assit)) else {
                return Err(metering_error(format!(
                    "Record {n}: meteringAssit `{}` is not a billing item of the instance's SKU.",
                    entity.assit
                )));
            };
            if let Err(e) = rating::amount(entity.key, entity.value.into(), price) {
                return Err(metering_error(format!("Record {n}: {e}.")));
            }
        }
        rules.on_time(n, record.end, now.timestamp())?;
    }
    let (product, billing) = product
        .map(|(code, rules)| (code, rules.billing))
        .unwrap_or_default();
    Ok(Checked {
        product,
        billing,
        billed_before: instances,
    })
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
            bill_at: checked
                .billable(record)
                .then(|| bills_at(checked.billing, window_of(checked.billing, record.start)) * 1000),
        })
        .collect();
    Ok(tx.insert_metering(&rows)?)
}

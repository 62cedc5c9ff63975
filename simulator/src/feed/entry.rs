//! A feed entry as JSON: its `id` (the offset), its `type` — `bill_line`, `metering` or
//! `metering_refused` — and `at`, when it was made (RFC 3339, Asia/Shanghai), then the fields of
//! what it reports, flat: a bill line's as `GET /__marketsim/bills` shows them, a record's window
//! and entities with the request's field names, a refusal's error code and message. Amounts are
//! decimal strings, times RFC 3339.

use crate::store::bills::BillLine;
use crate::store::feed::{Entry, FedRecord, Item, Refusal};
use crate::store::metering::EntityRow;
use serde::Serialize;

/// `entry` as one line of JSON.
pub fn json(entry: &Entry) -> String {
    let written = match &entry.item {
        Item::Line(l) => serde_json::to_string(&LineOut::of(entry.offset, l)),
        Item::Metering(m) => serde_json::to_string(&RecordOut::of(entry.offset, m)),
        Item::Refusal(r) => serde_json::to_string(&RefusalOut::of(entry.offset, r)),
    };
    // Strings, numbers and booleans always serialize.
    written.unwrap_or_default()
}

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(protocol::time::rfc3339)
        .unwrap_or_default()
}

#[derive(Serialize)]
struct LineOut<'a> {
    id: i64,
    #[serde(rename = "type")]
    kind_of_entry: &'static str,
    at: String,
    ali_uid: &'a str,
    month: &'a str,
    kind: &'static str,
    product_code: &'a str,
    instance_id: &'a str,
    sku_id: &'a str,
    order_id: Option<&'a str>,
    item: &'a str,
    key: Option<&'a str>,
    metering_assit: Option<&'a str>,
    window_start: Option<String>,
    window_end: Option<String>,
    usage: Option<String>,
    unit_price: Option<String>,
    amount: String,
    records: i64,
    duplicates: i64,
}

impl<'a> LineOut<'a> {
    fn of(id: i64, l: &'a BillLine) -> LineOut<'a> {
        LineOut {
            id,
            kind_of_entry: "bill_line",
            at: time(l.billed_at),
            ali_uid: &l.ali_uid,
            month: &l.month,
            kind: l.kind.code(),
            product_code: &l.product_code,
            instance_id: &l.instance_id,
            sku_id: &l.sku_id,
            order_id: l.order_id.as_deref(),
            item: &l.item,
            key: l.metering_key.as_deref(),
            metering_assit: l.metering_assit.as_deref(),
            window_start: l.window.map(|w| time(w.0 * 1000)),
            window_end: l.window.map(|w| time(w.1 * 1000)),
            usage: l.usage.map(|u| u.normalize().to_string()),
            unit_price: l.unit_price.map(|p| p.to_string()),
            amount: l.amount.to_string(),
            records: l.records,
            duplicates: l.duplicates,
        }
    }
}

#[derive(Serialize)]
struct RecordOut<'a> {
    id: i64,
    #[serde(rename = "type")]
    kind_of_entry: &'static str,
    at: String,
    ali_uid: Option<&'a str>,
    product_code: &'a str,
    instance_id: &'a str,
    start_time: String,
    end_time: String,
    entities: &'a [EntityRow<'static>],
    /// False for usage kept but never billed (an expired instance's later windows).
    billable: bool,
}

impl<'a> RecordOut<'a> {
    fn of(id: i64, m: &'a FedRecord) -> RecordOut<'a> {
        RecordOut {
            id,
            kind_of_entry: "metering",
            at: time(m.received_at),
            ali_uid: m.ali_uid.as_deref(),
            product_code: &m.product_code,
            instance_id: &m.instance_id,
            start_time: time(m.start_time * 1000),
            end_time: time(m.end_time * 1000),
            entities: &m.entities,
            billable: m.billable,
        }
    }
}

#[derive(Serialize)]
struct RefusalOut<'a> {
    id: i64,
    #[serde(rename = "type")]
    kind_of_entry: &'static str,
    at: String,
    vendor: &'a str,
    code: &'a str,
    message: &'a str,
    records: Option<i64>,
    instances: &'a [String],
    metering: &'a str,
    metering_truncated: bool,
}

impl<'a> RefusalOut<'a> {
    fn of(id: i64, r: &'a Refusal) -> RefusalOut<'a> {
        RefusalOut {
            id,
            kind_of_entry: "metering_refused",
            at: time(r.at),
            vendor: &r.vendor,
            code: &r.code,
            message: &r.message,
            records: r.records,
            instances: &r.instances,
            metering: &r.metering,
            metering_truncated: r.truncated,
        }
    }
}

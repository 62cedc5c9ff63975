//! The metering family: what the vendor reports of a buyer's usage.
//!
//! - [`push`]: PushMeteringData — pay-as-you-go usage windows, validated per contract §3.3.1 and
//!   stored with the marketplace's receive time (rating them into bills is the billing issue's);
//!   [`records`] reads its `Metering` text.
//! - [`times`]: PushTimesUsage — deductions from a buyer's count package, once per ClientToken per
//!   24 h — and DescribeApiMetering, the buyer's packages (fixtures/openapi/metering.yaml) minus
//!   what was deducted.
//!
//! The store keeps the family's rows (`store::metering`); `seed` puts the fixture's packages there.

pub mod push;
pub mod records;
pub mod times;

use super::vendor;
use crate::openapi::{ApiError, ErrorCode, Operation};
use crate::state::Simulator;

pub const OPS: &[(&str, Operation)] = &[
    ("PushMeteringData", Operation(push::push_metering_data)),
    ("PushTimesUsage", Operation(times::push_times_usage)),
    ("DescribeApiMetering", Operation(times::describe_api_metering)),
];

/// This family's tables. `metering_records.id` is a plain rowid (no AUTOINCREMENT, which costs a
/// write of `sqlite_sequence` per insert): records are only ever deleted all at once by a reset, so
/// ids still rise in the order received, which is all [`push::stored`] orders by. The records are
/// indexed by instance and receipt for the 60-second rule, which reads an instance's last push.
/// Data directories of older versions indexed the records by receipt and kept last pushes in a
/// table of their own; both are dropped.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS metering_records (
    id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, product_code TEXT NOT NULL,
    start_time INTEGER NOT NULL, end_time INTEGER NOT NULL, metering_key TEXT NOT NULL,
    value INTEGER NOT NULL, metering_assit TEXT NOT NULL, serial_no TEXT,
    received_at INTEGER NOT NULL, billable INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS metering_records_by_instance ON metering_records (instance_id, received_at);
DROP INDEX IF EXISTS metering_records_by_receipt;
DROP TABLE IF EXISTS metering_pushes;
CREATE TABLE IF NOT EXISTS times_usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT, vendor TEXT NOT NULL, client_token TEXT,
    instance_id TEXT NOT NULL, ali_uid TEXT NOT NULL, product_code TEXT NOT NULL,
    times INTEGER NOT NULL, adjust INTEGER NOT NULL, adjust_date INTEGER, mark TEXT,
    received_at INTEGER NOT NULL, answer TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS times_usage_by_token ON times_usage (vendor, client_token, received_at);
CREATE INDEX IF NOT EXISTS times_usage_by_buyer ON times_usage (ali_uid, product_code);
CREATE TABLE IF NOT EXISTS api_packages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ali_uid TEXT NOT NULL, product_code TEXT NOT NULL,
    package_type INTEGER NOT NULL, capacity INTEGER NOT NULL, used INTEGER NOT NULL, unit TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS api_packages_by_buyer ON api_packages (ali_uid, product_code);
";

/// Whether `product_code` is one of the products of the vendor `vendor_id`.
fn sells(sim: &Simulator, vendor_id: &str, product_code: &str) -> bool {
    sim.world()
        .product(product_code)
        .is_some_and(|p| p.vendor == vendor_id)
}

/// `Invalid.Parameter.Instance` (400): a pushed instance is not one the vendor may report on now.
fn bad_instance(message: String) -> ApiError {
    ErrorCode::MeteringInstance.with_message(message)
}

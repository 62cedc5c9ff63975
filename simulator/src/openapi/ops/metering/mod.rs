//! The metering family: what the vendor reports of a buyer's usage.
//!
//! - [`push`]: PushMeteringData — pay-as-you-go usage windows, validated per contract §3.3.1 and
//!   stored with the marketplace's receive time (rating them into bills is the billing issue's);
//!   [`records`] reads its `Metering` text; [`rules`] holds the rules that follow the product's
//!   billing granularity (hourly, daily, real-time, minute) and the world's switches for them.
//! - [`times`]: PushTimesUsage — deductions from a buyer's count package, once per ClientToken per
//!   24 h — and DescribeApiMetering, the buyer's packages (fixtures/openapi/metering.yaml) minus
//!   what was deducted.
//!
//! The store keeps the family's rows (`store::metering`); `seed` puts the fixture's packages there.

pub mod push;
pub mod records;
pub mod rules;
pub mod times;

use super::vendor;
use crate::openapi::call::Operation;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::state::Simulator;

pub const OPS: &[(&str, Operation)] = &[
    ("PushMeteringData", Operation(push::push_metering_data)),
    ("PushTimesUsage", Operation(times::push_times_usage)),
    ("DescribeApiMetering", Operation(times::describe_api_metering)),
];

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

//! The operations, one module per family, each with a table `OPS` of (Action, function). A family
//! that keeps data of its own keeps it through a file of the store (`store::<family>`); its
//! fixture data is put there by `seed`.

pub mod bss;
pub mod catalog;
pub mod commodity;
pub mod instances;
pub mod licenses;
pub mod metering;
pub mod notifications;
pub mod projects;

use crate::openapi::call::{Call, Caller, Operation};
use crate::openapi::error::{ApiError, ErrorCode};
use crate::world::{Buyer, Vendor};

/// Every Market OpenAPI (2015-11-01) family's table; an Action appears in exactly one. The Billing
/// OpenAPI's operations are [`bss::OPS`], reached by their version.
pub const FAMILIES: &[&[(&str, Operation)]] = &[
    instances::OPS,
    metering::OPS,
    notifications::OPS,
    licenses::OPS,
    catalog::OPS,
    projects::OPS,
];

/// The product types the marketplace knows: DescribeInstances' `ProductType` and DescribeProducts'
/// `productType` filter take one of these.
pub const PRODUCT_TYPES: &[&str] = &[
    "APP",
    "SERVICE",
    "MIRROR",
    "DOWNLOAD",
    "API_SERVICE",
    "ROS",
    "DOCKER",
    "IOT",
];

/// The calling vendor, or `Forbidden.RAM` for a buyer (an ISV-only operation).
fn vendor<'a>(call: &Call<'a>) -> Result<&'a Vendor, ApiError> {
    match call.caller {
        Caller::Vendor(v) => Ok(v),
        Caller::Buyer(_) => Err(ErrorCode::ForbiddenRam.into()),
    }
}

/// The calling buyer, or `Forbidden.RAM` for a vendor (a buyer-only operation).
fn buyer<'a>(call: &Call<'a>) -> Result<&'a Buyer, ApiError> {
    match call.caller {
        Caller::Buyer(b) => Ok(b),
        Caller::Vendor(_) => Err(ErrorCode::ForbiddenRam.into()),
    }
}

//! The instances family: what a purchase made, read by the vendor (`…ForIsv`) and by the buyer
//! (`DescribeInstance(s)`, `DescribeOrder`), and the buyer's writes (`CreateOrder`,
//! `AutoRenewInstance`). [`view`] shapes orders and instances as the SDK models read them,
//! [`describe`] holds the reads, [`buy`] the writes; this module has the table, the schema and who
//! may see what. The store keeps the family's rows (`store::purchases`); `seed` puts the fixture's
//! purchases there.

mod buy;
mod describe;
mod view;

use super::{buyer, vendor};
use crate::openapi::call::{Call, Caller, Operation};
use crate::openapi::error::{ApiError, ErrorCode};
use crate::store::orders::{Instance, Order};

pub const OPS: &[(&str, Operation)] = &[
    ("DescribeInstanceForIsv", Operation(describe::instance_for_isv)),
    ("DescribeOrderForIsv", Operation(describe::order_for_isv)),
    (
        "DescribeImageInstanceForIsv",
        Operation(describe::image_instance_for_isv),
    ),
    ("DescribeInstance", Operation(describe::instance)),
    ("DescribeInstances", Operation(describe::instances)),
    ("DescribeOrder", Operation(describe::order)),
    ("CreateOrder", Operation(buy::create_order)),
    ("AutoRenewInstance", Operation(buy::auto_renew_instance)),
];

/// Whether the caller may see a purchase of `product_code` by `ali_uid`: a vendor its own
/// products', a buyer its own.
fn sees(call: &Call<'_>, product_code: &str, ali_uid: &str) -> bool {
    match call.caller {
        Caller::Vendor(v) => call
            .sim
            .world()
            .product(product_code)
            .is_some_and(|p| p.vendor == v.id),
        Caller::Buyer(b) => b.ali_uid == ali_uid,
    }
}

/// A required id parameter: digits (the marketplace's ids are Longs), else `Invalid<Name>`.
fn id_param<'a>(call: &'a Call<'_>, name: &str) -> Result<&'a str, ApiError> {
    let id = call.params.required(name)?.trim();
    if id.len() > 19 || !id.bytes().all(|c| c.is_ascii_digit()) {
        return Err(ErrorCode::Invalid(name.into()).into());
    }
    Ok(id)
}

/// The instance `id` if the caller may see it; unknown and not-yours both `Invalid<Name>.NotFound`.
fn visible_instance(call: &Call<'_>, id: &str, name: &str) -> Result<Instance, ApiError> {
    call.sim
        .store()
        .instance(id)?
        .filter(|i| sees(call, &i.product_code, &i.ali_uid))
        .ok_or_else(|| ApiError::from(ErrorCode::NotFound(name.into())))
}

/// The order `id` if the caller may see it; unknown and not-yours both `Invalid<Name>.NotFound`.
fn visible_order(call: &Call<'_>, id: &str, name: &str) -> Result<Order, ApiError> {
    call.sim
        .store()
        .order(id)?
        .filter(|o| sees(call, &o.product_code, &o.ali_uid))
        .ok_or_else(|| ApiError::from(ErrorCode::NotFound(name.into())))
}

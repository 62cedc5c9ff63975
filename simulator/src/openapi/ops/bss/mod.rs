//! The Billing OpenAPI (BssOpenApi, version 2017-12-14) for buyers, on the Market OpenAPI's port and
//! dispatched by the version a request signs: the account balance ([`balance`]) and a month's bill,
//! summed per product ([`overview`]) or line by line ([`bills`]), read from the world's bill lines
//! and balances (`store::bills`, `Simulator::balance`). Every answer is the SDK's envelope —
//! `Code`, `Message`, `Success` and `Data` — and only a buyer's key may call; a vendor's gets
//! `Forbidden.RAM`, as on the Market OpenAPI's buyer-only operations. [`cycle`] reads the
//! parameters the bill operations share. `simulator/OPENAPI.md` (BssOpenApi) lists the choices.

pub mod balance;
pub mod bills;
pub mod cycle;
pub mod overview;

use crate::openapi::answer::json;
use crate::openapi::call::Operation;
use crate::store::bills::LineKind;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The API version a request names to reach this family.
pub const VERSION: &str = "2017-12-14";

pub const OPS: &[(&str, Operation)] = &[
    ("QueryAccountBalance", Operation(balance::query_account_balance)),
    ("QueryBillOverview", Operation(overview::query_bill_overview)),
    ("QueryBill", Operation(bills::query_bill)),
];

/// The envelope every answer of the family comes in (`…ResponseBody` without `RequestId`, which
/// the dispatcher adds).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResponseBody<T> {
    code: &'static str,
    message: &'static str,
    success: bool,
    data: T,
}

/// `data` in the family's envelope of a success.
fn success(data: impl Serialize) -> Value {
    json(&ResponseBody {
        code: "Success",
        message: "Successful!",
        success: true,
        data,
    })
}

/// An amount where the SDK reads a float: a JSON number. The bill's amounts are decimals to the
/// fen; a two-place decimal becomes the double that prints back as the same digits.
#[derive(Debug, Clone, Copy)]
struct Amount(Decimal);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0.to_f64().unwrap_or_default())
    }
}

/// The subscription type of a bill line, as the Billing OpenAPI names it: orders and their refunds
/// are `Subscription`; usage and the marketplace's charges, drawn from the balance, `PayAsYouGo`.
fn subscription_type(kind: LineKind) -> &'static str {
    match kind {
        LineKind::SubscriptionOrder | LineKind::Refund => "Subscription",
        LineKind::PayAsYouGo | LineKind::Adjustment => "PayAsYouGo",
    }
}

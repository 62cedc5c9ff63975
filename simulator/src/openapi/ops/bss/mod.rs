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

/// The amounts of a bill item or an overview line as the SDK's models name them: all of it paid
/// in cash, nothing outstanding, discounted, taxed or rounded away.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Amounts {
    currency: &'static str,
    payment_currency: &'static str,
    pretax_gross_amount: Amount,
    pretax_amount: Amount,
    pretax_amount_local: Amount,
    after_tax_amount: Amount,
    payment_amount: Amount,
    cash_amount: Amount,
    outstanding_amount: Amount,
    adjust_amount: Amount,
    tax: Amount,
    invoice_discount: Amount,
    deducted_by_coupons: Amount,
    deducted_by_cash_coupons: Amount,
    deducted_by_prepaid_card: Amount,
    round_down_discount: &'static str,
}

impl Amounts {
    fn paid(amount: Decimal) -> Amounts {
        let (amount, zero) = (Amount(amount), Amount(Decimal::ZERO));
        Amounts {
            currency: "CNY",
            payment_currency: "CNY",
            pretax_gross_amount: amount,
            pretax_amount: amount,
            pretax_amount_local: amount,
            after_tax_amount: amount,
            payment_amount: amount,
            cash_amount: amount,
            outstanding_amount: zero,
            adjust_amount: zero,
            tax: zero,
            invoice_discount: zero,
            deducted_by_coupons: zero,
            deducted_by_cash_coupons: zero,
            deducted_by_prepaid_card: zero,
            round_down_discount: "0.00",
        }
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

//! The Billing OpenAPI (BssOpenApi, version 2017-12-14) for buyers, on the Market OpenAPI's port and
//! dispatched by the version a request signs: the account balance ([`balance`]), a month's bill,
//! summed per product ([`overview`]), line by line ([`bills`]) or per instance ([`instance_bill`],
//! paged by number or by token), and the buyer's orders ([`query_orders`]), read from the world's
//! bill lines, orders and balances (`store::bills`, `store::orders`, `Simulator::balance`). Every
//! answer is the SDK's envelope —
//! `Code`, `Message`, `Success` and `Data` — and only a buyer's key may call; a vendor's gets
//! `Forbidden.RAM`, as on the Market OpenAPI's buyer-only operations. [`cycle`] reads the
//! parameters the bill operations share. `simulator/OPENAPI.md` (BssOpenApi) lists the choices.

pub mod balance;
pub mod bills;
pub mod cycle;
pub mod describe_instance_bill;
pub mod instance_bill;
pub mod overview;
pub mod query_instance_bill;
pub mod query_orders;

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
    (
        "QueryInstanceBill",
        Operation(query_instance_bill::query_instance_bill),
    ),
    (
        "DescribeInstanceBill",
        Operation(describe_instance_bill::describe_instance_bill),
    ),
    ("QueryOrders", Operation(query_orders::query_orders)),
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

/// The amounts every bill model of the SDK names: all of it paid in cash, nothing outstanding,
/// discounted or deducted.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Amounts {
    currency: &'static str,
    pretax_gross_amount: Amount,
    pretax_amount: Amount,
    payment_amount: Amount,
    cash_amount: Amount,
    outstanding_amount: Amount,
    adjust_amount: Amount,
    invoice_discount: Amount,
    deducted_by_coupons: Amount,
    deducted_by_cash_coupons: Amount,
    deducted_by_prepaid_card: Amount,
}

impl Amounts {
    fn paid(amount: Decimal) -> Amounts {
        let (amount, zero) = (Amount(amount), Amount(Decimal::ZERO));
        Amounts {
            currency: "CNY",
            pretax_gross_amount: amount,
            pretax_amount: amount,
            payment_amount: amount,
            cash_amount: amount,
            outstanding_amount: zero,
            adjust_amount: zero,
            invoice_discount: zero,
            deducted_by_coupons: zero,
            deducted_by_cash_coupons: zero,
            deducted_by_prepaid_card: zero,
        }
    }
}

/// The amounts of a bill item or an overview line: [`Amounts`] and the tax and local-currency
/// figures those two models add, none of it taxed or rounded away.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BillAmounts {
    #[serde(flatten)]
    amounts: Amounts,
    payment_currency: &'static str,
    pretax_amount_local: Amount,
    after_tax_amount: Amount,
    tax: Amount,
    round_down_discount: &'static str,
}

impl BillAmounts {
    fn paid(amount: Decimal) -> BillAmounts {
        BillAmounts {
            amounts: Amounts::paid(amount),
            payment_currency: "CNY",
            pretax_amount_local: Amount(amount),
            after_tax_amount: Amount(amount),
            tax: Amount(Decimal::ZERO),
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

//! QueryOrders: the calling buyer's orders placed in a time range (`CreateTimeStart`,
//! `CreateTimeEnd`, ISO 8601 UTC; the hour before `CreateTimeEnd`, or before now, when not given),
//! oldest first, a page at a time by number. Each purchase, trial, renewal and upgrade is an order
//! as the store keeps it; each refund is an order of its own, of type `Refund`, made from its bill
//! line (its id is the line's `RecordID`, its `RelatedOrderId` the order it refunds). `OrderType`,
//! `PaymentStatus`, `ProductCode` and `SubscriptionType` narrow the list.

use super::cycle::{page_of, paging};
use super::success;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::state::Simulator;
use crate::store::bills::{BillLine, LineKind};
use crate::store::orders::Order;
use crate::world::Charge;
use chrono::{DateTime, SecondsFormat};
use protocol::time::epoch_millis;
use serde::Serialize;
use serde_json::Value;

/// The order types the real API documents: a filter names one of them.
const ORDER_TYPES: &[&str] = &[
    "New",
    "Renew",
    "Upgrade",
    "TempUpgrade",
    "Downgrade",
    "Refund",
    "Convert",
    "ResizeDisk",
    "CompensatoryRenew",
    "IncreaseUpgrade",
    "Exchange",
    "ChangeOperatingSystem",
];

/// The payment statuses a filter may name.
const PAYMENT_STATUSES: &[&str] = &["Unpaid", "Paid", "Cancelled"];

/// The range of creation times asked for when the request gives none.
const DEFAULT_RANGE_MS: i64 = 3_600_000;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryOrdersResponseBodyData {
    page_num: i64,
    page_size: i64,
    total_count: usize,
    order_list: QueryOrdersResponseBodyDataOrderList,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryOrdersResponseBodyDataOrderList {
    order: Vec<QueryOrdersResponseBodyDataOrderListOrder>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryOrdersResponseBodyDataOrderListOrder {
    order_id: String,
    related_order_id: String,
    order_type: &'static str,
    subscription_type: &'static str,
    product_code: String,
    commodity_code: String,
    product_type: &'static str,
    create_time: String,
    payment_time: String,
    payment_status: &'static str,
    currency: &'static str,
    payment_currency: &'static str,
    pretax_gross_amount: String,
    pretax_amount: String,
    pretax_amount_local: String,
    after_tax_amount: String,
    tax: &'static str,
}

/// An order as the Billing OpenAPI lists it, with when it was placed (epoch ms).
struct Listed {
    at: i64,
    order: QueryOrdersResponseBodyDataOrderListOrder,
}

/// `ms` (epoch ms) as the request and the answer write times: `2023-08-15T02:00:00Z`.
fn utc(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The time `name` sends (epoch ms), or `Invalid<name>` when it is no ISO 8601 time.
fn time(call: &Call<'_>, name: &str) -> Result<Option<i64>, ApiError> {
    call.params
        .get(name)
        .map(|sent| {
            DateTime::parse_from_rfc3339(sent.trim())
                .map(|t| t.timestamp_millis())
                .map_err(|_| ErrorCode::Invalid(name.into()).into())
        })
        .transpose()
}

/// A filter whose value must be one of `allowed`: `Invalid<name>` otherwise.
fn one_of<'p>(call: &Call<'p>, name: &str, allowed: &[&str]) -> Result<Option<&'p str>, ApiError> {
    match call.params.get(name).map(str::trim) {
        Some(v) if !allowed.contains(&v) => Err(ErrorCode::Invalid(name.into()).into()),
        sent => Ok(sent),
    }
}

/// The subscription type of an order of `sku_id`: `PayAsYouGo` for a pay-as-you-go SKU's.
fn subscription_type(sim: &Simulator, product_code: &str, sku_id: &str) -> &'static str {
    let charge = sim
        .world()
        .product(product_code)
        .and_then(|p| p.sku(sku_id))
        .map(|s| s.charge);
    match charge {
        Some(Charge::PayAsYouGo) => "PayAsYouGo",
        _ => "Subscription",
    }
}

impl Listed {
    /// `o` as listed: its own id, type and price, placed when it was.
    fn order(sim: &Simulator, o: &Order) -> Listed {
        let order_type = match o.order_type.as_str() {
            "RENEW" => "Renew",
            "UPGRADE" => "Upgrade",
            _ => "New",
        };
        let amount = format!("{:.2}", o.price);
        Listed {
            at: o.created_at,
            order: QueryOrdersResponseBodyDataOrderListOrder {
                order_id: o.order_id.clone(),
                related_order_id: String::new(),
                order_type,
                subscription_type: subscription_type(sim, &o.product_code, &o.sku_id),
                product_code: o.product_code.clone(),
                commodity_code: o.product_code.clone(),
                product_type: "",
                create_time: utc(o.created_at),
                payment_time: utc(o.created_at),
                payment_status: if o.pay_status == "PAID" { "Paid" } else { "Unpaid" },
                currency: "CNY",
                payment_currency: "CNY",
                pretax_gross_amount: amount.clone(),
                pretax_amount: amount.clone(),
                pretax_amount_local: amount.clone(),
                after_tax_amount: amount,
                tax: "0.00",
            },
        }
    }

    /// The refund `line` of `refunded`, as an order of its own.
    fn refund(sim: &Simulator, refunded: &Order, line: &BillLine) -> Listed {
        let mut listed = Listed::order(sim, refunded);
        let amount = format!("{:.2}", line.amount);
        let o = &mut listed.order;
        o.order_id = line.id.to_string();
        o.related_order_id.clone_from(&refunded.order_id);
        o.order_type = "Refund";
        o.create_time = utc(line.billed_at);
        o.payment_time = utc(line.billed_at);
        o.pretax_gross_amount.clone_from(&amount);
        o.pretax_amount.clone_from(&amount);
        o.pretax_amount_local.clone_from(&amount);
        o.after_tax_amount = amount;
        listed.at = line.billed_at;
        listed
    }
}

/// Every order of `ali_uid` and every refund of one, oldest first.
fn orders_and_refunds(sim: &Simulator, ali_uid: &str) -> Result<Vec<Listed>, ApiError> {
    let orders = sim.store().orders_of_buyer(ali_uid)?;
    let mut all: Vec<Listed> = orders.iter().map(|o| Listed::order(sim, o)).collect();
    for line in sim.store().bill_lines_of_kind(ali_uid, LineKind::Refund)? {
        if let Some(refunded) = orders
            .iter()
            .find(|o| line.order_id.as_ref() == Some(&o.order_id))
        {
            all.push(Listed::refund(sim, refunded, &line));
        }
    }
    all.sort_by_key(|l| l.at);
    Ok(all)
}

pub fn query_orders(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = crate::openapi::ops::buyer(call)?;
    let end = match time(call, "CreateTimeEnd")? {
        Some(end) => end,
        None => epoch_millis(call.sim.clock().now()),
    };
    let start = time(call, "CreateTimeStart")?.unwrap_or(end - DEFAULT_RANGE_MS);
    let order_type = one_of(call, "OrderType", ORDER_TYPES)?;
    let payment_status = one_of(call, "PaymentStatus", PAYMENT_STATUSES)?;
    let subscription = one_of(call, "SubscriptionType", &["Subscription", "PayAsYouGo"])?;
    let product_code = call.params.get("ProductCode").map(str::trim);
    let (page, size) = paging(call)?;
    let admitted: Vec<Listed> = orders_and_refunds(call.sim, &buyer.ali_uid)?
        .into_iter()
        .filter(|l| {
            let o = &l.order;
            (start..=end).contains(&l.at)
                && order_type.is_none_or(|t| o.order_type == t)
                && payment_status.is_none_or(|s| o.payment_status == s)
                && subscription.is_none_or(|s| o.subscription_type == s)
                && product_code.is_none_or(|p| o.product_code == p)
        })
        .collect();
    let total_count = admitted.len();
    let order = page_of(admitted, page, size).map(|l| l.order).collect();
    Ok(success(QueryOrdersResponseBodyData {
        page_num: page,
        page_size: size,
        total_count,
        order_list: QueryOrdersResponseBodyDataOrderList { order },
    }))
}

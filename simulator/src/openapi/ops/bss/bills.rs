//! QueryBill: the calling buyer's bill lines of a month (`BillingCycle`), one item per line in the
//! order they were made, filtered by `ProductCode`, `SubscriptionType`, `Type` (the line kind) and
//! `IsHideZeroCharge`, a page at a time (`PageNum` from 1, `PageSize` 1 to 300, 20 when not given).
//! A page past the end is empty; `TotalCount` counts every line the filters admit.

use super::cycle::{billing_cycle, date, page_of, paging, Filter};
use super::{subscription_type, success, BillAmounts};
use crate::openapi::call::Call;
use crate::openapi::error::ApiError;
use crate::store::bills::BillLine;
use crate::world::Buyer;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryBillResponseBodyData {
    #[serde(rename = "AccountID")]
    account_id: String,
    account_name: String,
    billing_cycle: String,
    page_num: i64,
    page_size: i64,
    total_count: usize,
    items: QueryBillResponseBodyDataItems,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryBillResponseBodyDataItems {
    item: Vec<QueryBillResponseBodyDataItemsItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryBillResponseBodyDataItemsItem {
    #[serde(rename = "RecordID")]
    record_id: String,
    #[serde(rename = "OwnerID")]
    owner_id: String,
    item: &'static str,
    subscription_type: &'static str,
    product_code: String,
    product_name: String,
    commodity_code: String,
    pip_code: String,
    product_detail: String,
    sub_order_id: String,
    #[serde(rename = "PaymentTransactionID")]
    payment_transaction_id: String,
    status: &'static str,
    usage_start_time: String,
    usage_end_time: String,
    payment_time: String,
    #[serde(flatten)]
    amounts: BillAmounts,
}

fn item_of(call: &Call<'_>, buyer: &Buyer, line: &BillLine) -> QueryBillResponseBodyDataItemsItem {
    let (start, end) = line
        .window
        .map(|(s, e)| (date(s * 1000), date(e * 1000)))
        .unwrap_or_else(|| (date(line.billed_at), date(line.billed_at)));
    QueryBillResponseBodyDataItemsItem {
        record_id: line.id.to_string(),
        owner_id: buyer.ali_uid.clone(),
        item: line.kind.code(),
        subscription_type: subscription_type(line.kind),
        product_code: line.product_code.clone(),
        product_name: call
            .sim
            .world()
            .product(&line.product_code)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        commodity_code: line.product_code.clone(),
        pip_code: line.product_code.clone(),
        product_detail: line.item.clone(),
        sub_order_id: line.order_id.clone().unwrap_or_default(),
        payment_transaction_id: String::new(),
        status: "PayOFF",
        usage_start_time: start,
        usage_end_time: end,
        payment_time: date(line.billed_at),
        amounts: BillAmounts::paid(line.amount),
    }
}

pub fn query_bill(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = crate::openapi::ops::buyer(call)?;
    let month = billing_cycle(call)?;
    let filter = Filter::of(call, true)?;
    let hide_zero = call.params.bool("IsHideZeroCharge")?.unwrap_or(false);
    let (page, size) = paging(call)?;
    let lines = call.sim.store().bill_lines(&buyer.ali_uid, &month)?;
    let admitted: Vec<&BillLine> = lines
        .iter()
        .filter(|l| filter.admits(l) && !(hide_zero && l.amount.is_zero()))
        .collect();
    let item = page_of(&admitted, page, size)
        .map(|l| item_of(call, buyer, l))
        .collect();
    Ok(success(QueryBillResponseBodyData {
        account_id: buyer.ali_uid.clone(),
        account_name: buyer.name.clone(),
        billing_cycle: month,
        page_num: page,
        page_size: size,
        total_count: admitted.len(),
        items: QueryBillResponseBodyDataItems { item },
    }))
}

//! DescribeInstanceBill: QueryInstanceBill's rows ([`super::instance_bill`]), narrowed also to one
//! instance (`InstanceID`) or product (`PipCode`), read by token: `MaxResults` rows (1 to 300, 20
//! when not given) from where `NextToken` says, and the token to go on from, empty once every row
//! is read. A token is `<BillingCycle>.<rows already read>`: one of another cycle or of any other
//! form is `InvalidNextToken`; one past the end reads nothing. Another buyer's instance is simply
//! not in the caller's bill.

use super::cycle::page_size;
use super::instance_bill::{InstanceBillItem, Request};
use super::{success, Amount};
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeInstanceBillResponseBodyData {
    #[serde(rename = "AccountID")]
    account_id: String,
    account_name: String,
    billing_cycle: String,
    max_results: i64,
    next_token: String,
    total_count: usize,
    items: Vec<DescribeInstanceBillResponseBodyDataItems>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeInstanceBillResponseBodyDataItems {
    #[serde(rename = "BillAccountID")]
    bill_account_id: String,
    bill_account_name: String,
    billing_item_code: String,
    item_name: String,
    biz_type: &'static str,
    after_discount_amount: Amount,
    #[serde(flatten)]
    item: InstanceBillItem,
}

/// How many rows `NextToken` says were read already: 0 when absent.
fn rows_read(call: &Call<'_>, month: &str) -> Result<usize, ApiError> {
    let Some(token) = call.params.get("NextToken") else {
        return Ok(0);
    };
    token
        .split_once('.')
        .filter(|(cycle, _)| *cycle == month)
        .and_then(|(_, read)| read.parse().ok())
        .ok_or_else(|| ErrorCode::Invalid("NextToken".into()).into())
}

pub fn describe_instance_bill(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = crate::openapi::ops::buyer(call)?;
    let request = Request::of(call)?;
    let max = page_size(call, "MaxResults")?;
    let read = rows_read(call, &request.month)?;
    let instance = call.params.get("InstanceID").map(str::trim);
    let pip_code = call.params.get("PipCode").map(str::trim);
    let rows = request.rows(call, buyer, |line| {
        instance.is_none_or(|i| line.instance_id == i) && pip_code.is_none_or(|p| line.product_code == p)
    })?;
    let page: Vec<_> = rows.iter().skip(read).take(max as usize).collect();
    let next = read.saturating_add(page.len());
    let items = page
        .into_iter()
        .map(|row| DescribeInstanceBillResponseBodyDataItems {
            bill_account_id: buyer.ali_uid.clone(),
            bill_account_name: buyer.name.clone(),
            billing_item_code: row.metering_key.clone().unwrap_or_default(),
            item_name: row.item.clone().unwrap_or_default(),
            biz_type: "",
            after_discount_amount: Amount(row.amount),
            item: InstanceBillItem::of(call, buyer, row, request.day.as_deref()),
        })
        .collect();
    Ok(success(DescribeInstanceBillResponseBodyData {
        account_id: buyer.ali_uid.clone(),
        account_name: buyer.name.clone(),
        next_token: if next < rows.len() {
            format!("{}.{next}", request.month)
        } else {
            String::new()
        },
        billing_cycle: request.month,
        max_results: max,
        total_count: rows.len(),
        items,
    }))
}

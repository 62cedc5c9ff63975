//! QueryInstanceBill: the calling buyer's bill of a month (or a day of it) summed per instance
//! ([`super::instance_bill`]), a page at a time by number (`PageNum` from 1, `PageSize` 1 to 300,
//! 20 when not given). A page past the end is empty; `TotalCount` counts every row.

use super::cycle::{page_of, paging};
use super::instance_bill::{InstanceBillItem, Request};
use super::success;
use crate::openapi::call::Call;
use crate::openapi::error::ApiError;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryInstanceBillResponseBodyData {
    #[serde(rename = "AccountID")]
    account_id: String,
    account_name: String,
    billing_cycle: String,
    page_num: i64,
    page_size: i64,
    total_count: usize,
    items: QueryInstanceBillResponseBodyDataItems,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryInstanceBillResponseBodyDataItems {
    item: Vec<InstanceBillItem>,
}

pub fn query_instance_bill(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = crate::openapi::ops::buyer(call)?;
    let request = Request::of(call)?;
    let (page, size) = paging(call)?;
    let rows = request.rows(call, buyer, |_| true)?;
    let item = page_of(&rows, page, size)
        .map(|row| InstanceBillItem::of(call, buyer, row, request.day.as_deref()))
        .collect();
    Ok(success(QueryInstanceBillResponseBodyData {
        account_id: buyer.ali_uid.clone(),
        account_name: buyer.name.clone(),
        billing_cycle: request.month,
        page_num: page,
        page_size: size,
        total_count: rows.len(),
        items: QueryInstanceBillResponseBodyDataItems { item },
    }))
}

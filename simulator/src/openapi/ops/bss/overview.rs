//! QueryBillOverview: the calling buyer's bill for a month (`BillingCycle`), summed per product,
//! subscription type and line kind (`Item`), in that order; `ProductCode` and `SubscriptionType`
//! narrow it. Every amount is the lines' sum: nothing is discounted, taxed or owed.

use super::cycle::{billing_cycle, Filter};
use super::{subscription_type, success, BillAmounts};
use crate::openapi::call::Call;
use crate::openapi::error::ApiError;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryBillOverviewResponseBodyData {
    #[serde(rename = "AccountID")]
    account_id: String,
    account_name: String,
    billing_cycle: String,
    items: QueryBillOverviewResponseBodyDataItems,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryBillOverviewResponseBodyDataItems {
    item: Vec<QueryBillOverviewResponseBodyDataItemsItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryBillOverviewResponseBodyDataItemsItem {
    #[serde(rename = "BillAccountID")]
    bill_account_id: String,
    bill_account_name: String,
    #[serde(rename = "OwnerID")]
    owner_id: String,
    product_code: String,
    product_name: String,
    commodity_code: String,
    pip_code: String,
    subscription_type: &'static str,
    item: &'static str,
    #[serde(flatten)]
    amounts: BillAmounts,
}

pub fn query_bill_overview(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = crate::openapi::ops::buyer(call)?;
    let month = billing_cycle(call)?;
    let filter = Filter::of(call, false)?;
    let lines = call.sim.store().bill_lines(&buyer.ali_uid, &month)?;
    let mut sums: BTreeMap<(&str, &'static str, &'static str), Decimal> = BTreeMap::new();
    for line in lines.iter().filter(|l| filter.admits(l)) {
        let key = (
            line.product_code.as_str(),
            subscription_type(line.kind),
            line.kind.code(),
        );
        *sums.entry(key).or_default() += line.amount;
    }
    let world = call.sim.world();
    let item = sums
        .into_iter()
        .map(
            |((product, subscription, kind), sum)| QueryBillOverviewResponseBodyDataItemsItem {
                bill_account_id: buyer.ali_uid.clone(),
                bill_account_name: buyer.name.clone(),
                owner_id: buyer.ali_uid.clone(),
                product_code: product.to_owned(),
                product_name: world.product(product).map(|p| p.name.clone()).unwrap_or_default(),
                commodity_code: product.to_owned(),
                pip_code: product.to_owned(),
                subscription_type: subscription,
                item: kind,
                amounts: BillAmounts::paid(sum),
            },
        )
        .collect();
    Ok(success(QueryBillOverviewResponseBodyData {
        account_id: buyer.ali_uid.clone(),
        account_name: buyer.name.clone(),
        billing_cycle: month,
        items: QueryBillOverviewResponseBodyDataItems { item },
    }))
}

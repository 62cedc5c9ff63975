//! The reads: one instance or order as the vendor or the buyer sees it, an image purchase by its
//! ECS instance, and the buyer's paged instance list.

use super::view::{self, Extras};
use super::{buyer, id_param, vendor, visible_instance, visible_order};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::openapi::ops::PRODUCT_TYPES;
use serde::Serialize;
use serde_json::Value;

/// The largest page DescribeInstances serves.
pub const MAX_PAGE_SIZE: i64 = 100;

/// DescribeInstanceForIsv (ISV): `InstanceId`.
pub fn instance_for_isv(call: &Call<'_>) -> Result<Value, ApiError> {
    vendor(call)?;
    let id = id_param(call, "InstanceId")?;
    let instance = visible_instance(call, id, "InstanceId")?;
    let extras = Extras::of(call.sim, &instance.instance_id)?;
    Ok(json(&view::instance_for_isv(call.sim, &instance, &extras)))
}

/// DescribeOrderForIsv (ISV): `OrderId`.
pub fn order_for_isv(call: &Call<'_>) -> Result<Value, ApiError> {
    vendor(call)?;
    let id = id_param(call, "OrderId")?;
    let order = visible_order(call, id, "OrderId")?;
    Ok(json(&view::order_for_isv(call.sim, &order)))
}

/// DescribeImageInstanceForIsv (ISV): `EcsInstanceId` (required here: it is what finds the
/// purchase), `CustomerPk` (optional; when given, the purchase must be that buyer's).
pub fn image_instance_for_isv(call: &Call<'_>) -> Result<Value, ApiError> {
    vendor(call)?;
    let ecs = call.params.required("EcsInstanceId")?.trim().to_owned();
    let customer = call.params.int("CustomerPk")?;
    let instance_id = call.sim.store().instance_on_ecs(&ecs)?;
    let not_found = || ApiError::from(ErrorCode::NotFound("EcsInstanceId".into()));
    let instance_id = instance_id.ok_or_else(not_found)?;
    let instance = visible_instance(call, &instance_id, "EcsInstanceId")?;
    if customer.is_some_and(|pk| pk.to_string() != instance.ali_uid) {
        return Err(not_found());
    }
    let extras = Extras::of(call.sim, &instance.instance_id)?;
    Ok(json(&view::image_instance(call.sim, &instance, &extras)))
}

/// DescribeInstance (buyer): `InstanceId`.
pub fn instance(call: &Call<'_>) -> Result<Value, ApiError> {
    buyer(call)?;
    let id = id_param(call, "InstanceId")?;
    let instance = visible_instance(call, id, "InstanceId")?;
    let extras = Extras::of(call.sim, &instance.instance_id)?;
    Ok(json(&view::instance_for_buyer(call.sim, &instance, &extras)))
}

/// DescribeOrder (buyer): `OrderId`.
pub fn order(call: &Call<'_>) -> Result<Value, ApiError> {
    buyer(call)?;
    let id = id_param(call, "OrderId")?;
    let order = visible_order(call, id, "OrderId")?;
    Ok(json(&view::order(call.sim, &order)))
}

/// A comma list of product codes; empty items dropped.
fn codes(list: Option<&str>) -> Option<Vec<&str>> {
    list.map(|l| l.split(',').map(str::trim).filter(|c| !c.is_empty()).collect())
}

/// DescribeInstances (buyer): `PageNumber`* (from 1), `PageSize`* (1–100), `ProductType`, and
/// `Codes` or `ExceptCodes` (comma lists, not both). Newest first.
pub fn instances(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = buyer(call)?;
    let (page_number, page_size) = call
        .params
        .paging("PageNumber", "PageSize", true, MAX_PAGE_SIZE)?;
    let product_type = call.params.get("ProductType").map(str::trim);
    if product_type.is_some_and(|t| !PRODUCT_TYPES.contains(&t)) {
        return Err(ErrorCode::Invalid("ProductType".into()).into());
    }
    let only = codes(call.params.get("Codes"));
    let except = codes(call.params.get("ExceptCodes"));
    if only.is_some() && except.is_some() {
        return Err(ErrorCode::ExceptCodesWithCodes.into());
    }
    let world = call.sim.world();
    let matching: Vec<_> = call
        .sim
        .store()
        .instances_of(&buyer.ali_uid)?
        .into_iter()
        .filter(|i| {
            let kind = world.product(&i.product_code).map(|p| p.product_type.as_str());
            product_type.is_none_or(|t| kind == Some(t))
                && only.as_ref().is_none_or(|c| c.contains(&i.product_code.as_str()))
                && except
                    .as_ref()
                    .is_none_or(|c| !c.contains(&i.product_code.as_str()))
        })
        .collect();
    let total = matching.len();
    let skip = usize::try_from((page_number - 1).saturating_mul(page_size)).unwrap_or(usize::MAX);
    let page = &matching[skip.min(total)..];
    let extras = page
        .iter()
        .take(page_size as usize)
        .map(|i| Extras::of(call.sim, &i.instance_id))
        .collect::<Result<Vec<_>, crate::store::StoreError>>()?;
    let instance_item = page
        .iter()
        .zip(&extras)
        .map(|(i, extras)| view::instance_item(call.sim, i, extras))
        .collect();
    Ok(json(&DescribeInstancesResponseBody {
        instance_items: DescribeInstancesResponseBodyInstanceItems { instance_item },
        page_number,
        page_size,
        total_count: total,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstancesResponseBody<'a> {
    instance_items: DescribeInstancesResponseBodyInstanceItems<'a>,
    page_number: i64,
    page_size: i64,
    total_count: usize,
}

#[derive(Serialize)]
pub struct DescribeInstancesResponseBodyInstanceItems<'a> {
    #[serde(rename = "InstanceItem")]
    instance_item: Vec<view::DescribeInstancesResponseBodyInstanceItemsInstanceItem<'a>>,
}

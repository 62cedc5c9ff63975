//! The buyer's writes: CreateOrder (a purchase through the API, the same order, instance and
//! createInstance SPI as 开通 on the page) and AutoRenewInstance.

use super::{buyer, id_param, visible_instance};
use crate::openapi::answer;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::openapi::ops::commodity::{
    invalid, lifecycle_error, purchase_error, sku_of, Commodity, OrderType,
};
use crate::store::orders::{Order, Status};
use crate::store::purchases::AutoRenewal;
use crate::store::Tx;
use crate::world::{Charge, Product};
use protocol::time::epoch_millis;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Mutex;

/// CreateOrder's check of a client token and its purchase happen under this lock, so two
/// concurrent calls with one token make one purchase.
static PURCHASES: Mutex<()> = Mutex::new(());

/// The longest `ClientToken` (ASCII).
pub const MAX_CLIENT_TOKEN: usize = 64;

/// CreateOrder (buyer): `OrderType`* — INSTANCE_BUY (a purchase: order, instance and the
/// createInstance SPI, as 开通 on the page), INSTANCE_RENEW (续费 of `instanceId`: renewInstance),
/// INSTANCE_UPGRADE (升级 of `instanceId` to `skuCode` and `components`: upgradeInstance) —
/// `Commodity`* (see [`commodity`](crate::openapi::ops::commodity)), `PaymentType`* (AUTO/HAND: the
/// order is paid at once either way), `ClientToken`* (≤64 ASCII: the same buyer's same token
/// returns the first order).
pub fn create_order(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = buyer(call)?;
    let token = call.params.required("ClientToken")?;
    if token.len() > MAX_CLIENT_TOKEN || !token.bytes().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        return Err(ErrorCode::Invalid("ClientToken".into()).into());
    }
    let order_type_text = call.params.required("OrderType")?;
    let order_type = OrderType::of(call)?;
    let payment_type = call.params.required("PaymentType")?;
    if !matches!(payment_type, "AUTO" | "HAND") {
        return Err(ErrorCode::Invalid("PaymentType".into()).into());
    }
    let commodity = Commodity::of(call)?;
    let request =
        json!({"OrderType": order_type_text, "PaymentType": payment_type, "Commodity": commodity.raw})
            .to_string();

    let _one_at_a_time = PURCHASES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(earlier) = call.sim.store().token_purchase(&buyer.ali_uid, token)? {
        if earlier.request != request {
            return Err(ErrorCode::IdempotentParameterMismatch.into());
        }
        let order = call
            .sim
            .store()
            .order(&earlier.order_id)?
            .ok_or(ErrorCode::Internal)?;
        return Ok(answer_order(&order));
    }
    // The token is kept in the order's own transaction: a crash cannot leave an order whose token
    // a retry would not find.
    let remember_token = |tx: &Tx<'_>, order: &Order| tx.remember_client_token(token, &request, order);
    let order = match order_type {
        OrderType::Buy => {
            let (product, sku_id) = product_and_sku(call, &commodity)?;
            let choice = commodity.choice(product, sku_id)?;
            call.sim
                .open_service_recording(buyer, &product.code, sku_id, &choice, remember_token)
                .map_err(purchase_error)?
        }
        OrderType::Renew => {
            let instance = commodity.instance(call, buyer)?;
            let months = commodity.renewal_months(call, &instance)?;
            call.sim
                .renew(&instance.instance_id, months, remember_token)
                .map_err(lifecycle_error)?
        }
        OrderType::Upgrade => {
            let instance = commodity.instance(call, buyer)?;
            let product = call
                .sim
                .world()
                .product(&instance.product_code)
                .ok_or_else(|| ApiError::from(ErrorCode::NotFound("InstanceId".into())))?;
            let code = commodity
                .sku_code
                .as_deref()
                .ok_or_else(|| invalid("skuCode is missing"))?;
            let target = sku_of(product, code).unwrap_or(code);
            call.sim
                .upgrade(&instance.instance_id, target, &commodity.extras, remember_token)
                .map_err(lifecycle_error)?
        }
    };
    Ok(answer_order(&order))
}

/// The product and SKU a purchase's Commodity names.
pub(super) fn product_and_sku<'a>(
    call: &Call<'a>,
    commodity: &Commodity,
) -> Result<(&'a Product, &'a str), ApiError> {
    let code = commodity
        .product_code
        .as_deref()
        .ok_or_else(|| invalid("productCode is missing"))?;
    let sku_code = commodity
        .sku_code
        .as_deref()
        .ok_or_else(|| invalid("skuCode is missing"))?;
    let product = call
        .sim
        .world()
        .product(code)
        .ok_or_else(|| ErrorCode::NotFound("ProductCode".into()))?;
    let sku_id = sku_of(product, sku_code).ok_or_else(|| ErrorCode::NotFound("SkuCode".into()))?;
    Ok((product, sku_id))
}

fn answer_order(order: &Order) -> Value {
    answer::json(&CreateOrderResponseBody {
        order_id: &order.order_id,
        instance_ids: CreateOrderResponseBodyInstanceIds {
            instance_id: [&order.instance_id],
        },
    })
}

/// CreateOrder's answer: the order's id (a string here) and its instance's.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateOrderResponseBody<'a> {
    order_id: &'a str,
    instance_ids: CreateOrderResponseBodyInstanceIds<'a>,
}

#[derive(Serialize)]
pub struct CreateOrderResponseBodyInstanceIds<'a> {
    #[serde(rename = "InstanceId")]
    instance_id: [&'a str; 1],
}

/// AutoRenewInstance (buyer): `OrderBizId`* (the instance), `Type`* `open`/`close`; to open,
/// `AutoRenewCycle`* (Month/Year; Day is refused, terms being months) and `AutoRenewDuration`*
/// (≥ 1), a term the SKU sells. Only a subscription not released or failed renews itself; at
/// its term's end ([`crate::lifecycle`]). Answers `Data: true`.
pub fn auto_renew_instance(call: &Call<'_>) -> Result<Value, ApiError> {
    buyer(call)?;
    let id = id_param(call, "OrderBizId")?;
    let open = match call.params.required("Type")?.trim().to_ascii_lowercase().as_str() {
        "open" => true,
        "close" => false,
        _ => return Err(ErrorCode::Invalid("Type".into()).into()),
    };
    let renewal = if open {
        let cycle = match call
            .params
            .required("AutoRenewCycle")?
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "month" => "Month",
            "year" => "Year",
            _ => return Err(ErrorCode::Invalid("AutoRenewCycle".into()).into()),
        };
        let duration = call.params.required_int("AutoRenewDuration")?;
        if !(1..=i64::from(crate::world::MAX_MONTHS)).contains(&duration) {
            return Err(ErrorCode::Invalid("AutoRenewDuration".into()).into());
        }
        Some(AutoRenewal {
            cycle: cycle.to_owned(),
            duration,
        })
    } else {
        None
    };
    let instance = visible_instance(call, id, "OrderBizId")?;
    let sku = call
        .sim
        .world()
        .product(&instance.product_code)
        .and_then(|p| p.sku(&instance.sku_id));
    let refuse = |why: &str| Err(ErrorCode::IncorrectInstanceStatus.with_message(why));
    if !sku.is_some_and(|s| s.charge == Charge::Subscription) {
        return refuse(
            "Only a subscription (包年包月) renews automatically; this instance has no term to renew.",
        );
    }
    if matches!(instance.status, Status::Closed | Status::OpenFailed) {
        return refuse("The instance is released or failed to open: it cannot be renewed.");
    }
    if let (Some(renewal), Some(sku)) = (&renewal, sku) {
        let months = renewal.months();
        if sku.term(months).is_none() {
            return Err(
                ErrorCode::Invalid("AutoRenewDuration".into()).with_message(format!(
                    "The SKU {} does not sell a term of {months} months.",
                    sku.id
                )),
            );
        }
    }
    let now = epoch_millis(call.sim.clock().now());
    call.sim
        .store()
        .set_auto_renewal(&instance.instance_id, renewal.as_ref(), now)?;
    Ok(answer::json(&AutoRenewInstanceResponseBody {
        data: true,
        success: true,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AutoRenewInstanceResponseBody {
    data: bool,
    success: bool,
}

//! The buyer's writes: CreateOrder (a purchase through the API, the same order, instance and
//! createInstance SPI as 开通 on the page) and AutoRenewInstance.

use super::{buyer, id_param, visible_instance};
use crate::openapi::answer;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::purchase::PurchaseError;
use crate::store::orders::Order;
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

fn commodity_error(message: &str) -> ApiError {
    ErrorCode::InvalidCommodity(message.to_owned()).into()
}

/// The SKU a Commodity's `skuCode` names: the SKU's id (`cmgj00061912-payg`), the part after
/// `<productCode>-` (`payg`), or `postpay` for the product's pay-as-you-go SKU.
fn sku_of<'a>(product: &'a Product, sku_code: &str) -> Option<&'a str> {
    let suffixed = format!("{}-{sku_code}", product.code);
    product
        .skus
        .iter()
        .find(|s| s.id == sku_code || s.id == suffixed)
        .or_else(|| {
            (sku_code == "postpay")
                .then(|| product.skus.iter().find(|s| s.charge == Charge::PayAsYouGo))
                .flatten()
        })
        .map(|s| s.id.as_str())
}

/// CreateOrder (buyer): `OrderType`* (INSTANCE_BUY; INSTANCE_RENEW and INSTANCE_UPGRADE refused),
/// `Commodity`* (JSON object: `productCode`, `skuCode`; `quantity` 1 if given; `duration`,
/// `pricingCycle`, `components` and the rest accepted and unused: a pay-as-you-go SKU has no period),
/// `PaymentType`* (AUTO/HAND: nothing is due up front, the order is paid either way), `ClientToken`*
/// (≤64 ASCII: the same buyer's same token returns the first order).
pub fn create_order(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = buyer(call)?;
    let token = call.params.required("ClientToken")?;
    if token.len() > MAX_CLIENT_TOKEN || !token.bytes().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        return Err(ErrorCode::Invalid("ClientToken".into()).into());
    }
    let order_type = call.params.required("OrderType")?;
    match order_type {
        "INSTANCE_BUY" => {}
        "INSTANCE_RENEW" | "INSTANCE_UPGRADE" => return Err(ErrorCode::OrderTypeNotSupported.into()),
        _ => return Err(ErrorCode::Invalid("OrderType".into()).into()),
    }
    let payment_type = call.params.required("PaymentType")?;
    if !matches!(payment_type, "AUTO" | "HAND") {
        return Err(ErrorCode::Invalid("PaymentType".into()).into());
    }
    let commodity: Value =
        serde_json::from_str(call.params.required("Commodity")?).map_err(|_| commodity_error("not JSON"))?;
    let fields = commodity
        .as_object()
        .ok_or_else(|| commodity_error("not a JSON object"))?;
    let text = |name: &str| {
        fields
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| commodity_error(&format!("{name} is missing")))
    };
    let product_code = text("productCode")?;
    let sku_code = text("skuCode")?;
    if let Some(quantity) = fields.get("quantity") {
        let one = quantity.as_i64() == Some(1) || quantity.as_str().map(str::trim) == Some("1");
        if !one {
            return Err(commodity_error("quantity must be 1"));
        }
    }
    let product = call
        .sim
        .world()
        .product(product_code)
        .ok_or_else(|| ErrorCode::NotFound("ProductCode".into()))?;
    let sku_id = sku_of(product, sku_code).ok_or_else(|| ErrorCode::NotFound("SkuCode".into()))?;
    let request =
        json!({"OrderType": order_type, "PaymentType": payment_type, "Commodity": commodity}).to_string();

    let _one_at_a_time = PURCHASES.lock().unwrap_or_else(|p| p.into_inner());
    let earlier = call.sim.store().token_purchase(&buyer.ali_uid, token)?;
    let order = match earlier {
        Some(earlier) => {
            if earlier.request != request {
                return Err(ErrorCode::IdempotentParameterMismatch.into());
            }
            call.sim
                .store()
                .order(&earlier.order_id)?
                .ok_or(ErrorCode::Internal)?
        }
        None => {
            // The token is kept in the purchase's own transaction: a crash cannot leave a
            // purchase whose token a retry would not find.
            let remember_token =
                |tx: &Tx<'_>, order: &Order| tx.remember_client_token(token, &request, order);
            call.sim
                .open_service_recording(buyer, &product.code, sku_id, remember_token)
                .map_err(|e| match e {
                    PurchaseError::UnknownProduct(_) => {
                        ApiError::from(ErrorCode::NotFound("ProductCode".into()))
                    }
                    PurchaseError::UnknownSku { .. } => ApiError::from(ErrorCode::NotFound("SkuCode".into())),
                    PurchaseError::Store(e) => e.into(),
                })?
        }
    };
    Ok(answer::json(&CreateOrderResponseBody {
        order_id: &order.order_id,
        instance_ids: CreateOrderResponseBodyInstanceIds {
            instance_id: [&order.instance_id],
        },
    }))
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
/// `AutoRenewCycle`* (Day/Month/Year) and `AutoRenewDuration`* (≥ 1). Answers `Data: true`.
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
            "day" => "Day",
            "month" => "Month",
            "year" => "Year",
            _ => return Err(ErrorCode::Invalid("AutoRenewCycle".into()).into()),
        };
        let duration = call.params.required_int("AutoRenewDuration")?;
        if duration < 1 {
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

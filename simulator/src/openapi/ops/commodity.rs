//! The order a buyer's `OrderType` and `Commodity` describe, as CreateOrder places it and
//! DescribePrice quotes it: the same parsing and the same refusals for both (except that
//! DescribePrice, without a `skuCode`, quotes the product's first SKU or the instance's own).
//!
//! `Commodity` is a JSON object. `productCode` and `skuCode` name what is bought (`skuCode` may be
//! the SKU's id, the part after `<productCode>-`, `postpay` for the pay-as-you-go SKU or `prepay`
//! for the first subscription SKU); `instanceId` (or `InstanceId`) names the instance a renewal or
//! an upgrade is for; `duration` × `pricingCycle` (`Month` or `Year`; the SKU's shortest term
//! when neither is given) is the term; `components` holds the extra billing items as `{"<Key>": <count>}` beside
//! `package_version`, which is accepted and not used. `quantity` must be 1 when given.

use crate::lifecycle::{Choice, LifecycleError};
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::purchase::PurchaseError;
use crate::store::orders::{Extras, Instance};
use crate::world::{Buyer, Charge, Product};
use serde_json::{Map, Value};

/// What `OrderType` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderType {
    Buy,
    Renew,
    Upgrade,
}

impl OrderType {
    /// The required `OrderType` parameter.
    pub fn of(call: &Call<'_>) -> Result<OrderType, ApiError> {
        match call.params.required("OrderType")? {
            "INSTANCE_BUY" => Ok(OrderType::Buy),
            "INSTANCE_RENEW" => Ok(OrderType::Renew),
            "INSTANCE_UPGRADE" => Ok(OrderType::Upgrade),
            _ => Err(ErrorCode::Invalid("OrderType".into()).into()),
        }
    }
}

/// A parsed `Commodity`.
#[derive(Debug, Clone, PartialEq)]
pub struct Commodity {
    /// The object as sent, for CreateOrder's client-token comparison.
    pub raw: Value,
    pub product_code: Option<String>,
    pub sku_code: Option<String>,
    pub instance_id: Option<String>,
    /// `duration` × `pricingCycle`, in months; None when neither is given.
    pub months: Option<u32>,
    /// The cycle and duration as given (default `Month` and 1), for DescribePrice's answer.
    pub cycle: &'static str,
    pub duration: u32,
    pub extras: Extras,
}

pub fn invalid(message: &str) -> ApiError {
    ErrorCode::InvalidCommodity(message.to_owned()).into()
}

/// A count that may come as a JSON number or a JSON string.
fn count(v: &Value) -> Option<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

impl Commodity {
    /// The required `Commodity` parameter.
    pub fn of(call: &Call<'_>) -> Result<Commodity, ApiError> {
        let raw: Value =
            serde_json::from_str(call.params.required("Commodity")?).map_err(|_| invalid("not JSON"))?;
        let fields = raw.as_object().ok_or_else(|| invalid("not a JSON object"))?;
        let text = |name: &str| {
            fields
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if let Some(quantity) = fields.get("quantity") {
            if count(quantity) != Some(1) {
                return Err(invalid("quantity must be 1"));
            }
        }
        let duration = match fields.get("duration") {
            None => None,
            Some(v) => Some(
                count(v)
                    .filter(|d| (1..=crate::world::MAX_MONTHS).contains(d))
                    .ok_or_else(|| invalid("duration is a number of periods, at least 1"))?,
            ),
        };
        let cycle = match text("pricingCycle").map(|c| c.to_ascii_lowercase()).as_deref() {
            None => None,
            Some("month") => Some("Month"),
            Some("year") => Some("Year"),
            Some("day") => Some("Day"),
            Some(_) => return Err(invalid("pricingCycle is Day, Month or Year")),
        };
        let months = match (cycle, duration) {
            (None, None) => None,
            (Some("Day"), _) => None,
            (Some("Year"), d) => Some(d.unwrap_or(1).saturating_mul(12)),
            (_, d) => Some(d.unwrap_or(1)),
        };
        let mut extras = Extras::new();
        if let Some(components) = fields.get("components") {
            let components: &Map<String, Value> = components
                .as_object()
                .ok_or_else(|| invalid("components is not a JSON object"))?;
            for (key, value) in components.iter().filter(|(k, _)| *k != "package_version") {
                let n = count(value).ok_or_else(|| invalid(&format!("components.{key} is not a count")))?;
                extras.insert(key.clone(), n);
            }
        }
        Ok(Commodity {
            product_code: text("productCode"),
            sku_code: text("skuCode"),
            instance_id: text("instanceId").or_else(|| text("InstanceId")),
            months,
            cycle: cycle.unwrap_or("Month"),
            duration: duration.unwrap_or(1),
            extras,
            raw,
        })
    }

    /// What a purchase chose: refused when the SKU is a subscription and the cycle is days.
    pub fn choice(&self, product: &Product, sku_id: &str) -> Result<Choice, ApiError> {
        let subscription = product
            .sku(sku_id)
            .is_some_and(|s| s.charge == Charge::Subscription);
        if subscription && self.cycle == "Day" {
            return Err(invalid("the SKU sells terms of months and years, not days"));
        }
        Ok(Choice {
            months: self.months,
            extras: self.extras.clone(),
        })
    }

    /// The renewal's months (the SKU's shortest term when none is given): refused for days.
    pub fn renewal_months(&self, call: &Call<'_>, instance: &Instance) -> Result<u32, ApiError> {
        if self.cycle == "Day" {
            return Err(invalid("a renewal is months or years, not days"));
        }
        let shortest = call
            .sim
            .world()
            .product(&instance.product_code)
            .and_then(|p| p.sku(&instance.sku_id))
            .and_then(|s| s.terms.first())
            .map(|t| t.months);
        Ok(self.months.or(shortest).unwrap_or(1))
    }

    /// The buyer's instance a renewal or an upgrade names (`MissingInstanceId`; unknown or another
    /// buyer's: `InvalidInstanceId.NotFound`); a `productCode`, when given, must be its product's
    /// (`InvalidCommodity`).
    pub fn instance(&self, call: &Call<'_>, buyer: &Buyer) -> Result<Instance, ApiError> {
        let id = self
            .instance_id
            .as_deref()
            .ok_or_else(|| ApiError::from(ErrorCode::Missing("InstanceId".into())))?;
        let instance = call
            .sim
            .store()
            .instance(id)?
            .filter(|i| i.ali_uid == buyer.ali_uid)
            .ok_or_else(|| ApiError::from(ErrorCode::NotFound("InstanceId".into())))?;
        if let Some(code) = &self.product_code {
            if *code != instance.product_code {
                return Err(invalid(&format!(
                    "productCode {code} is not the instance's product {}",
                    instance.product_code
                )));
            }
        }
        Ok(instance)
    }
}

/// The SKU a `skuCode` names: the SKU's id (`cmgj00061912-payg`), the part after
/// `<productCode>-` (`payg`), `postpay` for the product's pay-as-you-go SKU, or `prepay` for its
/// first subscription SKU.
pub fn sku_of<'a>(product: &'a Product, sku_code: &str) -> Option<&'a str> {
    let suffixed = format!("{}-{sku_code}", product.code);
    let charge = match sku_code {
        "postpay" => Some(Charge::PayAsYouGo),
        "prepay" => Some(Charge::Subscription),
        _ => None,
    };
    product
        .skus
        .iter()
        .find(|s| s.id == sku_code || s.id == suffixed)
        .or_else(|| charge.and_then(|c| product.skus.iter().find(|s| s.charge == c)))
        .map(|s| s.id.as_str())
}

/// A purchase's refusal as the OpenAPI answers it.
pub fn purchase_error(e: PurchaseError) -> ApiError {
    match e {
        PurchaseError::UnknownProduct(_) => ErrorCode::NotFound("ProductCode".into()).into(),
        PurchaseError::UnknownSku { .. } => ErrorCode::NotFound("SkuCode".into()).into(),
        e @ (PurchaseError::TermNotSold { .. } | PurchaseError::BadExtras(_)) => invalid(&e.to_string()),
        PurchaseError::InArrears => ErrorCode::Arrearage.into(),
        PurchaseError::Store(e) => e.into(),
    }
}

/// A renewal's or an upgrade's refusal as the OpenAPI answers it.
pub fn lifecycle_error(e: LifecycleError) -> ApiError {
    match e {
        LifecycleError::UnknownInstance(_) => ErrorCode::NotFound("InstanceId".into()).into(),
        e @ LifecycleError::WrongStatus { .. } => {
            ErrorCode::IncorrectInstanceStatus.with_message(e.to_string())
        }
        e @ (LifecycleError::NoTerm { .. }
        | LifecycleError::TermNotSold { .. }
        | LifecycleError::UpgradeTarget(_)
        | LifecycleError::BadExtras(_)) => invalid(&e.to_string()),
        e @ (LifecycleError::RefundWindowClosed(_) | LifecycleError::NoPendingRenewal(_)) => {
            ErrorCode::IncorrectInstanceStatus.with_message(e.to_string())
        }
        LifecycleError::Queue(crate::delivery::queue::QueueError::Store(e)) => e.into(),
        LifecycleError::Queue(e) => ErrorCode::IncorrectInstanceStatus.with_message(e.to_string()),
        LifecycleError::Store(e) => e.into(),
    }
}

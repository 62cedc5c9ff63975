//! Orders and instances as the SDK models read them: ids and `AliUid` as JSON numbers (Long),
//! prices as floats, `*Json` fields as JSON strings, times in epoch milliseconds, and the list
//! wrappers exactly where each model has them.

use crate::state::Simulator;
use crate::store::orders::{Instance, Order, Status};
use crate::store::StoreError;
use crate::world::{Product, Sku};
use serde_json::{json, Map, Value};

/// `EndOn` of a pay-as-you-go instance, which never ends: 2099-12-31 23:59:59 (+08:00), the date
/// Alibaba Cloud gives pay-as-you-go resources as their expiry.
pub const PAY_AS_YOU_GO_END: i64 = 4_102_415_999_000;

/// What this family keeps beside an instance.
#[derive(Debug, Default)]
pub struct Extras {
    /// Auto-renewal: cycle (Day/Month/Year) and duration, when on.
    pub auto_renewal: Option<(String, i64)>,
    /// The ECS instance and image an image purchase runs on.
    pub image: Option<(String, String)>,
}

impl Extras {
    pub fn of(sim: &Simulator, instance_id: &str) -> Result<Extras, StoreError> {
        let auto_renewal = sim
            .store()
            .auto_renewal(instance_id)?
            .map(|r| (r.cycle, r.duration));
        let image = sim
            .store()
            .image(instance_id)?
            .map(|i| (i.ecs_instance_id, i.image_id));
        Ok(Extras { auto_renewal, image })
    }

    /// `AutoRenewal`: a JSON string when on, empty when off.
    fn auto_renewal_json(&self) -> String {
        self.auto_renewal
            .as_ref()
            .map(|(cycle, duration)| {
                json!({"autoRenewCycle": cycle, "autoRenewDuration": duration}).to_string()
            })
            .unwrap_or_default()
    }

    /// `ImageJson`: `imageId`, `instanceId`, `ecsInstanceId`; empty when not an image purchase.
    fn image_json(&self, instance_id: &str) -> String {
        self.image
            .as_ref()
            .map(|(ecs, image)| {
                json!({"imageId": image, "instanceId": instance_id, "ecsInstanceId": ecs}).to_string()
            })
            .unwrap_or_default()
    }
}

/// A Long id as a JSON number (every id the store hands out is digits).
fn long(id: &str) -> Value {
    id.parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::from(id))
}

/// The business status the OpenAPI shows, by product type. The store's OPEN_FAILED (createInstance
/// never succeeded) has no OpenAPI name; it shows as still being opened.
pub fn status(product_type: &str, status: Status) -> &'static str {
    let opening = matches!(status, Status::Opening | Status::OpenFailed);
    match (product_type, status) {
        (_, Status::Expired) => "EXPIRED",
        (_, Status::Closed) => "CLOSED",
        ("MIRROR", _) if opening => "PRODUCE",
        ("MIRROR", _) => "USING",
        ("SERVICE", _) if opening => "READYING",
        ("SERVICE", _) => "STARTED",
        _ if opening => "OPENING",
        _ => "OPENED",
    }
}

/// The product and SKU an instance or order names, when the world still has them.
fn catalog<'a>(
    sim: &'a Simulator,
    product_code: &str,
    sku_id: &str,
) -> (Option<&'a Product>, Option<&'a Sku>) {
    let product = sim.world().product(product_code);
    (product, product.and_then(|p| p.sku(sku_id)))
}

fn product_type(sim: &Simulator, product_code: &str) -> String {
    sim.world()
        .product(product_code)
        .map(|p| p.product_type.clone())
        .unwrap_or_default()
}

/// The fields every instance view shares.
fn core(sim: &Simulator, i: &Instance) -> Map<String, Value> {
    let (product, _) = catalog(sim, &i.product_code, &i.sku_id);
    let kind = product_type(sim, &i.product_code);
    let supplier = product
        .and_then(|p| sim.world().vendor(&p.vendor))
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let mut m = Map::new();
    m.insert("InstanceId".into(), long(&i.instance_id));
    m.insert("OrderId".into(), long(&i.order_id));
    m.insert("ProductCode".into(), json!(i.product_code));
    m.insert("ProductSkuCode".into(), json!(i.sku_id));
    m.insert(
        "ProductName".into(),
        json!(product.map(|p| p.name.as_str()).unwrap_or("")),
    );
    m.insert("ProductType".into(), json!(kind));
    m.insert("Status".into(), json!(status(&kind, i.status)));
    m.insert("SupplierName".into(), json!(supplier));
    m.insert("CreatedOn".into(), json!(i.created_at));
    if let Some(opened) = i.opened_at {
        m.insert("BeganOn".into(), json!(opened));
    }
    m.insert("EndOn".into(), json!(PAY_AS_YOU_GO_END));
    m.insert("AppJson".into(), json!(i.app_info.clone().unwrap_or_default()));
    m.insert("HostJson".into(), json!(i.host_info.clone().unwrap_or_default()));
    m.insert("ExtendJson".into(), json!(""));
    m
}

/// The fields of the single-instance views (ISV, buyer, image).
fn detail(sim: &Simulator, i: &Instance, extras: &Extras) -> Map<String, Value> {
    let mut m = core(sim, i);
    m.insert(
        "ComponentJson".into(),
        json!(json!({"package_version": i.sku_id}).to_string()),
    );
    m.insert("IsTrial".into(), json!(false));
    m.insert("ActiveAddress".into(), json!(""));
    m.insert("LicenseCode".into(), json!(""));
    m.insert("AutoRenewal".into(), json!(extras.auto_renewal_json()));
    let kind = product_type(sim, &i.product_code);
    if kind == "SERVICE" {
        m.insert(
            "RelationalData".into(),
            json!({"ServiceStatus": status(&kind, i.status)}),
        );
    }
    m
}

/// The SKU as the one module it has, `package_version`.
fn module(sim: &Simulator, i: &Instance, flat: bool) -> Value {
    let (_, sku) = catalog(sim, &i.product_code, &i.sku_id);
    let value = json!({
        "Value": i.sku_id, "DisplayName": sku.map(|s| s.name.as_str()).unwrap_or(""),
        "Type": "", "Min": "", "Max": "", "Step": "", "Remark": "",
    });
    let (values, wrap_property): (Value, fn(Value) -> Value) = if flat {
        (json!([value]), |p| json!([p]))
    } else {
        (json!({"PropertyValue": [value]}), |p| json!({"Property": [p]}))
    };
    let property = json!({
        "Key": "package_version", "Name": "套餐版本", "ShowType": "DEFAULT", "DisplayUnit": "",
        "PropertyValues": values,
    });
    json!({"Id": "1", "Code": "package_version", "Name": "套餐版本", "Properties": wrap_property(property)})
}

/// DescribeInstanceForIsv: no `Modules`, no `Constraints`; with `ImageJson`.
pub fn instance_for_isv(sim: &Simulator, i: &Instance, extras: &Extras) -> Value {
    let mut m = detail(sim, i, extras);
    m.insert("ImageJson".into(), json!(extras.image_json(&i.instance_id)));
    Value::Object(m)
}

/// DescribeInstance (buyer): `Modules{Module[{…, Properties{Property[{…, PropertyValues{PropertyValue[]}}]}}]}`.
pub fn instance_for_buyer(sim: &Simulator, i: &Instance, extras: &Extras) -> Value {
    let mut m = detail(sim, i, extras);
    m.insert("Constraints".into(), json!(""));
    m.insert("Modules".into(), json!({"Module": [module(sim, i, false)]}));
    Value::Object(m)
}

/// DescribeImageInstanceForIsv: like DescribeInstance, with `Modules` flat at every level.
pub fn image_instance(sim: &Simulator, i: &Instance, extras: &Extras) -> Value {
    let mut m = detail(sim, i, extras);
    m.insert("Constraints".into(), json!(""));
    m.insert("Modules".into(), json!([module(sim, i, true)]));
    Value::Object(m)
}

/// One `InstanceItem` of DescribeInstances.
pub fn instance_item(sim: &Simulator, i: &Instance, extras: &Extras) -> Value {
    let mut m = core(sim, i);
    m.insert("ApiJson".into(), json!(""));
    m.insert("IdaasJson".into(), json!(""));
    m.insert("ImageJson".into(), json!(extras.image_json(&i.instance_id)));
    Value::Object(m)
}

/// DescribeOrder (`isv` false: supplier fields, `InstanceIds{InstanceId[]}`) or
/// DescribeOrderForIsv (`isv` true: `InstanceIds` a flat array).
pub fn order(sim: &Simulator, o: &Order, isv: bool) -> Value {
    let (product, sku) = catalog(sim, &o.product_code, &o.sku_id);
    let sku_name = sku.map(|s| s.name.as_str()).unwrap_or("");
    let mut m = Map::new();
    m.insert("OrderId".into(), long(&o.order_id));
    m.insert("AliUid".into(), long(&o.ali_uid));
    m.insert("ProductCode".into(), json!(o.product_code));
    m.insert(
        "ProductName".into(),
        json!(product.map(|p| p.name.as_str()).unwrap_or("")),
    );
    m.insert("ProductSkuCode".into(), json!(o.sku_id));
    m.insert("OrderType".into(), json!(o.order_type));
    m.insert("OrderStatus".into(), json!("NORMAL"));
    m.insert("PayStatus".into(), json!(o.pay_status));
    m.insert("Quantity".into(), json!(1));
    m.insert("AccountQuantity".into(), json!(1));
    m.insert("CreatedOn".into(), json!(o.created_at));
    if o.pay_status == "PAID" {
        m.insert("PaidOn".into(), json!(o.created_at));
    }
    for price in ["OriginalPrice", "TotalPrice", "PaymentPrice", "CouponPrice"] {
        m.insert(price.into(), json!(0.0));
    }
    m.insert(
        "Components".into(),
        json!({"package_version": {
            "code": "package_version",
            "globarKey": format!("{}_package_version_package_version_{}", o.product_code, o.sku_id),
            "name": sku_name,
            "value": o.sku_id,
        }}),
    );
    if isv {
        m.insert("InstanceIds".into(), json!([o.instance_id]));
    } else {
        let supplier = product
            .and_then(|p| sim.world().vendor(&p.vendor))
            .map(|v| v.name.clone())
            .unwrap_or_default();
        m.insert("SupplierCompanyName".into(), json!(supplier));
        m.insert("SupplierTelephones".into(), json!({"Telephone": []}));
        m.insert("InstanceIds".into(), json!({"InstanceId": [o.instance_id]}));
    }
    Value::Object(m)
}

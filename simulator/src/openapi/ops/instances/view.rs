//! Orders and instances as the SDK models read them: ids and `AliUid` as JSON numbers (Long),
//! prices as floats, `*Json` fields as JSON strings, times in epoch milliseconds, and the list
//! wrappers exactly where each model has them. Each operation's model (`DescribeInstanceResponseBody`,
//! `DescribeOrderForIsvResponseBody`, …) flattens in the parts the views share: [`InstanceCore`],
//! [`InstanceDetail`], [`OrderCore`].

use crate::lifecycle::dates::PAY_AS_YOU_GO_END;
use crate::openapi::answer::Long;
use crate::state::Simulator;
use crate::store::orders::{Instance, Order, Status};
use crate::store::StoreError;
use crate::world::{period_type, term_words, Product, Sku};
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

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
        let extras = sim.store().purchase_extras(instance_id)?;
        Ok(Extras {
            auto_renewal: extras.auto_renewal.map(|r| (r.cycle, r.duration)),
            image: extras.image.map(|i| (i.ecs_instance_id, i.image_id)),
        })
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
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceCore<'a> {
    instance_id: Long<'a>,
    order_id: Long<'a>,
    product_code: &'a str,
    product_sku_code: &'a str,
    product_name: &'a str,
    product_type: String,
    status: &'static str,
    supplier_name: String,
    created_on: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    began_on: Option<i64>,
    end_on: i64,
    app_json: String,
    host_json: String,
    extend_json: &'static str,
}

impl<'a> InstanceCore<'a> {
    fn of(sim: &'a Simulator, i: &'a Instance) -> InstanceCore<'a> {
        let (product, _) = catalog(sim, &i.product_code, &i.sku_id);
        let kind = product_type(sim, &i.product_code);
        let supplier = product
            .and_then(|p| sim.world().vendor(&p.vendor))
            .map(|v| v.name.clone())
            .unwrap_or_default();
        InstanceCore {
            instance_id: Long(&i.instance_id),
            order_id: Long(&i.order_id),
            product_code: &i.product_code,
            product_sku_code: &i.sku_id,
            product_name: product.map(|p| p.name.as_str()).unwrap_or(""),
            status: status(&kind, i.status),
            product_type: kind,
            supplier_name: supplier,
            created_on: i.created_at,
            began_on: i.opened_at,
            end_on: i.expires_at.unwrap_or(PAY_AS_YOU_GO_END),
            app_json: i.app_info.clone().unwrap_or_default(),
            host_json: i.host_info.clone().unwrap_or_default(),
            extend_json: "",
        }
    }
}

/// The fields of the single-instance views (ISV, buyer, image).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceDetail<'a> {
    #[serde(flatten)]
    core: InstanceCore<'a>,
    component_json: String,
    is_trial: bool,
    active_address: &'static str,
    license_code: &'static str,
    auto_renewal: String,
    /// A SERVICE instance's only.
    #[serde(skip_serializing_if = "Option::is_none")]
    relational_data: Option<RelationalData>,
}

/// `RelationalData` of a SERVICE instance (the SDK's `…ResponseBodyRelationalData`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RelationalData {
    service_status: &'static str,
}

impl<'a> InstanceDetail<'a> {
    fn of(sim: &'a Simulator, i: &'a Instance, extras: &Extras) -> InstanceDetail<'a> {
        let core = InstanceCore::of(sim, i);
        let relational_data = (core.product_type == "SERVICE").then_some(RelationalData {
            service_status: core.status,
        });
        let mut components = serde_json::Map::new();
        components.insert("package_version".into(), json!(i.sku_id));
        for (key, count) in &i.extras {
            components.insert(key.clone(), json!(count.to_string()));
        }
        let is_trial = catalog(sim, &i.product_code, &i.sku_id)
            .1
            .is_some_and(|s| s.charge == crate::world::Charge::Trial);
        InstanceDetail {
            core,
            component_json: serde_json::Value::Object(components).to_string(),
            is_trial,
            active_address: "",
            license_code: "",
            auto_renewal: extras.auto_renewal_json(),
            relational_data,
        }
    }
}

/// DescribeInstanceForIsv: no `Modules`, no `Constraints`; with `ImageJson`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstanceForIsvResponseBody<'a> {
    #[serde(flatten)]
    detail: InstanceDetail<'a>,
    image_json: String,
}

pub fn instance_for_isv<'a>(
    sim: &'a Simulator,
    i: &'a Instance,
    extras: &Extras,
) -> DescribeInstanceForIsvResponseBody<'a> {
    DescribeInstanceForIsvResponseBody {
        detail: InstanceDetail::of(sim, i, extras),
        image_json: extras.image_json(&i.instance_id),
    }
}

/// DescribeInstance (buyer): `Modules{Module[{…, Properties{Property[{…, PropertyValues{PropertyValue[]}}]}}]}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstanceResponseBody<'a> {
    #[serde(flatten)]
    detail: InstanceDetail<'a>,
    constraints: &'static str,
    modules: DescribeInstanceResponseBodyModules<'a>,
}

#[derive(Serialize)]
pub struct DescribeInstanceResponseBodyModules<'a> {
    #[serde(rename = "Module")]
    module: [Module<DescribeInstanceResponseBodyModulesModuleProperties<'a>>; 1],
}

#[derive(Serialize)]
pub struct DescribeInstanceResponseBodyModulesModuleProperties<'a> {
    #[serde(rename = "Property")]
    property: [Property<DescribeInstanceResponseBodyModulesModulePropertiesPropertyPropertyValues<'a>>; 1],
}

#[derive(Serialize)]
pub struct DescribeInstanceResponseBodyModulesModulePropertiesPropertyPropertyValues<'a> {
    #[serde(rename = "PropertyValue")]
    property_value: [PropertyValue<'a>; 1],
}

pub fn instance_for_buyer<'a>(
    sim: &'a Simulator,
    i: &'a Instance,
    extras: &Extras,
) -> DescribeInstanceResponseBody<'a> {
    let value = PropertyValue::of(sim, i);
    DescribeInstanceResponseBody {
        detail: InstanceDetail::of(sim, i, extras),
        constraints: "",
        modules: DescribeInstanceResponseBodyModules {
            module: [Module::package_version(
                DescribeInstanceResponseBodyModulesModuleProperties {
                    property: [Property::package_version(
                        DescribeInstanceResponseBodyModulesModulePropertiesPropertyPropertyValues {
                            property_value: [value],
                        },
                    )],
                },
            )],
        },
    }
}

/// DescribeImageInstanceForIsv: like DescribeInstance, with `Modules` a plain list at every level
/// (the SDK's `…ResponseBodyModules`, `…ModulesProperties`, `…ModulesPropertiesPropertyValues` are
/// its items).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImageInstanceForIsvResponseBody<'a> {
    #[serde(flatten)]
    detail: InstanceDetail<'a>,
    constraints: &'static str,
    modules: [Module<[Property<[PropertyValue<'a>; 1]>; 1]>; 1],
}

pub fn image_instance<'a>(
    sim: &'a Simulator,
    i: &'a Instance,
    extras: &Extras,
) -> DescribeImageInstanceForIsvResponseBody<'a> {
    let value = PropertyValue::of(sim, i);
    DescribeImageInstanceForIsvResponseBody {
        detail: InstanceDetail::of(sim, i, extras),
        constraints: "",
        modules: [Module::package_version([Property::package_version([value])])],
    }
}

/// The SKU as the one module an instance has, `package_version`; `Properties` is a list, plain or
/// wrapped as the operation's model has it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Module<Properties> {
    id: &'static str,
    code: &'static str,
    name: &'static str,
    properties: Properties,
}

impl<Properties> Module<Properties> {
    fn package_version(properties: Properties) -> Module<Properties> {
        Module {
            id: "1",
            code: "package_version",
            name: "套餐版本",
            properties,
        }
    }
}

/// The module's one property; `PropertyValues` is a list, plain or wrapped.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Property<Values> {
    key: &'static str,
    name: &'static str,
    show_type: &'static str,
    display_unit: &'static str,
    property_values: Values,
}

impl<Values> Property<Values> {
    fn package_version(property_values: Values) -> Property<Values> {
        Property {
            key: "package_version",
            name: "套餐版本",
            show_type: "DEFAULT",
            display_unit: "",
            property_values,
        }
    }
}

/// The property's one value: the instance's SKU.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PropertyValue<'a> {
    value: &'a str,
    display_name: &'a str,
    #[serde(rename = "Type")]
    kind: &'static str,
    min: &'static str,
    max: &'static str,
    step: &'static str,
    remark: &'static str,
}

impl<'a> PropertyValue<'a> {
    fn of(sim: &'a Simulator, i: &'a Instance) -> PropertyValue<'a> {
        let (_, sku) = catalog(sim, &i.product_code, &i.sku_id);
        PropertyValue {
            value: &i.sku_id,
            display_name: sku.map(|s| s.name.as_str()).unwrap_or(""),
            kind: "",
            min: "",
            max: "",
            step: "",
            remark: "",
        }
    }
}

/// One `InstanceItem` of DescribeInstances.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstancesResponseBodyInstanceItemsInstanceItem<'a> {
    #[serde(flatten)]
    core: InstanceCore<'a>,
    api_json: &'static str,
    idaas_json: &'static str,
    image_json: String,
}

pub fn instance_item<'a>(
    sim: &'a Simulator,
    i: &'a Instance,
    extras: &Extras,
) -> DescribeInstancesResponseBodyInstanceItemsInstanceItem<'a> {
    DescribeInstancesResponseBodyInstanceItemsInstanceItem {
        core: InstanceCore::of(sim, i),
        api_json: "",
        idaas_json: "",
        image_json: extras.image_json(&i.instance_id),
    }
}

/// The fields DescribeOrder and DescribeOrderForIsv share.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderCore<'a> {
    order_id: Long<'a>,
    ali_uid: Long<'a>,
    product_code: &'a str,
    product_name: &'a str,
    product_sku_code: &'a str,
    order_type: &'a str,
    order_status: &'a str,
    pay_status: &'a str,
    /// A term's: MONTH, SEASON, HALFYEAR, YEAR, TWOYEARS; ONCE for a trial or pay-as-you-go.
    period_type: &'static str,
    quantity: i64,
    account_quantity: i64,
    created_on: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    paid_on: Option<i64>,
    original_price: f64,
    total_price: f64,
    payment_price: f64,
    coupon_price: f64,
    /// A JSON object in the model (`Components: any`), keyed by module: `package_version` (the
    /// SKU), `ord_time` (a term's months) and each extra billing item.
    components: BTreeMap<String, Component>,
}

#[derive(Serialize)]
pub struct Component {
    code: String,
    #[serde(rename = "globarKey")]
    globar_key: String,
    name: String,
    value: String,
}

impl Component {
    fn of(product_code: &str, code: &str, name: String, value: String) -> Component {
        Component {
            globar_key: format!("{product_code}_{code}_{code}_{value}"),
            code: code.to_owned(),
            name,
            value,
        }
    }
}

impl<'a> OrderCore<'a> {
    fn of(sim: &'a Simulator, o: &'a Order) -> OrderCore<'a> {
        let (product, sku) = catalog(sim, &o.product_code, &o.sku_id);
        let mut components = BTreeMap::new();
        let sku_name = sku.map(|s| s.name.clone()).unwrap_or_default();
        components.insert(
            "package_version".to_owned(),
            Component::of(&o.product_code, "package_version", sku_name, o.sku_id.clone()),
        );
        if let Some(months) = o.months {
            components.insert(
                "ord_time".to_owned(),
                Component::of(
                    &o.product_code,
                    "ord_time",
                    term_words(months),
                    format!("{months}:Month"),
                ),
            );
        }
        for (key, count) in &o.extras {
            components.insert(
                key.clone(),
                Component::of(&o.product_code, key, count.to_string(), count.to_string()),
            );
        }
        let price = o.price.to_f64().unwrap_or_default();
        OrderCore {
            order_id: Long(&o.order_id),
            ali_uid: Long(&o.ali_uid),
            product_code: &o.product_code,
            product_name: product.map(|p| p.name.as_str()).unwrap_or(""),
            product_sku_code: &o.sku_id,
            order_type: &o.order_type,
            order_status: &o.order_status,
            pay_status: &o.pay_status,
            period_type: o.months.map_or("ONCE", period_type),
            quantity: 1,
            account_quantity: 1,
            created_on: o.created_at,
            paid_on: (o.pay_status == "PAID").then_some(o.created_at),
            original_price: price,
            total_price: price,
            payment_price: price,
            coupon_price: 0.0,
            components,
        }
    }
}

/// DescribeOrderForIsv: `InstanceIds` a plain list.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrderForIsvResponseBody<'a> {
    #[serde(flatten)]
    core: OrderCore<'a>,
    instance_ids: [&'a str; 1],
}

pub fn order_for_isv<'a>(sim: &'a Simulator, o: &'a Order) -> DescribeOrderForIsvResponseBody<'a> {
    DescribeOrderForIsvResponseBody {
        core: OrderCore::of(sim, o),
        instance_ids: [&o.instance_id],
    }
}

/// DescribeOrder: the supplier's fields, `InstanceIds{InstanceId[]}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrderResponseBody<'a> {
    #[serde(flatten)]
    core: OrderCore<'a>,
    supplier_company_name: String,
    supplier_telephones: DescribeOrderResponseBodySupplierTelephones,
    instance_ids: DescribeOrderResponseBodyInstanceIds<'a>,
}

#[derive(Serialize)]
pub struct DescribeOrderResponseBodySupplierTelephones {
    #[serde(rename = "Telephone")]
    telephone: [&'static str; 0],
}

#[derive(Serialize)]
pub struct DescribeOrderResponseBodyInstanceIds<'a> {
    #[serde(rename = "InstanceId")]
    instance_id: [&'a str; 1],
}

pub fn order<'a>(sim: &'a Simulator, o: &'a Order) -> DescribeOrderResponseBody<'a> {
    let (product, _) = catalog(sim, &o.product_code, &o.sku_id);
    let supplier = product
        .and_then(|p| sim.world().vendor(&p.vendor))
        .map(|v| v.name.clone())
        .unwrap_or_default();
    DescribeOrderResponseBody {
        core: OrderCore::of(sim, o),
        supplier_company_name: supplier,
        supplier_telephones: DescribeOrderResponseBodySupplierTelephones { telephone: [] },
        instance_ids: DescribeOrderResponseBodyInstanceIds {
            instance_id: [&o.instance_id],
        },
    }
}

//! The instances family of the Market OpenAPI: every operation's answer against the SDK model's
//! field names and JSON types, tenancy, paging and filters, parameter errors, and a purchase through
//! CreateOrder delivered to a wiremock vendor.

mod common;

use axum::http::StatusCode;
use common::openapi::{buyer, err, http, ok, operation, vendor, ApiError, Caller};
use common::{simulator, world_with_vendor};
use marketsim_simulator::{Simulator, World};
use serde_json::{json, Value};
use std::time::Duration;
use testkit::vendor::{create_instance, Vendor};
use wiremock::ResponseTemplate;

/// The seeded purchase (fixtures/openapi/instances.yaml): opened, with an ECS image and auto-renewal.
const SEEDED_INSTANCE: &str = "15511111";
const SEEDED_ORDER: &str = "204211111111111";
/// The seeded purchase whose opening failed.
const FAILED_INSTANCE: &str = "15512222";
const SEEDED_ECS: &str = "i-bp1seedzilliz0001";
const SEEDED_CUSTOMER: &str = "1903111111115678";
/// Pay-as-you-go instances end on 2099-12-31 23:59:59 +08:00.
const NEVER: i64 = 4_102_415_999_000;

const READY: &str = r#"{"instanceId":"zc-9001","appInfo":{"frontEndUrl":"http://vendor/","authUrl":"http://vendor/sso?x=1"},"hostInfo":{"region":"cn-hangzhou"}}"#;

/// The JSON types of the SDK models' fields.
#[derive(Debug, Clone, Copy, PartialEq)]
enum T {
    Int,
    Float,
    Str,
    Bool,
    Obj,
    List,
}

fn type_of(v: &Value) -> Option<T> {
    match v {
        Value::Number(n) if n.is_f64() => Some(T::Float),
        Value::Number(_) => Some(T::Int),
        Value::String(_) => Some(T::Str),
        Value::Bool(_) => Some(T::Bool),
        Value::Object(_) => Some(T::Obj),
        Value::Array(_) => Some(T::List),
        Value::Null => None,
    }
}

/// Every key of `answer` is a field of the model with the model's type, and every field of the
/// model is there except those in `absent` (RequestId is the dispatcher's, never the operation's).
fn assert_model(answer: &Value, model: &[(&str, T)], absent: &[&str]) {
    let fields = answer.as_object().expect("an object");
    for (key, value) in fields {
        let expected = model
            .iter()
            .find(|(name, _)| name == key)
            .unwrap_or_else(|| panic!("{key} is not a field of the model: {answer}"));
        assert_eq!(type_of(value), Some(expected.1), "{key} in {answer}");
    }
    for (name, _) in model {
        if *name != "RequestId" && !absent.contains(name) {
            assert!(fields.contains_key(*name), "{name} missing from {answer}");
        }
    }
    for name in absent {
        assert!(
            !fields.contains_key(*name),
            "{name} should be absent from {answer}"
        );
    }
}

const INSTANCE_FOR_ISV: &[(&str, T)] = &[
    ("ActiveAddress", T::Str),
    ("AppJson", T::Str),
    ("AutoRenewal", T::Str),
    ("BeganOn", T::Int),
    ("ComponentJson", T::Str),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("ImageJson", T::Str),
    ("InstanceId", T::Int),
    ("IsTrial", T::Bool),
    ("LicenseCode", T::Str),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("RelationalData", T::Obj),
    ("RequestId", T::Str),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

const INSTANCE_FOR_BUYER: &[(&str, T)] = &[
    ("ActiveAddress", T::Str),
    ("AppJson", T::Str),
    ("AutoRenewal", T::Str),
    ("BeganOn", T::Int),
    ("ComponentJson", T::Str),
    ("Constraints", T::Str),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("InstanceId", T::Int),
    ("IsTrial", T::Bool),
    ("LicenseCode", T::Str),
    ("Modules", T::Obj),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("RelationalData", T::Obj),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

const IMAGE_INSTANCE: &[(&str, T)] = &[
    ("ActiveAddress", T::Str),
    ("AppJson", T::Str),
    ("AutoRenewal", T::Str),
    ("BeganOn", T::Int),
    ("ComponentJson", T::Str),
    ("Constraints", T::Str),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("InstanceId", T::Int),
    ("IsTrial", T::Bool),
    ("LicenseCode", T::Str),
    ("Modules", T::List),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("RelationalData", T::Obj),
    ("RequestId", T::Str),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

const INSTANCES: &[(&str, T)] = &[
    ("InstanceItems", T::Obj),
    ("PageNumber", T::Int),
    ("PageSize", T::Int),
    ("RequestId", T::Str),
    ("TotalCount", T::Int),
];

const INSTANCE_ITEM: &[(&str, T)] = &[
    ("ApiJson", T::Str),
    ("AppJson", T::Str),
    ("BeganOn", T::Int),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("IdaasJson", T::Str),
    ("ImageJson", T::Str),
    ("InstanceId", T::Int),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

const ORDER: &[(&str, T)] = &[
    ("AccountQuantity", T::Int),
    ("AliUid", T::Int),
    ("Components", T::Obj),
    ("CouponPrice", T::Float),
    ("CreatedOn", T::Int),
    ("InstanceIds", T::Obj),
    ("OrderId", T::Int),
    ("OrderStatus", T::Str),
    ("OrderType", T::Str),
    ("OriginalPrice", T::Float),
    ("PaidOn", T::Int),
    ("PayStatus", T::Str),
    ("PaymentPrice", T::Float),
    ("PeriodType", T::Str),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("Quantity", T::Int),
    ("RequestId", T::Str),
    ("SupplierCompanyName", T::Str),
    ("SupplierTelephones", T::Obj),
    ("TotalPrice", T::Float),
];

const ORDER_FOR_ISV: &[(&str, T)] = &[
    ("AccountQuantity", T::Int),
    ("AliUid", T::Int),
    ("Components", T::Obj),
    ("CouponPrice", T::Float),
    ("CreatedOn", T::Int),
    ("InstanceIds", T::List),
    ("OrderId", T::Int),
    ("OrderStatus", T::Str),
    ("OrderType", T::Str),
    ("OriginalPrice", T::Float),
    ("PaidOn", T::Int),
    ("PayStatus", T::Str),
    ("PaymentPrice", T::Float),
    ("PeriodType", T::Str),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("Quantity", T::Int),
    ("RequestId", T::Str),
    ("TotalPrice", T::Float),
];

const CREATE_ORDER: &[(&str, T)] = &[
    ("InstanceIds", T::Obj),
    ("OrderId", T::Str),
    ("RequestId", T::Str),
];

const AUTO_RENEW: &[(&str, T)] = &[("Data", T::Bool), ("RequestId", T::Str), ("Success", T::Bool)];

/// A `*Json` field, parsed.
fn inner(answer: &Value, field: &str) -> Value {
    serde_json::from_str(answer[field].as_str().expect("a JSON string")).expect("JSON inside")
}

/// The default world plus a second vendor with a SERVICE product.
fn two_vendor_world() -> World {
    let mut world = World::default_world();
    let mut other = world.vendors[0].clone();
    other.id = "acme".into();
    other.name = "Acme".into();
    other.access_key_id = "LTAI5tAcmeVendor00001".into();
    world.vendors.push(other);
    let mut product = world.products[0].clone();
    product.code = "cmgj00099999".into();
    product.name = "Acme Search".into();
    product.vendor = "acme".into();
    product.product_type = "SERVICE".into();
    product.skus[0].id = "cmgj00099999-payg".into();
    world.products.push(product);
    world
}

fn commodity(product: &str, sku: &str) -> String {
    json!({"productCode": product, "skuCode": sku, "duration": 1, "pricingCycle": "Month",
        "components": {"package_version": sku}})
    .to_string()
}

/// Buys through CreateOrder; returns (OrderId, InstanceId).
fn buy(sim: &Simulator, login: &str, product: &str, token: &str) -> (String, String) {
    let sku = format!("{product}-payg");
    let answer = ok(
        sim,
        &buyer(sim, login),
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &commodity(product, &sku)),
            ("PaymentType", "AUTO"),
            ("ClientToken", token),
        ],
    );
    (
        answer["OrderId"].as_str().unwrap().to_owned(),
        answer["InstanceIds"]["InstanceId"][0]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[test]
fn every_operation_of_the_family_is_in_the_operation_table() {
    for action in [
        "DescribeInstanceForIsv",
        "DescribeOrderForIsv",
        "DescribeImageInstanceForIsv",
        "DescribeInstance",
        "DescribeInstances",
        "DescribeOrder",
        "CreateOrder",
        "AutoRenewInstance",
    ] {
        assert!(operation(action).is_some(), "{action}");
    }
}

#[test]
fn the_vendor_reads_a_seeded_instance_in_the_isv_model_shape() {
    let sim = Simulator::for_tests();
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
    );
    assert_model(&a, INSTANCE_FOR_ISV, &["RelationalData"]);
    assert_eq!(a["InstanceId"], json!(15511111));
    assert_eq!(a["OrderId"], json!(204211111111111_i64));
    assert_eq!(a["Status"], "OPENED");
    assert_eq!(a["ProductCode"], "cmgj00061912");
    assert_eq!(a["ProductSkuCode"], "cmgj00061912-payg");
    assert_eq!(a["ProductName"], "Zilliz Cloud");
    assert_eq!(a["ProductType"], "APP");
    assert_eq!(a["SupplierName"], "Zilliz");
    assert_eq!(a["IsTrial"], false);
    assert_eq!(a["EndOn"], json!(NEVER));
    // 2023-08-01 09:30 and 09:32 +08:00.
    assert_eq!(a["CreatedOn"], json!(1_690_853_400_000_i64));
    assert_eq!(a["BeganOn"], json!(1_690_853_520_000_i64));
    assert_eq!(
        inner(&a, "AppJson")["authUrl"],
        "https://cloud.zilliz.com/aliyun/sso"
    );
    assert_eq!(inner(&a, "HostJson"), json!({"region": "cn-hangzhou"}));
    assert_eq!(
        inner(&a, "AutoRenewal"),
        json!({"autoRenewCycle": "Month", "autoRenewDuration": 1})
    );
    assert_eq!(
        inner(&a, "ImageJson"),
        json!({"imageId": "m-bp1seedzilliz0001", "instanceId": SEEDED_INSTANCE, "ecsInstanceId": SEEDED_ECS})
    );
    assert_eq!(
        inner(&a, "ComponentJson"),
        json!({"package_version": "cmgj00061912-payg"})
    );
}

#[test]
fn an_instance_whose_opening_failed_shows_as_still_opening_with_no_start() {
    let sim = Simulator::for_tests();
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", FAILED_INSTANCE)],
    );
    assert_model(&a, INSTANCE_FOR_ISV, &["RelationalData", "BeganOn"]);
    assert_eq!(a["Status"], "OPENING");
    assert_eq!(a["AppJson"], "");
    assert_eq!(a["AutoRenewal"], "", "auto-renewal off reads empty");
    assert_eq!(a["ImageJson"], "");
}

#[test]
fn the_vendor_reads_a_seeded_order_with_its_instance_ids_as_a_flat_array() {
    let sim = Simulator::for_tests();
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeOrderForIsv",
        &[("OrderId", SEEDED_ORDER)],
    );
    assert_model(&a, ORDER_FOR_ISV, &["PeriodType"]);
    assert_eq!(a["InstanceIds"], json!([SEEDED_INSTANCE]));
    assert_eq!(a["AliUid"], json!(1_903_111_111_115_678_i64));
    assert_eq!(a["OrderType"], "NEW");
    assert_eq!(a["OrderStatus"], "NORMAL");
    assert_eq!(a["PayStatus"], "PAID");
    assert_eq!(a["PaymentPrice"], json!(0.0));
    assert_eq!(a["Quantity"], 1);
    assert_eq!(a["Components"]["package_version"]["value"], "cmgj00061912-payg");
    assert_eq!(a["Components"]["package_version"]["name"], "按量付费");
}

#[test]
fn the_image_instance_is_found_by_its_ecs_instance_and_shows_flat_modules() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    let a = ok(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS)],
    );
    assert_model(&a, IMAGE_INSTANCE, &["RelationalData"]);
    assert_eq!(a["InstanceId"], json!(15511111));
    let module = &a["Modules"][0];
    assert_eq!(module["Code"], "package_version");
    assert_eq!(module["Properties"][0]["Key"], "package_version");
    assert_eq!(
        module["Properties"][0]["PropertyValues"][0]["Value"],
        "cmgj00061912-payg"
    );
    let with_customer = ok(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS), ("CustomerPk", SEEDED_CUSTOMER)],
    );
    assert_eq!(with_customer["InstanceId"], a["InstanceId"]);

    let wrong_customer = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS), ("CustomerPk", "1763420985012345")],
    );
    let unknown = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", "i-nothere")],
    );
    assert_eq!(wrong_customer, unknown, "another customer's reads as unknown");
    assert_eq!(unknown.code, "InvalidEcsInstanceId.NotFound");
    assert_eq!(unknown.status, 404);
    let missing = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("CustomerPk", SEEDED_CUSTOMER)],
    );
    assert_eq!(missing.code, "MissingEcsInstanceId");
    let bad_pk = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS), ("CustomerPk", "me")],
    );
    assert_eq!(bad_pk.code, "InvalidCustomerPk");
}

#[test]
fn a_buyer_calling_an_isv_operation_is_refused_with_forbidden_ram() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    for (action, params) in [
        ("DescribeInstanceForIsv", ("InstanceId", SEEDED_INSTANCE)),
        ("DescribeOrderForIsv", ("OrderId", SEEDED_ORDER)),
        ("DescribeImageInstanceForIsv", ("EcsInstanceId", SEEDED_ECS)),
    ] {
        let e = err(&sim, &b, action, &[params]);
        assert_eq!((e.status, e.code.as_str()), (403, "Forbidden.RAM"), "{action}");
    }
}

#[test]
fn a_vendor_calling_a_buyer_operation_is_refused_with_forbidden_ram() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    for (action, params) in [
        ("DescribeInstance", vec![("InstanceId", SEEDED_INSTANCE)]),
        ("DescribeInstances", vec![("PageNumber", "1"), ("PageSize", "10")]),
        ("DescribeOrder", vec![("OrderId", SEEDED_ORDER)]),
        (
            "CreateOrder",
            vec![
                ("OrderType", "INSTANCE_BUY"),
                (
                    "Commodity",
                    r#"{"productCode":"cmgj00061912","skuCode":"postpay"}"#,
                ),
                ("PaymentType", "AUTO"),
                ("ClientToken", "t-1"),
            ],
        ),
        (
            "AutoRenewInstance",
            vec![("OrderBizId", SEEDED_INSTANCE), ("Type", "close")],
        ),
    ] {
        let e = err(&sim, &v, action, &params);
        assert_eq!((e.status, e.code.as_str()), (403, "Forbidden.RAM"), "{action}");
    }
    assert!(sim
        .store()
        .instances_of(&sim.world().buyers[0].ali_uid)
        .unwrap()
        .is_empty());
}

#[test]
fn another_vendor_sees_the_first_vendors_instances_and_orders_as_unknown() {
    let sim = simulator(two_vendor_world());
    let acme = Caller::Vendor(sim.world().vendor("acme").unwrap());
    for (action, name, id, unknown) in [
        (
            "DescribeInstanceForIsv",
            "InstanceId",
            SEEDED_INSTANCE,
            "99999999",
        ),
        ("DescribeOrderForIsv", "OrderId", SEEDED_ORDER, "299999999999999"),
    ] {
        let theirs = err(&sim, &acme, action, &[(name, id)]);
        let nobodys = err(&sim, &acme, action, &[(name, unknown)]);
        assert_eq!(theirs, nobodys, "{action}");
        assert_eq!(theirs.status, 404);
        assert_eq!(theirs.code, format!("Invalid{name}.NotFound"));
    }
    let image = err(
        &sim,
        &acme,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS)],
    );
    assert_eq!(image.code, "InvalidEcsInstanceId.NotFound");
    // Acme does see its own product's purchases.
    let (order, instance) = buy(&sim, "buyer-1", "cmgj00099999", "acme-1");
    let a = ok(
        &sim,
        &acme,
        "DescribeInstanceForIsv",
        &[("InstanceId", &instance)],
    );
    assert_eq!(a["Status"], "READYING", "a SERVICE product not yet started");
    assert_model(&a, INSTANCE_FOR_ISV, &["BeganOn"]);
    assert_eq!(a["RelationalData"], json!({"ServiceStatus": "READYING"}));
    ok(&sim, &acme, "DescribeOrderForIsv", &[("OrderId", &order)]);
    let zilliz = vendor(&sim);
    assert_eq!(
        err(&sim, &zilliz, "DescribeOrderForIsv", &[("OrderId", &order)]).code,
        "InvalidOrderId.NotFound"
    );
}

#[test]
fn a_buyer_sees_another_buyers_instance_and_order_as_unknown() {
    let sim = Simulator::for_tests();
    let (order, instance) = buy(&sim, "buyer-1", "cmgj00061912", "mine");
    let other = buyer(&sim, "buyer-2");
    for (action, name, id, unknown) in [
        ("DescribeInstance", "InstanceId", instance.as_str(), "99999999"),
        ("DescribeOrder", "OrderId", order.as_str(), "299999999999999"),
        ("DescribeInstance", "InstanceId", SEEDED_INSTANCE, "99999999"),
    ] {
        let theirs = err(&sim, &other, action, &[(name, id)]);
        assert_eq!(theirs, err(&sim, &other, action, &[(name, unknown)]), "{action}");
        assert_eq!(theirs.code, format!("Invalid{name}.NotFound"));
    }
    let renew = err(
        &sim,
        &other,
        "AutoRenewInstance",
        &[("OrderBizId", &instance), ("Type", "close")],
    );
    assert_eq!(renew.code, "InvalidOrderBizId.NotFound");
    let listed = ok(
        &sim,
        &other,
        "DescribeInstances",
        &[("PageNumber", "1"), ("PageSize", "10")],
    );
    assert_eq!(listed["TotalCount"], 0);
    assert_eq!(listed["InstanceItems"], json!({"InstanceItem": []}));
}

#[test]
fn missing_and_malformed_ids_get_the_missing_and_invalid_codes() {
    let sim = Simulator::for_tests();
    let (v, b) = (vendor(&sim), buyer(&sim, "buyer-1"));
    for (caller, action, name) in [
        (&v, "DescribeInstanceForIsv", "InstanceId"),
        (&v, "DescribeOrderForIsv", "OrderId"),
        (&b, "DescribeInstance", "InstanceId"),
        (&b, "DescribeOrder", "OrderId"),
        (&b, "AutoRenewInstance", "OrderBizId"),
    ] {
        let missing = err(&sim, caller, action, &[("Type", "close")]);
        assert_eq!(
            (missing.status, missing.code.clone()),
            (400, format!("Missing{name}"))
        );
        let empty = err(&sim, caller, action, &[(name, ""), ("Type", "close")]);
        assert_eq!(empty.code, format!("Missing{name}"));
        let malformed = err(&sim, caller, action, &[(name, "i-abc"), ("Type", "close")]);
        assert_eq!(
            (malformed.status, malformed.code),
            (400, format!("Invalid{name}"))
        );
    }
}

#[test]
fn the_buyer_reads_its_instance_and_order_in_the_buyer_model_shapes() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let (order, instance) = buy(&sim, "buyer-1", "cmgj00061912", "shape");
    let a = ok(&sim, &b, "DescribeInstance", &[("InstanceId", &instance)]);
    assert_model(&a, INSTANCE_FOR_BUYER, &["RelationalData", "BeganOn"]);
    assert_eq!(a["Status"], "OPENING");
    assert_eq!(a["InstanceId"], json!(instance.parse::<i64>().unwrap()));
    assert_eq!(a["OrderId"], json!(order.parse::<i64>().unwrap()));
    let module = &a["Modules"]["Module"][0];
    assert_eq!(module["Code"], "package_version");
    let value = &module["Properties"]["Property"][0]["PropertyValues"]["PropertyValue"][0];
    assert_eq!(value["Value"], "cmgj00061912-payg");
    assert_eq!(value["DisplayName"], "按量付费");

    let o = ok(&sim, &b, "DescribeOrder", &[("OrderId", &order)]);
    assert_model(&o, ORDER, &["PeriodType"]);
    assert_eq!(o["InstanceIds"], json!({"InstanceId": [instance]}));
    assert_eq!(o["AliUid"], json!(1_763_420_985_012_345_i64));
    assert_eq!(o["SupplierCompanyName"], "Zilliz");
    assert_eq!(o["SupplierTelephones"], json!({"Telephone": []}));
    assert_eq!(o["CreatedOn"], o["PaidOn"], "paid at once");
    assert_eq!(o["CreatedOn"], a["CreatedOn"]);
    assert_eq!(o["TotalPrice"], json!(0.0));
}

#[test]
fn describe_instances_pages_the_buyers_instances_newest_first() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let ids: Vec<String> = (1..=3)
        .map(|n| buy(&sim, "buyer-1", "cmgj00061912", &format!("page-{n}")).1)
        .collect();
    let page = |number: &str, size: &str| {
        ok(
            &sim,
            &b,
            "DescribeInstances",
            &[("PageNumber", number), ("PageSize", size)],
        )
    };
    let first = page("1", "2");
    assert_model(&first, INSTANCES, &[]);
    assert_eq!(
        (first["PageNumber"].clone(), first["PageSize"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(first["TotalCount"], 3);
    let items = first["InstanceItems"]["InstanceItem"].as_array().unwrap();
    for item in items {
        assert_model(item, INSTANCE_ITEM, &["BeganOn"]);
    }
    let listed = |answer: &Value| -> Vec<String> {
        answer["InstanceItems"]["InstanceItem"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["InstanceId"].as_i64().unwrap().to_string())
            .collect()
    };
    assert_eq!(listed(&first), [ids[2].clone(), ids[1].clone()]);
    let second = page("2", "2");
    assert_eq!(listed(&second), [ids[0].clone()]);
    assert_eq!(second["TotalCount"], 3);
    assert!(listed(&page("3", "2")).is_empty());
    assert_eq!(listed(&page("1", "100")).len(), 3);

    let refused = |params: &[(&str, &str)]| err(&sim, &b, "DescribeInstances", params).code;
    assert_eq!(refused(&[("PageSize", "10")]), "MissingPageNumber");
    assert_eq!(refused(&[("PageNumber", "1")]), "MissingPageSize");
    assert_eq!(
        refused(&[("PageNumber", "0"), ("PageSize", "10")]),
        "InvalidPageNumber"
    );
    assert_eq!(
        refused(&[("PageNumber", "x"), ("PageSize", "10")]),
        "InvalidPageNumber"
    );
    assert_eq!(
        refused(&[("PageNumber", "1"), ("PageSize", "0")]),
        "InvalidPageSize"
    );
    assert_eq!(
        refused(&[("PageNumber", "1"), ("PageSize", "101")]),
        "InvalidPageSize"
    );
}

#[test]
fn codes_and_except_codes_filter_the_list_and_refuse_each_other() {
    let sim = simulator(two_vendor_world());
    let b = buyer(&sim, "buyer-1");
    let zilliz = buy(&sim, "buyer-1", "cmgj00061912", "f-1").1;
    let acme = buy(&sim, "buyer-1", "cmgj00099999", "f-2").1;
    let listed = |extra: &[(&str, &str)]| -> Vec<String> {
        let mut params = vec![("PageNumber", "1"), ("PageSize", "10")];
        params.extend_from_slice(extra);
        ok(&sim, &b, "DescribeInstances", &params)["InstanceItems"]["InstanceItem"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["InstanceId"].as_i64().unwrap().to_string())
            .collect()
    };
    assert_eq!(listed(&[]), [acme.clone(), zilliz.clone()]);
    assert_eq!(listed(&[("Codes", "cmgj00061912")]), [zilliz.as_str()]);
    assert_eq!(listed(&[("Codes", "cmgj00061912, cmgj00099999")]).len(), 2);
    assert_eq!(listed(&[("ExceptCodes", "cmgj00061912")]), [acme.as_str()]);
    assert!(listed(&[("ExceptCodes", "cmgj00061912,cmgj00099999")]).is_empty());
    assert_eq!(listed(&[("ProductType", "APP")]), [zilliz.as_str()]);
    assert_eq!(listed(&[("ProductType", "SERVICE")]), [acme.as_str()]);
    assert!(listed(&[("ProductType", "MIRROR")]).is_empty());

    let both = err(
        &sim,
        &b,
        "DescribeInstances",
        &[
            ("PageNumber", "1"),
            ("PageSize", "10"),
            ("Codes", "cmgj00061912"),
            ("ExceptCodes", "cmgj00099999"),
        ],
    );
    assert_eq!((both.status, both.code.as_str()), (400, "InvalidExceptCodes"));
    let kind = err(
        &sim,
        &b,
        "DescribeInstances",
        &[("PageNumber", "1"), ("PageSize", "10"), ("ProductType", "BOAT")],
    );
    assert_eq!(kind.code, "InvalidProductType");
}

#[tokio::test]
async fn a_purchase_through_create_order_is_delivered_to_the_vendor_and_opens() {
    let vendor_server = Vendor::start().await;
    vendor_server
        .mount(
            create_instance()
                .respond_with(ResponseTemplate::new(200).set_body_string(READY))
                .expect(1),
        )
        .await;
    let sim = simulator(world_with_vendor(&vendor_server.spi_url()));
    let b = buyer(&sim, "buyer-1");
    let answer = ok(
        &sim,
        &b,
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &commodity("cmgj00061912", "cmgj00061912-payg")),
            ("PaymentType", "AUTO"),
            ("ClientToken", "3c1c7a26-4b7e-4f59-9c2e-8d1f0e6a2b11"),
        ],
    );
    assert_model(&answer, CREATE_ORDER, &[]);
    let order_id = answer["OrderId"].as_str().unwrap();
    let instance_id = answer["InstanceIds"]["InstanceId"][0].as_str().unwrap();
    // The same order and instance the page's 开通 makes.
    let order = sim.store().order(order_id).unwrap().unwrap();
    assert_eq!(order.instance_id, instance_id);
    assert_eq!(
        (order.order_type.as_str(), order.pay_status.as_str()),
        ("NEW", "PAID")
    );
    assert_eq!(order.ali_uid, "1763420985012345");
    let opening = ok(&sim, &b, "DescribeInstance", &[("InstanceId", instance_id)]);
    assert_eq!(opening["Status"], "OPENING");

    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let v = vendor(&sim);
    let opened = ok(&sim, &v, "DescribeInstanceForIsv", &[("InstanceId", instance_id)]);
    assert_eq!(opened["Status"], "OPENED");
    assert_eq!(inner(&opened, "AppJson")["authUrl"], "http://vendor/sso?x=1");
    assert_eq!(inner(&opened, "HostJson")["region"], "cn-hangzhou");
    assert!(opened["BeganOn"].as_i64().unwrap() > opened["CreatedOn"].as_i64().unwrap());
    let params = &vendor_server.calls().await[0];
    let get = |k: &str| params.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(get("orderBizId"), instance_id);
    assert_eq!(get("orderId"), order_id);
    assert_eq!(get("skuId"), "cmgj00061912-payg");
}

#[test]
fn the_same_client_token_from_the_same_buyer_returns_the_first_order() {
    let sim = Simulator::for_tests();
    let first = buy(&sim, "buyer-1", "cmgj00061912", "once");
    let again = buy(&sim, "buyer-1", "cmgj00061912", "once");
    assert_eq!(first, again);
    assert_eq!(sim.store().instances_of("1763420985012345").unwrap().len(), 1);
    let other_buyer = buy(&sim, "buyer-2", "cmgj00061912", "once");
    assert_ne!(other_buyer, first, "a token is the buyer's own");

    let changed = err(
        &sim,
        &buyer(&sim, "buyer-1"),
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &commodity("cmgj00061912", "payg")),
            ("PaymentType", "HAND"),
            ("ClientToken", "once"),
        ],
    );
    assert_eq!(
        (changed.status, changed.code.as_str()),
        (400, "IdempotentParameterMismatch")
    );
    assert_eq!(sim.store().instances_of("1763420985012345").unwrap().len(), 1);
}

#[test]
fn renew_and_upgrade_orders_are_refused_because_they_do_not_exist_yet() {
    let sim = Simulator::for_tests();
    for order_type in ["INSTANCE_RENEW", "INSTANCE_UPGRADE"] {
        let e = err(
            &sim,
            &buyer(&sim, "buyer-1"),
            "CreateOrder",
            &[
                ("OrderType", order_type),
                ("Commodity", &commodity("cmgj00061912", "postpay")),
                ("PaymentType", "AUTO"),
                ("ClientToken", order_type),
            ],
        );
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, "InvalidOrderType.NotSupported")
        );
    }
    assert!(sim.store().instances_of("1763420985012345").unwrap().is_empty());
}

#[test]
fn sku_codes_may_be_the_sku_id_its_suffix_or_postpay() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    for (n, sku) in ["cmgj00061912-payg", "payg", "postpay"].iter().enumerate() {
        let answer = ok(
            &sim,
            &b,
            "CreateOrder",
            &[
                ("OrderType", "INSTANCE_BUY"),
                (
                    "Commodity",
                    &json!({"productCode": "cmgj00061912", "skuCode": sku, "quantity": 1}).to_string(),
                ),
                ("PaymentType", "HAND"),
                ("ClientToken", &format!("sku-{n}")),
            ],
        );
        let order = sim
            .store()
            .order(answer["OrderId"].as_str().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(order.sku_id, "cmgj00061912-payg", "{sku}");
    }
}

#[test]
fn create_order_refuses_unusable_parameters_and_buys_nothing() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let good = commodity("cmgj00061912", "postpay");
    let with = |name: &str, value: &str| -> ApiError {
        let mut params = vec![
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", good.as_str()),
            ("PaymentType", "AUTO"),
            ("ClientToken", "bad-input"),
        ];
        params.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
        err(&sim, &b, "CreateOrder", &params)
    };
    let long_token = "t".repeat(65);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("ClientToken", "", "MissingClientToken"),
        ("ClientToken", &long_token, "InvalidClientToken"),
        ("ClientToken", "令牌", "InvalidClientToken"),
        ("OrderType", "", "MissingOrderType"),
        ("OrderType", "BUY", "InvalidOrderType"),
        ("PaymentType", "", "MissingPaymentType"),
        ("PaymentType", "CARD", "InvalidPaymentType"),
        ("Commodity", "", "MissingCommodity"),
        ("Commodity", "{productCode", "InvalidCommodity"),
        ("Commodity", "[1]", "InvalidCommodity"),
        (
            "Commodity",
            r#"{"productCode":"cmgj00061912"}"#,
            "InvalidCommodity",
        ),
        ("Commodity", r#"{"skuCode":"postpay"}"#, "InvalidCommodity"),
        (
            "Commodity",
            r#"{"productCode":"cmgj00061912","skuCode":"postpay","quantity":2}"#,
            "InvalidCommodity",
        ),
        (
            "Commodity",
            r#"{"productCode":"cmgj00000000","skuCode":"postpay"}"#,
            "InvalidProductCode.NotFound",
        ),
        (
            "Commodity",
            r#"{"productCode":"cmgj00061912","skuCode":"prepay"}"#,
            "InvalidSkuCode.NotFound",
        ),
    ];
    for (name, value, code) in cases {
        let e = with(name, value);
        assert_eq!(e.code, code, "{name}={value}");
        assert!(e.status == 400 || e.status == 404, "{name}={value}: {}", e.status);
    }
    assert!(sim.store().instances_of("1763420985012345").unwrap().is_empty());
    let longest = "t".repeat(64);
    ok(
        &sim,
        &b,
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &good),
            ("PaymentType", "AUTO"),
            ("ClientToken", &longest),
        ],
    );
    assert_eq!(sim.store().instances_of("1763420985012345").unwrap().len(), 1);
}

#[test]
fn auto_renewal_turned_on_shows_in_the_isv_view_and_turning_it_off_empties_it() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let (_, instance) = buy(&sim, "buyer-1", "cmgj00061912", "renew");
    let isv_view = || {
        ok(
            &sim,
            &vendor(&sim),
            "DescribeInstanceForIsv",
            &[("InstanceId", &instance)],
        )
    };
    assert_eq!(isv_view()["AutoRenewal"], "");

    let on = ok(
        &sim,
        &b,
        "AutoRenewInstance",
        &[
            ("OrderBizId", &instance),
            ("Type", "open"),
            ("AutoRenewCycle", "Year"),
            ("AutoRenewDuration", "2"),
        ],
    );
    assert_model(&on, AUTO_RENEW, &[]);
    assert_eq!(on["Data"], true);
    assert_eq!(
        inner(&isv_view(), "AutoRenewal"),
        json!({"autoRenewCycle": "Year", "autoRenewDuration": 2})
    );
    let buyer_view = ok(&sim, &b, "DescribeInstance", &[("InstanceId", &instance)]);
    assert_eq!(buyer_view["AutoRenewal"], isv_view()["AutoRenewal"]);

    let off = ok(
        &sim,
        &b,
        "AutoRenewInstance",
        &[("OrderBizId", &instance), ("Type", "close")],
    );
    assert_eq!(off["Data"], true);
    assert_eq!(isv_view()["AutoRenewal"], "");

    let refused = |params: &[(&str, &str)]| {
        let mut all = vec![("OrderBizId", instance.as_str())];
        all.extend_from_slice(params);
        err(&sim, &b, "AutoRenewInstance", &all).code
    };
    assert_eq!(refused(&[]), "MissingType");
    assert_eq!(refused(&[("Type", "toggle")]), "InvalidType");
    assert_eq!(
        refused(&[("Type", "open"), ("AutoRenewDuration", "1")]),
        "MissingAutoRenewCycle"
    );
    assert_eq!(
        refused(&[
            ("Type", "open"),
            ("AutoRenewCycle", "Week"),
            ("AutoRenewDuration", "1")
        ]),
        "InvalidAutoRenewCycle"
    );
    assert_eq!(
        refused(&[("Type", "open"), ("AutoRenewCycle", "Month")]),
        "MissingAutoRenewDuration"
    );
    assert_eq!(
        refused(&[
            ("Type", "open"),
            ("AutoRenewCycle", "Month"),
            ("AutoRenewDuration", "0")
        ]),
        "InvalidAutoRenewDuration"
    );
    assert_eq!(isv_view()["AutoRenewal"], "", "refusals changed nothing");
}

#[tokio::test]
async fn a_reset_world_has_the_seeded_purchases_again_and_no_tokens() {
    let sim = Simulator::for_tests();
    let first = buy(&sim, "buyer-1", "cmgj00061912", "before-reset");
    sim.reset().await.unwrap();
    assert!(sim.store().order(&first.0).unwrap().is_none());
    let v = vendor(&sim);
    let a = ok(
        &sim,
        &v,
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
    );
    assert_eq!(inner(&a, "AutoRenewal")["autoRenewCycle"], "Month");
    let again = buy(&sim, "buyer-1", "cmgj00061912", "before-reset");
    assert_eq!(
        again, first,
        "the same seed draws the same ids; the token was forgotten"
    );
}

// Through HTTP, signed as the SDK signs (V3 ACS3-HMAC-SHA256), parameters where the SDK puts them.

/// A 200 answer carrying the dispatcher's RequestId.
fn answered(status: u16, body: &Value) {
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["RequestId"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn describe_instance_for_isv_answers_a_signed_request() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_model(&body, INSTANCE_FOR_ISV, &["RelationalData"]);
    assert_eq!(body["Status"], "OPENED");
}

#[tokio::test]
async fn describe_order_for_isv_answers_a_signed_request() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeOrderForIsv",
        &[("OrderId", SEEDED_ORDER)],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_eq!(body["InstanceIds"], json!([SEEDED_INSTANCE]));
}

#[tokio::test]
async fn describe_image_instance_for_isv_answers_a_signed_request() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeImageInstanceForIsv",
        &[("CustomerPk", SEEDED_CUSTOMER), ("EcsInstanceId", SEEDED_ECS)],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_eq!(body["InstanceId"], json!(15511111));
}

#[tokio::test]
async fn create_order_answers_a_signed_request_and_the_buyer_reads_the_purchase() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let b = buyer(&sim, "buyer-1");
    let commodity = commodity("cmgj00061912", "postpay");
    let (status, body) = http::send_as(
        &app,
        &b,
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &commodity),
            ("PaymentType", "AUTO"),
            ("ClientToken", "a7f2 c9/+=&?"),
        ],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_model(&body, CREATE_ORDER, &[]);
    let instance = body["InstanceIds"]["InstanceId"][0].as_str().unwrap().to_owned();
    let order = body["OrderId"].as_str().unwrap().to_owned();

    let (status, listed) = http::send_as(
        &app,
        &b,
        "DescribeInstances",
        &[("PageNumber", "1"), ("PageSize", "10"), ("Codes", "cmgj00061912")],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &listed);
    assert_eq!(listed["TotalCount"], 1);

    let (status, one) = http::send_as(&app, &b, "DescribeInstance", &[("InstanceId", &instance)], &[])
        .await
        .status_and_json();
    answered(status, &one);
    assert_eq!(one["Status"], "OPENING");

    let (status, bought) = http::send_as(&app, &b, "DescribeOrder", &[("OrderId", &order)], &[])
        .await
        .status_and_json();
    answered(status, &bought);
    assert_eq!(bought["InstanceIds"], json!({"InstanceId": [instance]}));
}

#[tokio::test]
async fn auto_renew_instance_answers_a_signed_request_with_its_parameters_in_the_form_body() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (_, instance) = buy(&sim, "buyer-1", "cmgj00061912", "http-renew");
    let (status, body) = http::send_as(
        &app,
        &buyer(&sim, "buyer-1"),
        "AutoRenewInstance",
        &[],
        &[
            ("OrderBizId", &instance),
            ("Type", "open"),
            ("AutoRenewCycle", "Month"),
            ("AutoRenewDuration", "3"),
        ],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_eq!(
        (body["Data"].clone(), body["Success"].clone()),
        (json!(true), json!(true))
    );
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", &instance)],
    );
    assert_eq!(inner(&a, "AutoRenewal")["autoRenewDuration"], 3);
}

#[tokio::test]
async fn a_refusal_over_http_is_the_marketplaces_error_body() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &buyer(&sim, "buyer-1"),
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
        &[],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["Code"], "Forbidden.RAM");
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", "99999999")],
        &[],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["Code"], "InvalidInstanceId.NotFound");
    assert!(body["RequestId"].is_string() && body["HostId"].is_string());
}

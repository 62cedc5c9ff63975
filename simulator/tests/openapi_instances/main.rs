//! The instances family of the Market OpenAPI: every operation's answer against the SDK model's
//! field names and JSON types, tenancy, paging and filters, parameter errors, and a purchase through
//! CreateOrder delivered to a wiremock vendor.
//!
//! Layout: [`models`] holds the SDK models' fields and the check of an answer against one; the tests
//! are by what they own — [`reads`] (the vendor's and the buyer's views of a purchase, lists and
//! filters), [`refusals`] (tenancy and malformed ids), [`purchases`] (CreateOrder, its ClientToken,
//! auto-renewal, a reset) and [`signed`] (the same operations as signed HTTP requests).

#[path = "../common/mod.rs"]
mod common;
mod models;
mod purchases;
mod reads;
mod refusals;
mod signed;

use axum::http::StatusCode;
use common::openapi::{buyer, err, http, ok, operation, vendor, ApiError, Caller};
use common::{simulator, world_with_vendor};
use marketsim_simulator::{Simulator, World};
use models::*;
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
    buy_sku(sim, login, product, "payg", token)
}

/// Buys `<product>-<sku>` (1 month of a subscription) through CreateOrder: (order, instance).
fn buy_sku(sim: &Simulator, login: &str, product: &str, sku: &str, token: &str) -> (String, String) {
    let sku = format!("{product}-{sku}");
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

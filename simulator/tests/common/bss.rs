//! The Billing OpenAPI's tests share a world with a month of bills in it and one way to call and
//! read an operation: V3-signed as the official SDK sends it, the envelope checked.

use super::openapi::http::{self, Answer};
use super::openapi::{call, Caller};
use super::{simulator, world_with_vendor};
use marketsim_simulator::lifecycle::Choice;
use marketsim_simulator::store::orders::Extras;
use marketsim_simulator::Simulator;
use protocol::openapi::v3;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::vendor::Vendor;

pub const VERSION: &str = "2017-12-14";
pub const PRODUCT: &str = "cmgj00061912";
/// 2023-08-15 10:00:00 +08:00, the default world's start.
pub const TEN_AM: i64 = 1_692_064_800;
pub const HOUR: i64 = 3600;

pub async fn advance_to(sim: &Simulator, t: i64) {
    let now = sim.clock().now().timestamp();
    sim.clock()
        .advance(Duration::from_secs((t - now).try_into().unwrap()))
        .await
        .unwrap();
}

/// buyer-1's August: a pay-as-you-go instance opened at 10:02 whose 10:00–11:00 usage (1.5 CU·h,
/// ¥1.80, and 10 calls, ¥0.01) is billed at 12:00, and a month's subscription (¥299.00) bought and
/// refunded. The clock stands at 12:00.
pub async fn billed_world(vendor: &Vendor) -> Simulator {
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let payg = sim
        .open_service(&buyer, PRODUCT, "cmgj00061912-payg", &Choice::default())
        .unwrap();
    let choice = Choice {
        months: Some(1),
        extras: Extras::new(),
    };
    let subscription = sim
        .open_service(&buyer, PRODUCT, "cmgj00061912-standard", &choice)
        .unwrap();
    advance_to(&sim, TEN_AM + 1800).await;
    sim.refund(&subscription.instance_id).unwrap();
    let entities = json!([
        {"Key": "Period", "Value": 5400, "meteringAssit": format!("{PRODUCT}-Period-1")},
        {"Key": "Frequency", "Value": 10, "meteringAssit": format!("{PRODUCT}-Frequency-1")},
    ]);
    let metering = json!([{"InstanceId": payg.instance_id, "StartTime": TEN_AM + 120,
                           "EndTime": TEN_AM + HOUR, "Entities": entities}]);
    let vendor = Caller::Vendor(&sim.world().vendors[0]);
    call(
        &sim,
        &vendor,
        "PushMeteringData",
        &[("Metering", &metering.to_string())],
    )
    .unwrap();
    advance_to(&sim, TEN_AM + 2 * HOUR).await;
    sim
}

/// A V3 call of the Billing OpenAPI's `action` with `params` in the query, as the SDK sends it.
pub async fn bss(sim: &Simulator, login: Option<&str>, action: &str, params: &[(&str, &str)]) -> Answer {
    let keys = match login {
        Some(login) => http::buyer(sim, login),
        None => http::vendor(sim),
    };
    let mut request = v3::Request::new("POST", http::HOST, action);
    request.version = VERSION.into();
    for (name, value) in params {
        request = request.query(name, value);
    }
    http::v3(&http::app(sim), request, &keys).await
}

/// A successful answer's `Data`, after checking the envelope.
pub fn data(answer: &Answer) -> Value {
    let (status, body) = answer.status_and_json();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Code"], "Success", "{body}");
    assert_eq!(body["Message"], "Successful!");
    assert_eq!(body["Success"], true);
    assert!(body["RequestId"].is_string(), "{body}");
    body["Data"].clone()
}

pub fn refusal(answer: &Answer) -> (u16, String) {
    (answer.status.as_u16(), answer.code())
}

/// The pay-as-you-go and the subscription instance of [`billed_world`], in that order.
pub fn instances(sim: &Simulator) -> (String, String) {
    let instances = sim.store().instances_of("1763420985012345").unwrap();
    let of = |sku: &str| {
        instances
            .iter()
            .find(|i| i.sku_id == sku)
            .map(|i| i.instance_id.clone())
            .unwrap()
    };
    (of("cmgj00061912-payg"), of("cmgj00061912-standard"))
}

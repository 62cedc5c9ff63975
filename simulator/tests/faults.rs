//! Faults on demand: each SPI fault acting in the transport toward a wiremock vendor over HTTP
//! (reaching it or not, and what the marketplace then sees and records), a swap reordering two
//! deliveries, scopes and counts; each OpenAPI fault toward a vendor's own calls, over a real
//! socket where the fault is the socket's (an answer held, an answer dropped); and the control
//! API's refusals of faults that are not ones.

mod common;

use axum::http::StatusCode;
use common::{control, simulator, world_with_vendor};
use marketsim_simulator::faults::spec::FaultSpec;
use marketsim_simulator::Simulator;
use protocol::openapi::client::{Client, ClientError};
use rstest::rstest;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::vendor::{any_action, success, Vendor};
use wiremock::ResponseTemplate;

/// The seeded open instance of the world's product.
const INSTANCE: &str = "15511111";

async fn vendor_answering_ok() -> Vendor {
    let vendor = Vendor::start().await;
    vendor.mount(any_action().respond_with(success())).await;
    vendor
}

fn spec(value: Value) -> FaultSpec {
    serde_json::from_value(value).unwrap()
}

/// A journal row as the tests read it: (action, attempt, outcome, status, fault).
type Row = (String, u32, String, Option<u16>, Option<String>);

/// The journal rows of the instance, oldest first.
fn journal(sim: &Simulator) -> Vec<Row> {
    sim.store()
        .deliveries(Some(INSTANCE))
        .unwrap()
        .into_iter()
        .map(|d| (d.action, d.attempt, d.outcome, d.status, d.fault))
        .collect()
}

#[rstest]
#[case::timeout(json!({"spi": "timeout"}), "timeout", None, 1)]
#[case::status(json!({"spi": "status", "status": 503}), "http_error", Some(503), 0)]
#[case::malformed(json!({"spi": "malformed"}), "bad_answer", Some(200), 1)]
#[case::refused(json!({"spi": "refused"}), "unreachable", None, 0)]
#[tokio::test]
async fn each_spi_fault_reaches_the_vendor_or_not_and_fails_the_attempt_it_fires_on(
    #[case] fault: Value,
    #[case] outcome: &str,
    #[case] status: Option<u16>,
    #[case] vendor_calls: usize,
) {
    let vendor = vendor_answering_ok().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let mut fault = fault;
    fault["action"] = json!("orderPay");
    fault["instance"] = json!(INSTANCE);
    let armed = sim.arm_fault(&spec(fault)).unwrap();
    sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.clock().run_due_now().await;
    assert_eq!(
        vendor.calls().await.len(),
        vendor_calls,
        "the call reached the vendor or not"
    );
    let label = armed.effect.label();
    assert_eq!(
        journal(&sim),
        vec![("orderPay".into(), 1, outcome.into(), status, Some(label.clone()))]
    );
    // Used up: the retry a minute later goes through untouched.
    sim.clock().advance(Duration::from_secs(60)).await.unwrap();
    assert_eq!(
        journal(&sim)[1],
        ("orderPay".into(), 2, "ok".into(), Some(200), None)
    );
    assert_eq!(sim.faults().faults()[0].fired, 1);
    let fired = sim.faults().fired();
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].on, format!("orderPay to {INSTANCE}"));
}

#[tokio::test]
async fn a_duplicate_reaches_the_vendor_twice_with_the_same_token_and_is_judged_on_the_second_answer() {
    let vendor = Vendor::start().await;
    vendor
        .mount(any_action().respond_with(success()).up_to_n_times(1))
        .await;
    // The vendor takes the first and refuses the repeat: the marketplace sees a failure and retries.
    vendor
        .mount(any_action().respond_with(ResponseTemplate::new(409)))
        .await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    sim.arm_fault(&spec(json!({"spi": "duplicate", "action": "orderPay"})))
        .unwrap();
    sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.clock().run_due_now().await;
    let calls = vendor.calls().await;
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0], calls[1], "the same request, token and all, twice");
    assert_eq!(
        journal(&sim),
        vec![(
            "orderPay".into(),
            1,
            "http_error".into(),
            Some(409),
            Some("duplicate".into())
        )]
    );
}

#[tokio::test]
async fn a_swap_sends_an_instances_second_message_before_its_first() {
    let vendor = vendor_answering_ok().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    sim.deliver(
        INSTANCE,
        "renewInstance",
        &[("expiredOn".into(), "2024-08-15 10:00:00".into())],
    )
    .unwrap();
    sim.deliver(INSTANCE, "upgradeInstance", &[]).unwrap();
    sim.arm_fault(&spec(json!({"spi": "swap", "instance": INSTANCE})))
        .unwrap();
    sim.clock().run_due_now().await;
    assert_eq!(
        journal(&sim),
        vec![
            (
                "upgradeInstance".into(),
                1,
                "ok".into(),
                Some(200),
                Some("swap".into())
            ),
            ("renewInstance".into(), 1, "ok".into(), Some(200), None),
        ]
    );
    let order: Vec<String> = vendor
        .calls()
        .await
        .iter()
        .map(|c| c.iter().find(|(k, _)| k == "action").unwrap().1.clone())
        .collect();
    assert_eq!(order, ["upgradeInstance", "renewInstance"]);
}

#[tokio::test]
async fn a_swap_with_nothing_to_swap_with_waits_for_a_second_message() {
    let vendor = vendor_answering_ok().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    sim.arm_fault(&spec(json!({"spi": "swap"}))).unwrap();
    sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.clock().run_due_now().await;
    assert_eq!(journal(&sim)[0].4, None, "one message alone goes out as it is");
    assert_eq!(sim.faults().faults()[0].fired, 0, "and the swap stays armed");
}

#[tokio::test]
async fn a_fault_fires_its_count_within_its_scope_and_no_more() {
    let vendor = vendor_answering_ok().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    sim.arm_fault(&spec(
        json!({"spi": "status", "action": "renewInstance", "count": 2}),
    ))
    .unwrap();
    sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.deliver(INSTANCE, "renewInstance", &[]).unwrap();
    sim.clock().run_due_now().await;
    sim.clock().advance(Duration::from_secs(3600)).await.unwrap();
    let outcomes: Vec<(String, String)> = journal(&sim)
        .into_iter()
        .map(|(action, _, outcome, _, _)| (action, outcome))
        .collect();
    let pair = |a: &str, o: &str| (a.to_owned(), o.to_owned());
    assert_eq!(
        outcomes,
        [
            pair("orderPay", "ok"),
            pair("renewInstance", "http_error"),
            pair("renewInstance", "http_error"),
            pair("renewInstance", "ok"),
        ]
    );
}

#[tokio::test]
async fn the_control_api_arms_lists_and_clears_faults_and_a_reset_disarms_them() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    let (status, armed) = control(
        &sim,
        "POST",
        "/__marketsim/faults",
        r#"{"openapi": "throttle", "operation": "PushMeteringData", "count": 3}"#,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{armed}");
    assert_eq!(armed["fault"], "throttle");
    assert_eq!(armed["count"], 3);
    let (_, listed) = control(&sim, "GET", "/__marketsim/faults", "").await;
    assert_eq!(listed["faults"][0]["operation"], "PushMeteringData");
    let (status, _) = control(&sim, "POST", "/__marketsim/faults/clear", "{}").await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = control(&sim, "GET", "/__marketsim/faults", "").await;
    assert_eq!(listed["faults"], json!([]));
    sim.arm_fault(&spec(json!({"spi": "refused"}))).unwrap();
    sim.reset().await.unwrap();
    assert!(sim.faults().faults().is_empty());
}

#[rstest]
#[case::no_kind(r#"{"action": "orderPay"}"#, "exactly one of `spi` and `openapi`")]
#[case::both(
    r#"{"spi": "timeout", "openapi": "drop"}"#,
    "exactly one of `spi` and `openapi`"
)]
#[case::unknown_spi(r#"{"spi": "explode"}"#, "unknown SPI fault `explode`")]
#[case::unknown_openapi(r#"{"openapi": "explode"}"#, "unknown OpenAPI fault `explode`")]
#[case::unknown_action(
    r#"{"spi": "timeout", "action": "payOrder"}"#,
    "unknown SPI action `payOrder`"
)]
#[case::unknown_instance(r#"{"spi": "timeout", "instance": "999"}"#, "no instance `999`")]
#[case::not_an_error(r#"{"spi": "status", "status": 200}"#, "must be 400 to 599")]
#[case::not_a_5xx(r#"{"openapi": "server_error", "status": 404}"#, "must be 500 to 599")]
#[case::status_elsewhere(r#"{"spi": "timeout", "status": 500}"#, "`status` is for `spi: status`")]
#[case::zero(r#"{"spi": "timeout", "count": 0}"#, "`count` must be 1")]
#[case::negative(r#"{"spi": "timeout", "count": -1}"#, "send JSON like")]
#[case::unknown_field(r#"{"spi": "timeout", "instnace": "1"}"#, "unknown field `instnace`")]
#[case::unknown_operation(
    r#"{"openapi": "drop", "operation": "PushMetering"}"#,
    "no operation `PushMetering`"
)]
#[case::unknown_key(
    r#"{"openapi": "drop", "access_key": "LTAI-nobody"}"#,
    "no AccessKey `LTAI-nobody`"
)]
#[case::mixed_scope(
    r#"{"openapi": "drop", "instance": "15511111"}"#,
    "scoped by `operation` and `access_key`"
)]
#[case::spi_delay(r#"{"spi": "timeout", "delay": "5s"}"#, "`delay` is for `openapi: slow`")]
#[case::long_delay(r#"{"openapi": "slow", "delay": "1h"}"#, "at most 5m")]
#[case::bad_delay(r#"{"openapi": "slow", "delay": "soon"}"#, "not a duration")]
#[tokio::test]
async fn a_fault_that_is_not_one_is_refused_with_what_is_wrong(#[case] body: &str, #[case] words: &str) {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    let (status, answer) = control(&sim, "POST", "/__marketsim/faults", body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
    let error = answer["error"].as_str().unwrap();
    assert!(error.contains(words), "{body}: {error}");
    assert!(sim.faults().faults().is_empty());
}

/// A world with buyer-1's pay-as-you-go instance opened, served on a loopback port, and the
/// vendor's client of its OpenAPI.
struct Served {
    sim: Simulator,
    client: Client,
    instance: String,
    _vendor: Vendor,
}

async fn served() -> Served {
    let vendor = Vendor::answering("zc-1", "http://vendor/sso").await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyers[0].clone();
    let order = sim
        .open_service(&buyer, "cmgj00061912", "cmgj00061912-payg", &Default::default())
        .unwrap();
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let serving = sim.clone();
    tokio::spawn(async move {
        marketsim_simulator::serve(
            listener,
            serving,
            serving::Config::default(),
            std::future::pending(),
        )
        .await
    });
    let keys = &sim.world().vendors[0];
    let client = Client::new(&endpoint, &keys.access_key_id, &keys.access_key_secret)
        .unwrap()
        .with_timeout(Duration::from_millis(500))
        .unwrap();
    Served {
        sim,
        client,
        instance: order.instance_id,
        _vendor: vendor,
    }
}

impl Served {
    async fn push(&self) -> Result<Value, ClientError> {
        // 2023-08-15 09:50–10:00 +08:00.
        let metering = json!([{
            "InstanceId": self.instance,
            "StartTime": "1692064200",
            "EndTime": "1692064800",
            "Entities": [{"Key": "Frequency", "Value": "96", "meteringAssit": "cmgj00061912-Frequency-1"}],
        }]);
        self.client
            .call(
                "PushMeteringData",
                "POST",
                &[],
                &[("Metering", &metering.to_string())],
            )
            .await
    }

    fn stored(&self) -> usize {
        self.sim.store().metering_of(&self.instance).unwrap().len()
    }
}

#[tokio::test]
async fn throttle_and_server_error_answer_in_the_operations_place_and_store_nothing() {
    let s = served().await;
    let key = s.sim.world().vendors[0].access_key_id.clone();
    s.sim
        .arm_fault(&spec(
            json!({"openapi": "throttle", "operation": "PushMeteringData", "access_key": key}),
        ))
        .unwrap();
    s.sim
        .arm_fault(&spec(
            json!({"openapi": "server_error", "status": 503, "operation": "PushMeteringData"}),
        ))
        .unwrap();
    match s.push().await {
        Err(ClientError::Api {
            status: 400,
            code,
            retry_after: Some(1),
            ..
        }) => assert_eq!(code, "Service.Flow.Control"),
        other => panic!("{other:?}"),
    }
    match s.push().await {
        Err(ClientError::Api {
            status: 503, code, ..
        }) => assert_eq!(code, "ServiceUnavailable"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.stored(), 0);
    s.push().await.unwrap();
    assert_eq!(s.stored(), 1, "the faults are used up");
}

#[tokio::test]
async fn a_dropped_answer_leaves_the_push_stored_and_the_caller_without_an_answer() {
    let s = served().await;
    s.sim
        .arm_fault(&spec(json!({"openapi": "drop", "operation": "PushMeteringData"})))
        .unwrap();
    match s.push().await {
        Err(ClientError::Transport(_)) => {}
        other => panic!("expected the connection to close without an answer: {other:?}"),
    }
    assert_eq!(s.stored(), 1, "the push was taken");
    let fired = s.sim.faults().fired();
    assert_eq!(fired[0].effect.label(), "drop");
    assert!(
        fired[0].on.starts_with("PushMeteringData by LTAI"),
        "{}",
        fired[0].on
    );
}

#[tokio::test]
async fn a_slow_answer_outlasts_the_callers_read_timeout_after_the_push_is_stored() {
    let s = served().await;
    s.sim
        .arm_fault(&spec(json!({"openapi": "slow", "delay": "2s"})))
        .unwrap();
    match s.push().await {
        Err(ClientError::Timeout) => {}
        other => panic!("expected a timeout: {other:?}"),
    }
    assert_eq!(s.stored(), 1, "the push was taken before the answer was held");
}

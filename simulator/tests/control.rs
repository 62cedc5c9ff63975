//! The control API: clock, deliveries, reset.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::router;
use serde_json::Value;

async fn call(
    sim: &marketsim_simulator::Simulator,
    method: &str,
    path: &str,
    body: &str,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let answer = testkit::send(&router(sim.clone()), request).await;
    (
        answer.status,
        serde_json::from_str(&answer.body).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn the_clock_is_read_and_moved_and_runs_due_deliveries() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    let (_, clock) = call(&sim, "GET", "/__marketsim/clock", "").await;
    assert_eq!(clock["now"], "2023-08-15T10:00:00+08:00");
    assert_eq!(clock["mode"], "manual");
    Client::signed_in(&sim, "buyer-1").await.open_service().await;
    let (_, clock) = call(&sim, "GET", "/__marketsim/clock", "").await;
    assert_eq!(clock["next_due"], "2023-08-15T10:02:00+08:00");
    let (status, clock) = call(&sim, "POST", "/__marketsim/clock/advance", r#"{"by":"150s"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(clock["now"], "2023-08-15T10:02:30+08:00");
    let (_, list) = call(&sim, "GET", "/__marketsim/deliveries", "").await;
    assert_eq!(list["deliveries"][0]["outcome"], "unreachable");
    assert_eq!(list["deliveries"][0]["at"], "2023-08-15T10:02:00+08:00");
    let (_, clock) = call(
        &sim,
        "POST",
        "/__marketsim/clock/advance",
        r#"{"to":"2023-08-15 11:00:00"}"#,
    )
    .await;
    assert_eq!(clock["now"], "2023-08-15T11:00:00+08:00");
}

#[tokio::test]
async fn bad_clock_requests_get_a_clear_refusal() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    for (body, fragment) in [
        (r#"{"by":"soon"}"#, "not a duration"),
        (r#"{"to":"yesterday"}"#, "not a date"),
        (r#"{"by":"1m","to":"2023-08-15 11:00:00"}"#, "exactly one"),
        ("not json", "not JSON"),
        (r#"["3m", null]"#, "not a JSON object"),
        ("[]", "not a JSON object"),
        ("", "the body is empty"),
        ("{}", "exactly one"),
        (r#"{"by":"1m","later":true}"#, "send JSON like"),
    ] {
        let (status, answer) = call(&sim, "POST", "/__marketsim/clock/advance", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            answer["error"].as_str().unwrap_or_default().contains(fragment),
            "{body}: {answer}"
        );
    }
    let (status, answer) = call(
        &sim,
        "POST",
        "/__marketsim/clock/advance",
        r#"{"to":"2020-01-01 00:00:00"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(answer["error"].as_str().unwrap().contains("cannot go back"));
}

#[tokio::test]
async fn run_until_idle_delivers_everything_pending_and_reset_empties_the_world() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    Client::signed_in(&sim, "buyer-1").await.open_service().await;
    let (_, clock) = call(
        &sim,
        "POST",
        "/__marketsim/clock/run-until-idle",
        r#"{"limit":"1d"}"#,
    )
    .await;
    assert_eq!(clock["next_due"], Value::Null);
    let (_, list) = call(&sim, "GET", "/__marketsim/deliveries", "").await;
    assert_eq!(list["deliveries"].as_array().unwrap().len(), 121);
    let (status, reset) = call(&sim, "POST", "/__marketsim/reset", "{}").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reset["clock"]["now"], "2023-08-15T10:00:00+08:00");
    let (_, list) = call(&sim, "GET", "/__marketsim/deliveries", "").await;
    assert!(list["deliveries"].as_array().unwrap().is_empty());
    assert!(sim.store().instances_of("1763420985012345").unwrap().is_empty());
}

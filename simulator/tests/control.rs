//! The control API: clock, deliveries and the outbox, acting on an instance, reset.

mod common;

use axum::http::StatusCode;
use common::{control, simulator, world_with_vendor, Client};
use serde_json::Value;

#[tokio::test]
async fn the_clock_is_read_and_moved_and_runs_due_deliveries() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    let (_, clock) = control(&sim, "GET", "/__marketsim/clock", "").await;
    assert_eq!(clock["now"], "2023-08-15T10:00:00+08:00");
    assert_eq!(clock["mode"], "manual");
    Client::signed_in(&sim, "buyer-1").await.open_service().await;
    let (_, clock) = control(&sim, "GET", "/__marketsim/clock", "").await;
    assert_eq!(clock["next_due"], "2023-08-15T10:02:00+08:00");
    let (status, clock) = control(&sim, "POST", "/__marketsim/clock/advance", r#"{"by":"150s"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(clock["now"], "2023-08-15T10:02:30+08:00");
    let (_, list) = control(&sim, "GET", "/__marketsim/deliveries", "").await;
    assert_eq!(list["deliveries"][0]["outcome"], "unreachable");
    assert_eq!(list["deliveries"][0]["at"], "2023-08-15T10:02:00+08:00");
    let (_, clock) = control(
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
        (r#"{"by":"9999999999d"}"#, "further than the clock can go"),
        (r#"{"to":"yesterday"}"#, "not a date"),
        (r#"{"by":"1m","to":"2023-08-15 11:00:00"}"#, "exactly one"),
        ("not json", "not JSON"),
        (r#"["3m", null]"#, "not a JSON object"),
        ("[]", "not a JSON object"),
        ("", "the body is empty"),
        ("{}", "exactly one"),
        (r#"{"by":"1m","later":true}"#, "send JSON like"),
    ] {
        let (status, answer) = control(&sim, "POST", "/__marketsim/clock/advance", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            answer["error"].as_str().unwrap_or_default().contains(fragment),
            "{body}: {answer}"
        );
    }
    let (status, answer) = control(
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
    let (_, clock) = control(
        &sim,
        "POST",
        "/__marketsim/clock/run-until-idle",
        r#"{"limit":"1d"}"#,
    )
    .await;
    assert_eq!(clock["next_due"], Value::Null);
    let (_, list) = control(&sim, "GET", "/__marketsim/deliveries", "").await;
    assert_eq!(list["deliveries"].as_array().unwrap().len(), 121);
    let (status, reset) = control(&sim, "POST", "/__marketsim/reset", "{}").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reset["clock"]["now"], "2023-08-15T10:00:00+08:00");
    let (_, list) = control(&sim, "GET", "/__marketsim/deliveries", "").await;
    assert!(list["deliveries"].as_array().unwrap().is_empty());
    assert!(sim.store().instances_of("1763420985012345").unwrap().is_empty());
}

#[tokio::test]
async fn an_action_is_delivered_now_and_the_journal_reads_in_filtered_pages() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    let (status, made) = control(
        &sim,
        "POST",
        "/__marketsim/deliver",
        r#"{"instance":"15511111","action":"orderPay","params":{"extra":"1"}}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!(made["message"]["state"], "pending");
    assert_eq!(made["message"]["attempts"], 1);
    assert_eq!(made["attempts"][0]["outcome"], "unreachable");
    assert_eq!(made["attempts"][0]["next_at"], "2023-08-15T10:01:00+08:00");
    let id = made["message"]["id"].as_i64().unwrap();
    control(&sim, "POST", "/__marketsim/clock/advance", r#"{"by":"9h"}"#).await;
    let (_, page) = control(
        &sim,
        "GET",
        "/__marketsim/deliveries?action=orderPay&page=2&page_size=5",
        "",
    )
    .await;
    assert_eq!(
        (page["total"].as_u64(), page["page"].as_u64()),
        (Some(12), Some(2))
    );
    assert_eq!(page["deliveries"].as_array().unwrap().len(), 5);
    assert_eq!(page["deliveries"][0]["attempt"], 6);
    let (_, none) = control(&sim, "GET", "/__marketsim/deliveries?outcome=ok", "").await;
    assert_eq!(none["total"], 0);
    let (_, failed) = control(&sim, "GET", "/__marketsim/messages?state=failed", "").await;
    assert_eq!(failed["messages"][0]["id"].as_i64(), Some(id));
    let (status, again) = control(
        &sim,
        "POST",
        "/__marketsim/messages/resend",
        &format!(r#"{{"message":{id},"reset":true}}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["message"]["attempts"], 1);
    assert_eq!(again["attempts"].as_array().unwrap().len(), 13);
}

#[tokio::test]
async fn bad_control_requests_on_deliveries_get_a_clear_refusal() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    for (path, fragment) in [
        ("/__marketsim/deliveries?outcome=fine", "unknown outcome `fine`"),
        ("/__marketsim/deliveries?action=pay", "unknown SPI action `pay`"),
        ("/__marketsim/deliveries?page=0", "`page` must be"),
        ("/__marketsim/deliveries?page_size=5000", "`page_size` must be"),
        ("/__marketsim/deliveries?message=x", "`message` must be"),
        ("/__marketsim/deliveries?instance=1", "unknown filter `instance`"),
        ("/__marketsim/messages?state=done", "unknown state `done`"),
    ] {
        let (status, answer) = control(&sim, "GET", path, "").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            answer["error"].as_str().unwrap().contains(fragment),
            "{path}: {answer}"
        );
    }
    for (path, body, expected, fragment) in [
        (
            "/__marketsim/deliver",
            r#"{"instance":"1","action":"orderPay"}"#,
            StatusCode::NOT_FOUND,
            "no instance 1",
        ),
        (
            "/__marketsim/deliver",
            r#"{"instance":"15511111","action":"verify"}"#,
            StatusCode::BAD_REQUEST,
            "unknown SPI action",
        ),
        (
            "/__marketsim/deliver",
            r#"{"instance":"15511111","action":"orderPay","params":{"token":"x"}}"#,
            StatusCode::BAD_REQUEST,
            "`token`",
        ),
        (
            "/__marketsim/deliver",
            r#"{"instance":"15511111"}"#,
            StatusCode::BAD_REQUEST,
            "send JSON like",
        ),
        (
            "/__marketsim/instances/expire",
            r#"{"instance":"15512222"}"#,
            StatusCode::CONFLICT,
            "OPEN_FAILED",
        ),
        (
            "/__marketsim/messages/resend",
            r#"{"message":77}"#,
            StatusCode::NOT_FOUND,
            "no message 77",
        ),
    ] {
        let (status, answer) = control(&sim, "POST", path, body).await;
        assert_eq!(status, expected, "{path} {body}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(fragment),
            "{path} {body}: {answer}"
        );
    }
    let (_, journal) = control(&sim, "GET", "/__marketsim/deliveries", "").await;
    assert_eq!(journal["total"], 0, "nothing refused went out");
}

#[tokio::test]
async fn a_balance_is_charged_and_paid_into_for_a_known_buyer_and_bad_amounts_are_refused() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    let path = "/__marketsim/buyers/balance";
    let (status, charged) = control(&sim, "POST", path, r#"{"buyer":"buyer-1","charge":"1000.50"}"#).await;
    assert_eq!(status, StatusCode::OK, "{charged}");
    assert_eq!(
        (charged["balance"].clone(), charged["in_arrears"].clone()),
        (Value::from("-0.50"), Value::Bool(true))
    );
    assert!(sim.store().arrears_since("1763420985012345").unwrap().is_some());
    for (body, expected) in [
        (r#"{"buyer":"buyer-9","top_up":"1.00"}"#, StatusCode::NOT_FOUND),
        (r#"{"buyer":"buyer-1","top_up":"-1.00"}"#, StatusCode::BAD_REQUEST),
        (r#"{"buyer":"buyer-1","top_up":"0"}"#, StatusCode::BAD_REQUEST),
        (r#"{"buyer":"buyer-1","top_up":"0.001"}"#, StatusCode::BAD_REQUEST),
        (r#"{"buyer":"buyer-1","top_up":"1e9"}"#, StatusCode::BAD_REQUEST),
        (
            r#"{"buyer":"buyer-1","top_up":"100000000.01"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (r#"{"buyer":"buyer-1","top_up":"lots"}"#, StatusCode::BAD_REQUEST),
        (r#"{"buyer":"buyer-1","top_up":1}"#, StatusCode::BAD_REQUEST),
        (
            r#"{"buyer":"buyer-1","top_up":"1.00","charge":"1.00"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (r#"{"buyer":"buyer-1"}"#, StatusCode::BAD_REQUEST),
    ] {
        let (status, answer) = control(&sim, "POST", path, body).await;
        assert_eq!(status, expected, "{body}: {answer}");
    }
    // Nothing refused changed the balance.
    let (_, bill) = control(&sim, "GET", "/__marketsim/bills?buyer=buyer-1", "").await;
    assert_eq!(bill["balance"], "-0.50");
    let (status, paid) = control(&sim, "POST", path, r#"{"buyer":"buyer-1","top_up":"0.50"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (paid["balance"].clone(), paid["in_arrears"].clone()),
        (Value::from("0.00"), Value::Bool(false))
    );
    assert!(sim.store().arrears_since("1763420985012345").unwrap().is_none());
    let (_, bill) = control(&sim, "GET", "/__marketsim/bills?buyer=buyer-1&month=2023-08", "").await;
    assert_eq!(bill["total"], "1000.50");
    assert_eq!(bill["lines"][0]["kind"], "Adjustment");
    for query in [
        "?buyer=buyer-1&month=2023-13",
        "?buyer=buyer-1&month=23-08",
        "?month=2023-08",
    ] {
        let (status, _) = control(&sim, "GET", &format!("/__marketsim/bills{query}"), "").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
}

//! The control API under `/__marketsim/`: what the harness and the sandbox use to drive a world —
//! read and move the clock, list SPI deliveries, reset. JSON in and out; errors as
//! `{"error": "..."}` with a 4xx status.

use crate::state::Simulator;
use crate::store::deliveries::Delivery;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use protocol::time::{parse_duration, parse_instant, rfc3339};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn routes() -> Router<Simulator> {
    Router::new()
        .route("/__marketsim/health", get(|| async { "ok" }))
        .route("/__marketsim/clock", get(clock))
        .route("/__marketsim/clock/advance", post(advance))
        .route("/__marketsim/clock/run-until-idle", post(run_until_idle))
        .route("/__marketsim/deliveries", get(deliveries))
        .route("/__marketsim/reset", post(reset))
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn clock_json(sim: &Simulator) -> Value {
    let clock = sim.clock();
    json!({
        "now": rfc3339(clock.now()),
        "mode": if clock.is_manual() { "manual" } else { "real_time" },
        "next_due": clock.next_due().map(rfc3339),
    })
}

async fn clock(State(sim): State<Simulator>) -> Json<Value> {
    Json(clock_json(&sim))
}

/// `{"by": "3m"}` or `{"to": "2023-08-15T12:00:00+08:00"}`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Advance {
    by: Option<String>,
    to: Option<String>,
}

/// A JSON request body; an empty one reads as `T::default()`.
fn read_json<T: serde::de::DeserializeOwned + Default>(body: &[u8], example: &str) -> Result<T, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| format!("send JSON like {example} ({e})"))
}

async fn advance(State(sim): State<Simulator>, body: Bytes) -> Response {
    let request: Advance = match read_json(&body, r#"{"by": "3m"} or {"to": "2023-08-15T12:00:00+08:00"}"#) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    let target = match (request.by, request.to) {
        (Some(by), None) => match parse_duration(&by) {
            Ok(d) => sim.clock().now() + chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX),
            Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
        },
        (None, Some(to)) => match parse_instant(&to) {
            Some(t) => t,
            None => return refuse(StatusCode::BAD_REQUEST, format!("`{to}` is not a date")),
        },
        _ => return refuse(StatusCode::BAD_REQUEST, "give exactly one of `by` and `to`"),
    };
    match sim.clock().advance_to(target).await {
        Ok(_) => Json(clock_json(&sim)).into_response(),
        Err(e) => refuse(StatusCode::CONFLICT, e.to_string()),
    }
}

/// `{"limit": "1d"}`: run pending work in time order, at most that far ahead (default 1 day).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RunUntilIdle {
    limit: Option<String>,
}

async fn run_until_idle(State(sim): State<Simulator>, body: Bytes) -> Response {
    let request: RunUntilIdle = match read_json(&body, r#"{"limit": "1d"}"#) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    let limit = match parse_duration(request.limit.as_deref().unwrap_or("1d")) {
        Ok(d) => d,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    sim.clock().run_until_idle(limit).await;
    Json(clock_json(&sim)).into_response()
}

fn delivery_json(d: &Delivery) -> Value {
    json!({
        "instance_id": d.instance_id,
        "action": d.action,
        "attempt": d.attempt,
        "at": chrono::DateTime::from_timestamp_millis(d.at).map(rfc3339),
        "url": d.url,
        "params": d.params.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "outcome": d.outcome,
        "status": d.status,
        "body": d.body,
        "elapsed_ms": d.elapsed_ms,
    })
}

/// `?instance_id=…` narrows to one instance.
async fn deliveries(State(sim): State<Simulator>, Query(q): Query<HashMap<String, String>>) -> Response {
    match sim.store().deliveries(q.get("instance_id").map(String::as_str)) {
        Ok(list) => {
            Json(json!({ "deliveries": list.iter().map(delivery_json).collect::<Vec<_>>() })).into_response()
        }
        Err(e) => {
            tracing::error!("listing deliveries: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "the store could not be read")
        }
    }
}

async fn reset(State(sim): State<Simulator>) -> Response {
    match sim.reset().await {
        Ok(()) => Json(json!({ "reset": true, "clock": clock_json(&sim) })).into_response(),
        Err(e) => {
            tracing::error!("reset: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "the store could not be reset")
        }
    }
}

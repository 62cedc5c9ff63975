//! The control API under `/__marketsim/`: what the harness and the sandbox use to drive a world —
//! read and move the clock, read the delivery journal and the outbox ([`journal`]), deliver an
//! action, expire or release an instance, send a message again ([`actions`]), read a buyer's bill
//! and pay into or charge their balance ([`bills`]), read and follow the whole billing feed
//! ([`feed`]), arm faults ([`faults`]), reset. JSON in and out; errors as `{"error": "..."}` with a 4xx status. Every
//! route is a row of [`ENDPOINTS`], and every request that could change the world passes
//! [`guard`] first.

mod actions;
mod bills;
mod faults;
mod feed;
pub mod guard;
mod journal;

use crate::state::Simulator;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Json, Router};
use protocol::time::{parse_duration, parse_instant, rfc3339};
use serde::Deserialize;
use serde_json::{json, Value};

/// One control endpoint: its method, its path, a body it acts on, and its handler.
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    /// A JSON body the endpoint acts on (empty for one that only reads).
    pub example: &'static str,
    handler: fn(MethodFilter) -> MethodRouter<Simulator>,
}

impl Endpoint {
    /// Whether a request to it can change the world (anything but a read).
    pub fn changes_world(&self) -> bool {
        !guard::is_read(&self.method)
    }
}

/// Every control endpoint. [`routes`] is built from this table alone, so whatever walks it (the
/// tests of the guard) walks every control route, later ones included.
pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/health",
        example: "",
        handler: |m| on(m, || async { "ok" }),
    },
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/clock",
        example: "",
        handler: |m| on(m, clock),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/clock/advance",
        example: r#"{"by": "3m"}"#,
        handler: |m| on(m, advance),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/clock/run-until-idle",
        example: r#"{"limit": "1d"}"#,
        handler: |m| on(m, run_until_idle),
    },
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/deliveries",
        example: "",
        handler: |m| on(m, journal::deliveries),
    },
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/messages",
        example: "",
        handler: |m| on(m, journal::messages),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/deliver",
        example: actions::DELIVER_EXAMPLE,
        handler: |m| on(m, actions::deliver),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/instances/expire",
        example: actions::INSTANCE_EXAMPLE,
        handler: |m| on(m, actions::expire),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/instances/release",
        example: actions::INSTANCE_EXAMPLE,
        handler: |m| on(m, actions::release),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/buyers/balance",
        example: bills::BALANCE_EXAMPLE,
        handler: |m| on(m, bills::balance),
    },
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/bills",
        example: "",
        handler: |m| on(m, bills::bill),
    },
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/feed",
        example: "",
        handler: |m| on(m, feed::page),
    },
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/feed/stream",
        example: "",
        handler: |m| on(m, feed::stream),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/messages/resend",
        example: actions::RESEND_EXAMPLE,
        handler: |m| on(m, actions::resend),
    },
    Endpoint {
        method: Method::GET,
        path: "/__marketsim/faults",
        example: "",
        handler: |m| on(m, faults::list),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/faults",
        example: faults::ARM_EXAMPLE,
        handler: |m| on(m, faults::arm),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/faults/clear",
        example: "{}",
        handler: |m| on(m, faults::clear),
    },
    Endpoint {
        method: Method::POST,
        path: "/__marketsim/reset",
        example: "{}",
        handler: |m| on(m, reset),
    },
];

/// The control routes, from [`ENDPOINTS`], behind [`guard::same_origin_json`].
pub fn routes() -> Router<Simulator> {
    let mut router = Router::new();
    for endpoint in ENDPOINTS {
        // Every method in the table is one axum routes by; a row with another would be a bug
        // of the table, and it is left out rather than served unguarded.
        match MethodFilter::try_from(endpoint.method.clone()) {
            Ok(filter) => router = router.route(endpoint.path, (endpoint.handler)(filter)),
            Err(e) => tracing::error!("control endpoint {}: {e}", endpoint.path),
        }
    }
    router.route_layer(axum::middleware::from_fn(guard::same_origin_json))
}

pub(crate) fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    by: Option<String>,
    to: Option<String>,
}

/// Runs `work` to its end even if the request that asked for it goes away: deliveries it makes are
/// recorded whether or not anyone still waits for the answer.
pub(crate) async fn run_detached<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    match tokio::spawn(work).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(
            e.try_into_panic()
                .unwrap_or_else(|_| Box::new("the runtime is shutting down")),
        ),
    }
}

/// A JSON request body ([`guard`] has refused empty ones: they are never read as defaults).
fn read_json<T: serde::de::DeserializeOwned>(body: &[u8], example: &str) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("send JSON like {example} ({e})"))
}

async fn advance(State(sim): State<Simulator>, body: Bytes) -> Response {
    let request: Advance = match read_json(&body, r#"{"by": "3m"} or {"to": "2023-08-15T12:00:00+08:00"}"#) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    let target = match (request.by, request.to) {
        (Some(by), None) => match parse_duration(&by) {
            Ok(d) => match chrono::TimeDelta::from_std(d)
                .ok()
                .and_then(|d| sim.clock().now().checked_add_signed(d))
            {
                Some(t) => t,
                None => {
                    return refuse(
                        StatusCode::BAD_REQUEST,
                        format!("`{by}` is further than the clock can go"),
                    )
                }
            },
            Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
        },
        (None, Some(to)) => match parse_instant(&to) {
            Some(t) => t,
            None => return refuse(StatusCode::BAD_REQUEST, format!("`{to}` is not a date")),
        },
        _ => return refuse(StatusCode::BAD_REQUEST, "give exactly one of `by` and `to`"),
    };
    let clock = sim.clock().clone();
    match run_detached(async move { clock.advance_to(target).await }).await {
        Ok(_) => Json(clock_json(&sim)).into_response(),
        Err(e) => refuse(StatusCode::CONFLICT, e.to_string()),
    }
}

/// `{"limit": "1d"}`: run pending work in time order, at most that far ahead (default 1 day).
#[derive(Deserialize)]
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
    let clock = sim.clock().clone();
    run_detached(async move { clock.run_until_idle(limit).await }).await;
    Json(clock_json(&sim)).into_response()
}

/// `{}`: reset takes no parameters, but like every change it comes as JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reset {}

async fn reset(State(sim): State<Simulator>, body: Bytes) -> Response {
    if let Err(e) = read_json::<Reset>(&body, "{}") {
        return refuse(StatusCode::BAD_REQUEST, e);
    }
    match sim.reset().await {
        Ok(()) => Json(json!({ "reset": true, "clock": clock_json(&sim) })).into_response(),
        Err(e) => {
            tracing::error!("reset: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "the store could not be reset")
        }
    }
}

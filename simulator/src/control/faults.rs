//! Faults on demand through the control API: `POST /__marketsim/faults` arms one (the fields of
//! [`FaultSpec`]), `GET /__marketsim/faults` lists the armed ones with how often each has fired
//! and the log of their firing, `POST /__marketsim/faults/clear` disarms them all.

use super::journal::instant;
use super::{read_json, refuse};
use crate::faults::book::{Effect, Fault, Fired};
use crate::faults::spec::{FaultSpec, EXAMPLE};
use crate::state::Simulator;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub(super) const ARM_EXAMPLE: &str =
    r#"{"spi": "timeout", "action": "orderPay", "instance": "15511111", "count": 2}"#;

fn fault_json(f: &Fault) -> Value {
    let target = match &f.effect {
        Effect::Spi(_) => "spi",
        Effect::OpenApi(_) => "openapi",
    };
    json!({
        "id": f.id,
        "target": target,
        "fault": f.effect.label(),
        "action": f.scope.action,
        "instance": f.scope.instance,
        "operation": f.scope.operation,
        "access_key": f.scope.access_key,
        "count": f.count,
        "fired": f.fired,
    })
}

fn fired_json(f: &Fired) -> Value {
    json!({
        "number": f.number,
        "fault": f.fault,
        "at": instant(f.at),
        "label": f.effect.label(),
        "on": f.on,
    })
}

pub(super) async fn arm(State(sim): State<Simulator>, body: Bytes) -> Response {
    let spec: FaultSpec = match read_json(&body, EXAMPLE) {
        Ok(s) => s,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    match sim.arm_fault(&spec) {
        Ok(fault) => (StatusCode::CREATED, Json(fault_json(&fault))).into_response(),
        Err(e) => refuse(StatusCode::BAD_REQUEST, e),
    }
}

pub(super) async fn list(State(sim): State<Simulator>) -> Json<Value> {
    let faults = sim.faults();
    Json(json!({
        "faults": faults.faults().iter().map(fault_json).collect::<Vec<_>>(),
        "fired": faults.fired().iter().map(fired_json).collect::<Vec<_>>(),
    }))
}

/// `{}`: clearing takes no parameters, but like every change it comes as JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Clear {}

pub(super) async fn clear(State(sim): State<Simulator>, body: Bytes) -> Response {
    if let Err(e) = read_json::<Clear>(&body, "{}") {
        return refuse(StatusCode::BAD_REQUEST, e);
    }
    sim.faults().clear();
    Json(json!({ "cleared": true })).into_response()
}

//! Acting on one instance now: deliver any SPI action to it, expire it, release it, or send a
//! message that gave up again — so a scenario or a person can take a vendor through every action.
//! Each makes its message and then runs what is due at the current instant, so on a manual clock
//! the answer shows the first attempt already made (unless the instance has messages pending
//! before it).

use super::journal::{delivery_json, message_json};
use super::{read_json, refuse, run_detached};
use crate::delivery::queue::QueueError;
use crate::state::Simulator;
use crate::store::deliveries::JournalFilter;
use crate::store::messages::Message;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

pub(super) const DELIVER_EXAMPLE: &str =
    r#"{"instance": "15511111", "action": "renewInstance", "params": {"expiredOn": "2024-08-15 10:00:00"}}"#;
pub(super) const INSTANCE_EXAMPLE: &str = r#"{"instance": "15511111"}"#;
pub(super) const RESEND_EXAMPLE: &str = r#"{"message": 1, "reset": true}"#;
/// `{"instance": "…", "action": "…", "params": {…}}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deliver {
    instance: String,
    action: String,
    #[serde(default)]
    params: BTreeMap<String, String>,
}

/// `{"instance": "…"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OnInstance {
    instance: String,
}

/// `{"message": 1, "reset": true}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Resend {
    message: i64,
    #[serde(default)]
    reset: bool,
}

pub(super) async fn deliver(State(sim): State<Simulator>, body: Bytes) -> Response {
    let request: Deliver = match read_json(&body, DELIVER_EXAMPLE) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    let params: Vec<(String, String)> = request.params.into_iter().collect();
    let queued = sim.deliver(&request.instance, &request.action, &params);
    answer(sim, queued).await
}

pub(super) async fn expire(State(sim): State<Simulator>, body: Bytes) -> Response {
    match read_json::<OnInstance>(&body, INSTANCE_EXAMPLE) {
        Ok(r) => {
            let queued = sim.expire(&r.instance);
            answer(sim, queued).await
        }
        Err(e) => refuse(StatusCode::BAD_REQUEST, e),
    }
}

pub(super) async fn release(State(sim): State<Simulator>, body: Bytes) -> Response {
    match read_json::<OnInstance>(&body, INSTANCE_EXAMPLE) {
        Ok(r) => {
            let queued = sim.release(&r.instance);
            answer(sim, queued).await
        }
        Err(e) => refuse(StatusCode::BAD_REQUEST, e),
    }
}

pub(super) async fn resend(State(sim): State<Simulator>, body: Bytes) -> Response {
    match read_json::<Resend>(&body, RESEND_EXAMPLE) {
        Ok(r) => {
            let queued = sim.resend(r.message, r.reset);
            answer(sim, queued).await
        }
        Err(e) => refuse(StatusCode::BAD_REQUEST, e),
    }
}

/// Runs what is now due, then answers with the message and its attempts so far.
async fn answer(sim: Simulator, queued: Result<Message, QueueError>) -> Response {
    let message = match queued {
        Ok(m) => m,
        Err(QueueError::Store(e)) => {
            tracing::error!("queueing a message: {e}");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the store could not be written",
            );
        }
        Err(
            e @ (QueueError::UnknownInstance(_)
            | QueueError::Resend(crate::store::messages::ResendRefusal::Unknown(_))),
        ) => return refuse(StatusCode::NOT_FOUND, e.to_string()),
        Err(
            e @ (QueueError::WrongStatus { .. }
            | QueueError::NotOpened { .. }
            | QueueError::Resend(_)
            | QueueError::Reset),
        ) => return refuse(StatusCode::CONFLICT, e.to_string()),
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let clock = sim.clock().clone();
    run_detached(async move { clock.run_due_now().await }).await;
    let filter = JournalFilter {
        message_id: Some(message.id),
        ..JournalFilter::default()
    };
    let now = sim.store().message(message.id);
    let attempts = sim.store().journal(&filter, 0, 1000);
    match (now, attempts) {
        (Ok(now), Ok((attempts, _))) => Json(json!({
            "message": message_json(now.as_ref().unwrap_or(&message)),
            "attempts": attempts.iter().map(delivery_json).collect::<Vec<_>>(),
        }))
        .into_response(),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!("reading a message back: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "the store could not be read")
        }
    }
}

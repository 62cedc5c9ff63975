//! The delivery journal and the outbox, read a page at a time: `GET /__marketsim/deliveries`
//! (every attempt, oldest first) and `GET /__marketsim/messages` (every notification, newest
//! first), each narrowed by instance, action and outcome or state. A filter that is not one is
//! refused, never read as "everything".

use super::refuse;
use crate::delivery::action::Action;
use crate::state::Simulator;
use crate::store::deliveries::{Delivery, JournalFilter};
use crate::store::messages::{Message, MessageFilter, MessageState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::time::rfc3339;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The largest page, and the page size when none is asked for.
const MAX_PAGE_SIZE: u64 = 1000;

/// The journal's outcomes.
const OUTCOMES: [&str; 7] = [
    "ok",
    "not_ready",
    "not_success",
    "http_error",
    "bad_answer",
    "timeout",
    "unreachable",
];

pub(super) fn instant(ms: i64) -> Value {
    chrono::DateTime::from_timestamp_millis(ms).map(rfc3339).into()
}

fn params_json(params: &[(String, String)]) -> Value {
    params
        .iter()
        .map(|(k, v)| json!([k, v]))
        .collect::<Vec<_>>()
        .into()
}

pub(super) fn delivery_json(d: &Delivery) -> Value {
    json!({
        "message": d.message_id,
        "instance_id": d.instance_id,
        "action": d.action,
        "attempt": d.attempt,
        "at": instant(d.at),
        "url": d.url,
        "params": params_json(&d.params),
        "outcome": d.outcome,
        "status": d.status,
        "body": d.body,
        "elapsed_ms": d.elapsed_ms,
        "next_at": d.next_at.map(instant),
        "fault": d.fault,
    })
}

pub(super) fn message_json(m: &Message) -> Value {
    json!({
        "id": m.id,
        "instance_id": m.instance_id,
        "action": m.action,
        "params": params_json(&m.params),
        "request_id": m.request_id,
        "state": m.state.code(),
        "attempts": m.attempts,
        "next_at": m.next_at.map(instant),
        "created_at": instant(m.created_at),
        "finished_at": m.finished_at.map(instant),
    })
}

/// A page of a list: its number, from 1, and its size.
struct Page {
    number: u64,
    size: u64,
}

impl Page {
    fn offset(&self) -> u64 {
        (self.number - 1) * self.size
    }
}

/// The query's parameters, each known and each read once.
struct Filters {
    query: HashMap<String, String>,
}

impl Filters {
    fn new(query: HashMap<String, String>, known: &[&str]) -> Result<Filters, String> {
        if let Some(unknown) = query.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(format!(
                "unknown filter `{unknown}` (filters: {})",
                known.join(", ")
            ));
        }
        Ok(Filters { query })
    }

    fn text(&self, name: &str) -> Option<String> {
        self.query.get(name).cloned()
    }

    fn number(&self, name: &str, default: u64, range: std::ops::RangeInclusive<u64>) -> Result<u64, String> {
        match self.query.get(name) {
            None => Ok(default),
            Some(v) => v.parse().ok().filter(|n| range.contains(n)).ok_or_else(|| {
                format!(
                    "`{name}` must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                )
            }),
        }
    }

    fn action(&self) -> Result<Option<String>, String> {
        self.text("action")
            .map(|a| Action::parse(&a).map(|a| a.name().to_owned()))
            .transpose()
    }

    /// `page` (from 1) of `page_size`.
    fn page(&self) -> Result<Page, String> {
        let number = self.number("page", 1, 1..=u32::MAX as u64)?;
        let size = self.number("page_size", MAX_PAGE_SIZE, 1..=MAX_PAGE_SIZE)?;
        Ok(Page { number, size })
    }
}

fn read_failed(e: impl std::fmt::Display) -> Response {
    tracing::error!("reading the journal: {e}");
    refuse(StatusCode::INTERNAL_SERVER_ERROR, "the store could not be read")
}

/// `?instance_id=&action=&outcome=&message=&page=&page_size=`.
pub(super) async fn deliveries(
    State(sim): State<Simulator>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let read = || -> Result<(JournalFilter, Page), String> {
        let f = Filters::new(
            q,
            &["instance_id", "action", "outcome", "message", "page", "page_size"],
        )?;
        let outcome = f.text("outcome");
        if let Some(o) = outcome.as_deref().filter(|o| !OUTCOMES.contains(o)) {
            return Err(format!(
                "unknown outcome `{o}` (outcomes: {})",
                OUTCOMES.join(", ")
            ));
        }
        let message = match f.text("message") {
            Some(_) => Some(f.number("message", 0, 1..=i64::MAX as u64)? as i64),
            None => None,
        };
        let filter = JournalFilter {
            instance_id: f.text("instance_id"),
            action: f.action()?,
            outcome,
            message_id: message,
        };
        Ok((filter, f.page()?))
    };
    let (filter, page) = match read() {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    match sim.store().journal(&filter, page.offset(), page.size) {
        Ok((list, total)) => Json(json!({
            "deliveries": list.iter().map(delivery_json).collect::<Vec<_>>(),
            "total": total, "page": page.number, "page_size": page.size,
        }))
        .into_response(),
        Err(e) => read_failed(e),
    }
}

/// `?instance_id=&action=&state=&page=&page_size=`.
pub(super) async fn messages(
    State(sim): State<Simulator>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let read = || -> Result<(MessageFilter, Page), String> {
        let f = Filters::new(q, &["instance_id", "action", "state", "page", "page_size"])?;
        let state = match f.text("state").as_deref() {
            None => None,
            Some("pending") => Some(MessageState::Pending),
            Some("delivered") => Some(MessageState::Delivered),
            Some("failed") => Some(MessageState::Failed),
            Some(other) => {
                return Err(format!(
                    "unknown state `{other}` (states: pending, delivered, failed)"
                ))
            }
        };
        let filter = MessageFilter {
            instance_id: f.text("instance_id"),
            action: f.action()?,
            state,
            products: None,
        };
        Ok((filter, f.page()?))
    };
    let (filter, page) = match read() {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    match sim.store().messages(&filter, page.offset(), page.size) {
        Ok((list, total)) => Json(json!({
            "messages": list.iter().map(message_json).collect::<Vec<_>>(),
            "total": total, "page": page.number, "page_size": page.size,
        }))
        .into_response(),
        Err(e) => read_failed(e),
    }
}

//! The whole billing feed for the harness and the sandbox: `GET /__marketsim/feed?offset=&limit=`
//! answers a page of every entry as JSON, `GET /__marketsim/feed/stream?offset=` follows every
//! entry as Server-Sent Events, resuming after `Last-Event-ID` on a reconnect (`crate::feed::wire`).
//! Unsigned, like every control route: the control API is the harness's, on a local port. A bad
//! offset or limit and a stale offset answer 400 with `error` and the code the OpenAPI gives them.

use super::refuse;
use crate::feed::{self, wire, FeedError, Reader};
use crate::state::Simulator;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

/// `?offset=0&limit=100`: a page of every entry.
pub(super) async fn page(State(sim): State<Simulator>, Query(q): Query<HashMap<String, String>>) -> Response {
    let read = || -> Result<String, FeedError> {
        let from = feed::parse_offset(q.get("offset").map(String::as_str))?;
        let limit = feed::parse_limit(q.get("limit").map(String::as_str))?;
        wire::page_body(&sim, &Reader::All, from, limit, None)
    };
    match read() {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => refuse_feed(e),
    }
}

/// `?offset=0`, or a `Last-Event-ID` header: every entry from there on, live.
pub(super) async fn stream(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let last = headers
        .get("last-event-id")
        .map(|v| v.to_str().unwrap_or("(not text)"));
    match wire::resume_from(last, q.get("offset").map(String::as_str))
        .and_then(|from| wire::sse(&sim, Reader::All, from))
    {
        Ok(response) => response,
        Err(e) => refuse_feed(e),
    }
}

fn refuse_feed(e: FeedError) -> Response {
    match e {
        FeedError::Store(e) => {
            tracing::error!("reading the feed: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "the store could not be read")
        }
        e => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": e.to_string(), "code": e.code()})),
        )
            .into_response(),
    }
}

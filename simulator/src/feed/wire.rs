//! The feed on the wire, as both interfaces that serve it send it: a page as JSON
//! (`{"RequestId", "entries", "next_offset", "end_offset"}`, the entries as [`super::entry`] wrote
//! them), and a follow as Server-Sent Events — each entry an event whose `id` is its offset and
//! whose `data` its JSON, a keep-alive comment after [`KEEP_ALIVE`] of quiet, and an `error` event
//! in the gateway's error shape (`Code`, `Message`) when the follow cannot go on.

use super::{follow, FeedError, Followed, Reader};
use crate::state::Simulator;
use axum::http::HeaderValue;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::time::Duration;

/// How long a stream may idle before it sends a keep-alive comment.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A page of `reader`'s entries from `from` as the answer's JSON, written in one buffer, with
/// the request's id when it has one.
pub fn page_body(
    sim: &Simulator,
    reader: &Reader,
    from: Option<i64>,
    limit: usize,
    request_id: Option<&str>,
) -> Result<String, FeedError> {
    let mut body = String::from("{");
    if let Some(id) = request_id {
        body.push_str("\"RequestId\":");
        body.push_str(&serde_json::Value::from(id).to_string());
        body.push(',');
    }
    body.push_str("\"entries\":[");
    let page = super::page(sim, reader, from, limit, &mut body)?;
    body.push_str(&format!(
        "],\"next_offset\":{},\"end_offset\":{}}}",
        page.next_offset, page.end_offset
    ));
    Ok(body)
}

/// Where a stream starts: after `last_event_id`, the id a reconnecting client last received, else
/// at `offset`, else (None) at the feed's origin.
pub fn resume_from(last_event_id: Option<&str>, offset: Option<&str>) -> Result<Option<i64>, FeedError> {
    match super::parse_offset(last_event_id)? {
        Some(last) => Ok(Some(last.saturating_add(1))),
        None => super::parse_offset(offset),
    }
}

/// The feed as `reader` sees it from `from` (the origin when None), as an SSE response; an offset
/// below the origin is [`FeedError::Stale`], answered before any stream starts.
pub fn sse(sim: &Simulator, reader: Reader, from: Option<i64>) -> Result<Response, FeedError> {
    let (origin, _) = sim.store().feed_bounds()?;
    let from = from.unwrap_or(origin);
    if from < origin {
        return Err(FeedError::Stale { sent: from, origin });
    }
    let events = follow(sim.clone(), reader, from).map(|followed| {
        let event = match followed {
            Followed::Entry { offset, json } => Event::default().id(offset.to_string()).data(json),
            Followed::Stale(message) => error_event("InvalidOffset.Stale", &message),
            Followed::Failed(_) => error_event("InternalError", "The feed could not be read."),
        };
        Ok::<_, std::convert::Infallible>(event)
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response();
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

fn error_event(code: &str, message: &str) -> Event {
    Event::default()
        .event("error")
        .data(serde_json::json!({"Code": code, "Message": message}).to_string())
}

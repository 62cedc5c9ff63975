//! The billing feed on the OpenAPI's port, signed and checked like every OpenAPI request (V3 or
//! V1, the same timestamp window and nonces): `ReadBillingFeed` answers a page of JSON from an
//! `offset` (`limit` entries), `FollowBillingFeed` a Server-Sent Events stream from an `offset`
//! or, on a reconnect, after the `Last-Event-ID` the client last received (`crate::feed::wire`).
//! A vendor's AccessKey reads its products' entries and its refused pushes, a buyer's its own
//! lines and records (`crate::feed::Reader`). A bad offset or limit, and a stale offset, are
//! answered in the gateway's error shape: `InvalidOffset`, `InvalidLimit`, `InvalidOffset.Stale`
//! (400).

use super::error::{ApiError, ErrorCode};
use super::{Caller, Params};
use crate::feed::{self, wire, FeedError, Reader};
use crate::state::Simulator;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

/// The signed action that reads a page.
pub const READ: &str = "ReadBillingFeed";
/// The signed action that follows the feed as a stream.
pub const FOLLOW: &str = "FollowBillingFeed";

/// Whether `action` is the feed's.
pub fn serves(action: &str) -> bool {
    action == READ || action == FOLLOW
}

/// What a feed request of `caller`, whose signature held, is answered.
pub struct FeedCall<'a> {
    pub sim: &'a Simulator,
    pub action: &'a str,
    pub caller: Caller<'a>,
    pub params: &'a Params,
    pub headers: &'a HeaderMap,
}

/// Answers `call`, an error as the gateway answers it (in XML when asked).
pub fn answer(call: FeedCall<'_>, request_id: &str, wants_xml: bool) -> Response {
    let reader = match call.caller {
        Caller::Vendor(v) => Reader::vendor(call.sim.world(), v),
        Caller::Buyer(b) => Reader::buyer(b),
    };
    let answered = if call.action == FOLLOW {
        let last = call
            .headers
            .get("last-event-id")
            .map(|v| v.to_str().unwrap_or("(not text)"));
        wire::resume_from(last, call.params.get("offset")).and_then(|from| wire::sse(call.sim, reader, from))
    } else {
        page(call.sim, &reader, call.params, request_id)
    };
    answered.unwrap_or_else(|e| api_error(e).respond(request_id, wants_xml))
}

/// The gateway's error for `e`.
pub fn api_error(e: FeedError) -> ApiError {
    match e {
        FeedError::Offset(_) => ErrorCode::Invalid("Offset".into()).with_message(e.to_string()),
        FeedError::Limit(_) => ErrorCode::Invalid("Limit".into()).with_message(e.to_string()),
        FeedError::Stale { .. } => ErrorCode::Invalid("Offset.Stale".into()).with_message(e.to_string()),
        FeedError::Store(e) => {
            tracing::error!("reading the feed: {e}");
            ErrorCode::Internal.into()
        }
    }
}

fn page(sim: &Simulator, reader: &Reader, params: &Params, request_id: &str) -> Result<Response, FeedError> {
    let from = feed::parse_offset(params.get("offset"))?;
    let limit = feed::parse_limit(params.get("limit"))?;
    let body = wire::page_body(sim, reader, from, limit, Some(request_id))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

//! Who signed an OpenAPI request: the V3 `ACS3-HMAC-SHA256` signature (the SDK default) or the V1
//! `HMAC-SHA1` one, checked against the world's AccessKeys (vendors and buyers), with the timestamp
//! judged against the wall clock and the nonce remembered for 15 minutes.

use super::{ApiError, Caller, Params};
use crate::state::Simulator;
use axum::http::HeaderMap;

/// What the signature is checked over.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query exactly as sent.
    pub raw_query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// Query and form body, decoded and merged.
    pub params: &'a Params,
}

/// A request whose signature held.
pub struct Authenticated {
    pub caller: Caller,
    /// Signed with STS credentials.
    pub sts: bool,
}

/// Checks the request's signature. Until signature checking exists every request is refused as
/// unsigned: nothing is ever answered to a caller who was not checked.
pub fn authenticate(_sim: &Simulator, _request: &SignedRequest<'_>) -> Result<Authenticated, ApiError> {
    Err(ApiError::new(
        400,
        "IncompleteSignature",
        "The request signature does not conform to Aliyun standards.",
    ))
}

//! `ACS3-HMAC-SHA256`, the V3 signature the official SDKs use by default (contract §4.3).
//!
//! ```text
//! CanonicalRequest = METHOD \n URI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HashedPayload
//! StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(secret, StringToSign))
//! Authorization: ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<a;b;…>,Signature=<hex>
//! ```
//!
//! [`canonical_request`] is the one place the canonical request is written, from a request as it
//! goes on the wire ([`Incoming`]): the query decoded then re-encoded by RFC 3986, the headers the
//! `SignedHeaders` list names, the body's own hash. The server checks an arrived request with it
//! ([`string_to_sign`]); a client (or a test) signs what it is about to send with the same function,
//! through [`sign`] over borrowed [`Parts`] or [`Request::sign`].
//!
//! Rooms: `canonical` writes the canonical request and the string to sign (the server's
//! side of a check, and the signer's); `signature` computes and verifies the HMAC and reads and
//! writes the `Authorization` header; `request` builds and signs what a client sends. The
//! published vector of contract §4.3 is tested in `vectors`, through both sides.

mod canonical;
mod request;
mod signature;
#[cfg(test)]
mod vectors;

pub use canonical::{
    canonical_headers, canonical_query, canonical_request, hashed_payload, string_to_sign, Incoming,
    SignedHeaders,
};
pub use request::{sign, Parts, Request, Signed};
pub use signature::{
    authorization_header, parse_authorization, signature, verify, Authorization, AuthorizationError,
};

/// The one V3 algorithm the marketplace accepts.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The content type of a form body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

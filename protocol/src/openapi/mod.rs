//! The Market OpenAPI (version 2015-11-01, RPC style, path `/`) as the official SDKs speak it
//! (contract §4): both request signatures, and a typed client.
//!
//! - [`v3`] — `ACS3-HMAC-SHA256`, the SDK default: canonical request, string to sign, signature, the
//!   `Authorization` header both ways, and [`v3::sign_request`], which gives a client (or a test) every
//!   header a signed request needs.
//! - [`v1`] — the RPC `HMAC-SHA1` signature over the parameters, and [`v1::sign_params`].
//! - [`client`] — an async client that signs like the Python SDK, with typed helpers.
//!
//! Shared here: the RFC 3986 encoding both signatures use, the timestamp format and the credentials.

pub mod client;
pub mod v1;
pub mod v3;

use crate::time::Instant;
use chrono::{DateTime, NaiveDateTime, Utc};
use percent_encoding::{percent_decode, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The API version every Market request names.
pub const VERSION: &str = "2015-11-01";

/// Hex SHA-256 of an empty body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 - _ . ~`).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// RFC 3986 percent-encoding, as both signatures use it: unreserved characters kept, space `%20`,
/// `*` `%2A`, everything else (UTF-8 bytes) `%XX` in upper case.
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// The same over raw bytes (a decoded value that is not UTF-8 re-encodes to what was sent).
pub fn percent_encode_bytes(bytes: &[u8]) -> String {
    percent_encoding::percent_encode(bytes, RFC3986).to_string()
}

/// Splits a raw `application/x-www-form-urlencoded` string (query or body) into decoded byte pairs:
/// `+` is a space, `%XX` a byte. Empty segments are skipped; a segment without `=` has an empty value.
pub fn decode_form_bytes(raw: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.split(|b| *b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = match segment.iter().position(|b| *b == b'=') {
                Some(i) => (&segment[..i], &segment[i + 1..]),
                None => (segment, &[][..]),
            };
            (decode_component(name), decode_component(value))
        })
        .collect()
}

fn decode_component(raw: &[u8]) -> Vec<u8> {
    let plus_as_space: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_decode(&plus_as_space).collect()
}

/// `application/x-www-form-urlencoded` of `pairs` exactly as the Python SDK's `urlencode` writes it:
/// RFC 3986 unreserved characters kept, space `+`, everything else (`*` too) `%XX`.
pub fn form_encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let plus = |s: &str| percent_encode(s).replace("%20", "+");
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", plus(k.as_ref()), plus(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// The SDKs' timestamp: UTC `YYYY-MM-DDThh:mm:ssZ` (`x-acs-date`, V1 `Timestamp`).
pub fn format_timestamp(t: Instant) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Reads a timestamp: the SDKs' `YYYY-MM-DDThh:mm:ssZ`, or any RFC 3339 date.
pub fn parse_timestamp(s: &str) -> Option<Instant> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .map(|naive| naive.and_utc())
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.with_timezone(&Utc))
        })
}

/// An AccessKey pair, with the STS token when the pair is temporary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// Sent as `x-acs-security-token` (V3) or `SecurityToken` (V1).
    pub security_token: Option<String>,
}

impl Credentials {
    /// A permanent AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Credentials {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// A temporary (STS) AccessKey pair with its token.
    pub fn sts(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Credentials {
        Credentials {
            security_token: Some(security_token.into()),
            ..Credentials::new(access_key_id, access_key_secret)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_encoding_keeps_unreserved_and_encodes_space_and_star() {
        assert_eq!(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encode("镜像 a+b*c~"), "%E9%95%9C%E5%83%8F%20a%2Bb%2Ac~");
        assert_eq!(percent_encode("2025-01-01T00:00:00Z"), "2025-01-01T00%3A00%3A00Z");
    }

    #[test]
    fn form_decoding_turns_plus_into_space_and_keeps_raw_bytes() {
        let pairs = decode_form_bytes(b"a=x+y%2Bz&&flag&b=%FF");
        assert_eq!(
            pairs,
            vec![
                (b"a".to_vec(), b"x y+z".to_vec()),
                (b"flag".to_vec(), Vec::new()),
                (b"b".to_vec(), vec![0xFF]),
            ]
        );
    }

    #[test]
    fn form_encoding_writes_what_python_urlencode_writes() {
        assert_eq!(
            form_encode(&[("SearchTerm", "镜像 a+b*c~"), ("k", "")]),
            "SearchTerm=%E9%95%9C%E5%83%8F+a%2Bb%2Ac~&k="
        );
    }

    #[test]
    fn timestamps_read_back_what_they_wrote() {
        let t = parse_timestamp("2025-01-01T00:00:00Z").unwrap();
        assert_eq!(format_timestamp(t), "2025-01-01T00:00:00Z");
        assert_eq!(parse_timestamp("2025-01-01T08:00:00+08:00"), Some(t));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp("2025-01-01 00:00:00"), None);
    }
}

//! The Market OpenAPI (version 2015-11-01, RPC style, path `/`) as the official SDKs speak it
//! (contract §4): both request signatures, and a typed client.
//!
//! - [`v3`] — `ACS3-HMAC-SHA256`, the SDK default: canonical request, string to sign, signature, the
//!   `Authorization` header both ways, and [`v3::sign`], which gives a client (or a test) every header
//!   a signed request needs.
//! - [`v1`] — the RPC `HMAC-SHA1` signature over the parameters, and [`v1::sign_params`].
//! - [`client`] — an async client that signs like the Python SDK, with typed helpers.
//!
//! Shared here, beneath all three: the RFC 3986 encoding both signatures use, the timestamp format,
//! the credentials, and the request nonce (`nonce`, re-exported as [`client::random_nonce`]).

pub mod client;
mod nonce;
pub mod v1;
pub mod v3;

use crate::time::Instant;
use chrono::{DateTime, NaiveDateTime, Utc};

/// The API version every Market request names.
pub const VERSION: &str = "2015-11-01";

/// Hex SHA-256 of an empty body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Whether RFC 3986 keeps `b` as it is: the unreserved `A–Z a–z 0–9 - _ . ~`. Every other byte is
/// escaped (so a space is `%20` and `*` is `%2A`, as the SDKs' `quote(v, safe='~')` writes them).
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// RFC 3986 percent-encoding, as both signatures use it: unreserved characters kept, everything
/// else (UTF-8 bytes) `%XX` in upper case.
pub fn percent_encode(s: &str) -> String {
    percent_encode_bytes(s.as_bytes())
}

/// The same over raw bytes (a decoded value that is not UTF-8 re-encodes to what was sent).
pub fn percent_encode_bytes(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    push_encoded(&mut out, bytes, b"%20");
    ascii_text(out)
}

/// Appends `bytes` to `out` RFC 3986-encoded, a space written as `space` (`%20`, or a form's `+`).
fn push_encoded(out: &mut Vec<u8>, bytes: &[u8], space: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if unreserved(b) {
            out.push(b);
        } else if b == b' ' {
            out.extend_from_slice(space);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
        }
    }
}

/// What [`push_encoded`] wrote, as text: ASCII only, so it always is.
fn ascii_text(encoded: Vec<u8>) -> String {
    String::from_utf8(encoded).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Splits a raw `application/x-www-form-urlencoded` string (query or body) into decoded byte pairs:
/// `+` is a space, `%XX` a byte, and a `%` not followed by two hex digits stays as it is. Empty
/// segments are skipped; a segment without `=` has an empty value.
pub fn decode_form_bytes(raw: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.split(|b| *b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| match segment.iter().position(|b| *b == b'=') {
            Some(i) => (
                decode_component(&segment[..i]),
                decode_component(&segment[i + 1..]),
            ),
            None => (decode_component(segment), Vec::new()),
        })
        .collect()
}

/// Decoded pairs borrowed as byte slices: a V3 canonical request's query ([`v3::Incoming`]).
pub fn borrowed_pairs(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<(&[u8], &[u8])> {
    pairs.iter().map(|(k, v)| (k.as_slice(), v.as_slice())).collect()
}

/// One form component decoded, in one pass.
fn decode_component(part: &[u8]) -> Vec<u8> {
    let hex = |i: usize| part.get(i).and_then(|&d| char::from(d).to_digit(16));
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) {
                    // Two hex digits make one byte: 16 × high + low < 256.
                    out.push(u8::try_from(high * 16 + low).unwrap_or_default());
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// `application/x-www-form-urlencoded` of `pairs` exactly as the Python SDK's `urlencode` writes it:
/// RFC 3986 unreserved characters kept, space `+`, everything else (`*` too) `%XX`.
pub fn form_encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = Vec::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        push_encoded(&mut out, k.as_ref().as_bytes(), b"+");
        out.push(b'=');
        push_encoded(&mut out, v.as_ref().as_bytes(), b"+");
    }
    ascii_text(out)
}

/// The SDKs' timestamp: UTC `YYYY-MM-DDThh:mm:ssZ` (`x-acs-date`, V1 `Timestamp`).
pub fn format_timestamp(t: Instant) -> String {
    use chrono::{Datelike, Timelike};
    // A leap second (nanoseconds past 10⁹) and years of other widths go through chrono's formatter.
    let year = t.year();
    if !(0..=9999).contains(&year) || t.nanosecond() >= 1_000_000_000 {
        return t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    // Written digit by digit: every signed request carries one, and `format!` costs more than the rest.
    let mut out = String::with_capacity(20);
    let mut digits = |n: u32, width: u32, after: char| {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
        }
        out.push(after);
    };
    digits(year as u32, 4, '-');
    digits(t.month(), 2, '-');
    digits(t.day(), 2, 'T');
    digits(t.hour(), 2, ':');
    digits(t.minute(), 2, ':');
    digits(t.second(), 2, 'Z');
    out
}

/// Reads a timestamp: the SDKs' `YYYY-MM-DDThh:mm:ssZ`, or any RFC 3339 date.
pub fn parse_timestamp(s: &str) -> Option<Instant> {
    parse_sdk_timestamp(s).or_else(|| parse_any_timestamp(s))
}

/// [`parse_timestamp`] through chrono's general readers, for any form.
fn parse_any_timestamp(s: &str) -> Option<Instant> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .map(|naive| naive.and_utc())
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.with_timezone(&Utc))
        })
}

/// The SDK's exact form, `YYYY-MM-DDThh:mm:ssZ` with every digit there, read without a format
/// parser; None for anything else (the general readers decide those).
fn parse_sdk_timestamp(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?;
    let time = chrono::NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?;
    Some(date.and_time(time).and_utc())
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
    fn every_byte_but_the_unreserved_is_escaped_in_upper_case_hex() {
        let every_byte: Vec<u8> = (0..=255u8).collect();
        let encoded = percent_encode_bytes(&every_byte);
        assert!(encoded.starts_with("%00%01%02"));
        assert!(encoded.contains("%1F%20%21%22"));
        assert!(encoded.contains("%2C-.%2F0123456789%3A"));
        assert!(encoded.contains("%40ABC"));
        assert!(encoded.contains("XYZ%5B%5C%5D%5E_%60abc"));
        assert!(encoded.contains("xyz%7B%7C%7D~%7F%80%81"));
        assert!(encoded.ends_with("%FE%FF"));
        assert_eq!(encoded.len(), 66 + 3 * (256 - 66));
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
    fn a_percent_sign_without_two_hex_digits_stays_as_sent() {
        let pairs = decode_form_bytes(b"a=%41%4a%zz%4&b=%&c=%%41+%+2&=&%=%");
        let text: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (String::from_utf8(k).unwrap(), String::from_utf8(v).unwrap()))
            .collect();
        let expected = [
            ("a", "AJ%zz%4"),
            ("b", "%"),
            ("c", "%A % 2"),
            ("", ""),
            ("%", "%"),
        ];
        assert_eq!(text, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    }

    #[test]
    fn form_encoding_writes_what_python_urlencode_writes() {
        assert_eq!(
            form_encode(&[("SearchTerm", "镜像 a+b*c~"), ("k", "")]),
            "SearchTerm=%E9%95%9C%E5%83%8F+a%2Bb%2Ac~&k="
        );
        assert_eq!(form_encode(&[("a b", "%20 +")]), "a+b=%2520+%2B");
    }

    #[test]
    fn the_quick_timestamp_reader_agrees_with_the_general_one() {
        for s in [
            "2025-01-01T00:00:00Z",
            "1999-12-31T23:59:59Z",
            "2024-02-29T12:30:45Z",
            "2025-02-29T12:30:45Z",
            "2025-13-01T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T23:59:60Z",
            "2025-1-01T00:00:00Z",
            "+2025-01-01T00:00:00Z",
        ] {
            let general = parse_any_timestamp(s);
            assert_eq!(parse_timestamp(s), general, "{s}");
            if let Some(t) = general {
                assert_eq!(format_timestamp(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            }
        }
    }

    #[test]
    fn timestamps_read_back_what_they_wrote() {
        let t = parse_timestamp("2025-01-01T00:00:00Z").unwrap();
        assert_eq!(format_timestamp(t), "2025-01-01T00:00:00Z");
        assert_eq!(parse_timestamp("2025-01-01T08:00:00+08:00"), Some(t));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp("2025-01-01 00:00:00"), None);
    }

    #[test]
    fn timestamps_are_written_as_chrono_writes_them_over_the_whole_range() {
        // Year 0 to 9999 in steps of about 114 days and a few hours, landing on every kind of digit.
        for secs in (-62_167_219_200i64..253_402_300_799).step_by(9_876_543) {
            let t = DateTime::from_timestamp(secs, 0).unwrap();
            assert_eq!(format_timestamp(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }
}

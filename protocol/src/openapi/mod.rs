//! The Market OpenAPI (version 2015-11-01, RPC style, path `/`) as the official SDKs speak it
//! (contract §4): both request signatures, and a typed client.
//!
//! - [`v3`] — `ACS3-HMAC-SHA256`, the SDK default: canonical request, string to sign, signature, the
//!   `Authorization` header both ways, and [`v3::sign`], which gives a client (or a test) every header
//!   a signed request needs.
//! - [`v1`] — the RPC `HMAC-SHA1` signature over the parameters, and [`v1::sign_params`].
//! - [`client`] — an async client that signs like the Python SDK, with typed helpers.
//!
//! Shared here: the RFC 3986 encoding both signatures use, the timestamp format and the credentials.

pub mod client;
pub mod v1;
pub mod v3;

use crate::time::Instant;
use chrono::{DateTime, NaiveDateTime, Utc};

/// The API version every Market request names.
pub const VERSION: &str = "2015-11-01";

/// Hex SHA-256 of an empty body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// RFC 3986 percent-encoding, as both signatures use it: unreserved characters (`A–Z a–z 0–9 - _ .
/// ~`) kept, space `%20`, `*` `%2A`, everything else (UTF-8 bytes) `%XX` in upper case.
pub fn percent_encode(s: &str) -> String {
    percent_encode_bytes(s.as_bytes())
}

/// The same over raw bytes (a decoded value that is not UTF-8 re-encodes to what was sent).
pub fn percent_encode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    encode_into(&mut out, bytes, "%20");
    out
}

/// Appends `bytes` percent-encoded by RFC 3986 to `out`, a space written as `space`.
fn encode_into(out: &mut String, bytes: &[u8], space: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    // Written as bytes, then checked as text once: everything written is ASCII or `space`.
    let mut buf = std::mem::take(out).into_bytes();
    buf.reserve(bytes.len() + bytes.len() / 2);
    for &b in bytes {
        if unreserved(b) {
            buf.push(b);
        } else if b == b' ' {
            buf.extend_from_slice(space.as_bytes());
        } else {
            buf.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
        }
    }
    *out = String::from_utf8(buf).expect("percent-encoding writes ASCII text");
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = vec![0; bytes.len() * 2];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xF)];
    }
    String::from_utf8(out).expect("hex digits are ASCII")
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
            let mut k = Vec::with_capacity(name.len());
            let mut v = Vec::with_capacity(value.len());
            decode_component_into(&mut k, name);
            decode_component_into(&mut v, value);
            (k, v)
        })
        .collect()
}

/// Appends `raw` decoded to `out`: `+` is a space, `%XX` (two hex digits) a byte, and a `%` not
/// followed by two hex digits stays as it is.
pub fn decode_component_into(out: &mut Vec<u8>, raw: &[u8]) {
    fn hex(b: u8) -> Option<u8> {
        char::from(b).to_digit(16).map(|d| d as u8)
    }
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        match b {
            b'+' => out.push(b' '),
            b'%' => match (
                raw.get(i + 1).and_then(|&h| hex(h)),
                raw.get(i + 2).and_then(|&l| hex(l)),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 0x10 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            _ => out.push(b),
        }
        i += 1;
    }
}

/// `application/x-www-form-urlencoded` of `pairs` exactly as the Python SDK's `urlencode` writes it:
/// RFC 3986 unreserved characters kept, space `+`, everything else (`*` too) `%XX`.
pub fn form_encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let len: usize = pairs
        .iter()
        .map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2)
        .sum();
    let mut out = String::with_capacity(len + len / 2);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, k.as_ref().as_bytes(), "+");
        out.push('=');
        encode_into(&mut out, v.as_ref().as_bytes(), "+");
    }
    out
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
    fn the_encoders_write_what_the_percent_encoding_crate_writes() {
        const RFC3986: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        let every_byte: Vec<u8> = (0..=255u8).collect();
        assert_eq!(
            percent_encode_bytes(&every_byte),
            percent_encoding::percent_encode(&every_byte, RFC3986).to_string()
        );
        let text = "镜像 a+b*c~ %2F&=é";
        assert_eq!(
            form_encode(&[(text, text)]),
            format!(
                "{0}={0}",
                percent_encoding::utf8_percent_encode(text, RFC3986)
                    .to_string()
                    .replace("%20", "+")
            )
        );
    }

    #[test]
    fn form_decoding_matches_plus_then_percent_decoding() {
        for raw in [
            "a=%41%4a%4A%zz%4&b=%&c=%%41+%+2&d=%2",
            "x=%E9%95%9C+%FF%fe",
            "=&%=%&+=+",
        ] {
            let expected: Vec<(Vec<u8>, Vec<u8>)> = raw
                .as_bytes()
                .split(|b| *b == b'&')
                .filter(|s| !s.is_empty())
                .map(|segment| {
                    let (k, v) = match segment.iter().position(|b| *b == b'=') {
                        Some(i) => (&segment[..i], &segment[i + 1..]),
                        None => (segment, &[][..]),
                    };
                    let decode = |part: &[u8]| -> Vec<u8> {
                        let spaced: Vec<u8> =
                            part.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
                        percent_encoding::percent_decode(&spaced).collect()
                    };
                    (decode(k), decode(v))
                })
                .collect();
            assert_eq!(decode_form_bytes(raw.as_bytes()), expected, "{raw}");
        }
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

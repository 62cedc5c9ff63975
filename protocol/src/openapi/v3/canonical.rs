//! The canonical request of a V3 signature, written in one place ([`canonical_request`]) from a
//! request as it goes on the wire, and the string to sign built over it. The server writes it from
//! what arrived; the signer (`request`) from what it is about to send.

use super::ALGORITHM;
use crate::openapi::percent_encode_bytes;
use sha2::{Digest, Sha256};

/// A request as it goes on the wire: what a server received, or what a client is about to send.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a, N, V> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query's pairs, decoded ([`crate::openapi::decode_form_bytes`] of what a server
    /// received; a client's own names and values).
    pub query: &'a [(&'a [u8], &'a [u8])],
    /// Every header of the request (name, value), in any case.
    pub headers: &'a [(N, V)],
    pub body: &'a [u8],
}

/// The canonical request of `request` signed over `signed_headers`. The payload hash is the body's
/// own, so a body changed in flight does not verify.
pub fn canonical_request<N: AsRef<str>, V: AsRef<str>>(
    request: &Incoming<'_, N, V>,
    signed_headers: &SignedHeaders,
) -> String {
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    format!(
        "{}\n{path}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_query(request.query),
        canonical_headers(signed_headers, request.headers),
        signed_headers.as_str(),
        hashed_payload(request.body),
    )
}

/// `ACS3-HMAC-SHA256\n<hex SHA-256 of the canonical request>`: what the signature signs.
pub fn string_to_sign<N: AsRef<str>, V: AsRef<str>>(
    request: &Incoming<'_, N, V>,
    signed_headers: &SignedHeaders,
) -> String {
    let digest = Sha256::digest(canonical_request(request, signed_headers));
    format!("{ALGORITHM}\n{}", hex::encode(digest))
}

/// The canonical query: every (decoded) pair encoded by RFC 3986, sorted by name then value,
/// `k=v` joined by `&`.
pub fn canonical_query(pairs: &[(&[u8], &[u8])]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (percent_encode_bytes(k), percent_encode_bytes(v)))
        .collect();
    encoded.sort_unstable();
    let mut out = String::with_capacity(encoded.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in encoded.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The canonical headers for `signed_headers`: for each name, `name:value\n` with the request's
/// values of that header trimmed, sorted and comma-joined (an absent header has an empty value).
pub fn canonical_headers<N: AsRef<str>, V: AsRef<str>>(
    signed_headers: &SignedHeaders,
    headers: &[(N, V)],
) -> String {
    let mut out = String::new();
    let mut values: Vec<&str> = Vec::new();
    for name in signed_headers.names() {
        values.clear();
        values.extend(
            headers
                .iter()
                .filter(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_ref().trim()),
        );
        values.sort_unstable();
        out.push_str(name);
        out.push(':');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(value);
        }
        out.push('\n');
    }
    out
}

/// A `SignedHeaders` list as the canonical request uses it: lower-case names, sorted, without
/// repeats or empty names, `;`-joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders(String);

impl SignedHeaders {
    /// Normalizes a list as sent.
    pub fn parse(list: &str) -> SignedHeaders {
        let lower = list.to_ascii_lowercase();
        let mut names: Vec<&str> = lower
            .split(';')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        names.sort_unstable();
        names.dedup();
        SignedHeaders(names.join(";"))
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.split(';').filter(|n| !n.is_empty())
    }

    /// Whether `name` (lower-case) is one of them.
    pub fn contains(&self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }

    /// The `;`-joined list: the canonical request's `SignedHeaders` line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hex SHA-256 of the body: the `HashedPayload` line and the `x-acs-content-sha256` header.
pub fn hashed_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{borrowed_pairs, decode_form_bytes};

    /// The canonical query of a query as sent.
    fn canonical(raw: &str) -> String {
        canonical_query(&borrowed_pairs(&decode_form_bytes(raw.as_bytes())))
    }

    #[test]
    fn a_canonical_query_canonicalizes_to_itself() {
        for raw in [
            "Metering=%5B%7B%22InstanceId%22%3A%221%22%7D%5D",
            "A=1&B=2",
            "A=1&A=2",
            "A=&B=x",
            "=",
            "Filter.1.Key=ProductType&SearchTerm=%E9%95%9C%20a%2Bb%2Ac~",
        ] {
            assert_eq!(canonical(raw), raw);
        }
    }

    #[test]
    fn the_query_is_decoded_then_reencoded_by_rfc3986() {
        // The wire form uses `+` for a space; the canonical form `%20`, and `*` becomes `%2A`.
        assert_eq!(
            canonical("SearchTerm=%E9%95%9C%E5%83%8F+a%2Bb*c%7E&A=1"),
            "A=1&SearchTerm=%E9%95%9C%E5%83%8F%20a%2Bb%2Ac~"
        );
        assert_eq!(canonical(""), "");
        assert_eq!(canonical("b=2&a=&a=1"), "a=&a=1&b=2");
        // Sorted by name first: `a` before `a-b`, though `a=` sorts after `a-` as text.
        assert_eq!(canonical("a-b=1&a=2"), "a=2&a-b=1");
        assert_eq!(canonical("flag&A=%5b&B=%41"), "A=%5B&B=A&flag=");
    }

    #[test]
    fn canonical_headers_come_from_the_signed_list_trimmed_and_joined() {
        let headers = [
            ("Host", " example.com "),
            ("X-Multi", "b"),
            ("x-multi", "a"),
            ("user-agent", "not signed"),
        ];
        let names = SignedHeaders::parse("x-multi;HOST;;absent");
        assert_eq!(names.as_str(), "absent;host;x-multi");
        assert_eq!(
            canonical_headers(&names, &headers),
            "absent:\nhost:example.com\nx-multi:a,b\n"
        );
    }

    #[test]
    fn signed_header_lists_are_lower_case_sorted_and_without_repeats() {
        for (list, normal) in [
            ("accept;host;x-acs-date", "accept;host;x-acs-date"),
            ("host;accept", "accept;host"),
            ("accept;accept", "accept"),
            ("Accept; host", "accept;host"),
            (";accept;;host", "accept;host"),
            ("", ""),
        ] {
            assert_eq!(SignedHeaders::parse(list).as_str(), normal, "{list:?}");
        }
    }
}

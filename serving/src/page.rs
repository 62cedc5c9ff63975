//! Whether a request was sent by a web page. Browsers mark what a page sends: `Origin` on every
//! cross-origin request and every POST, `Sec-Fetch-Site` on everything (`none` only when the user
//! typed the address or followed a bookmark). SDKs, servers and the marketplace's own SPI client
//! send neither, so an endpoint meant for them can refuse what carries either, and no page of
//! another site — which could otherwise sign a request with the world's published keys — gets in.

use axum::http::HeaderMap;

/// True when a browser says a page sent this request.
pub fn sent_by_a_page(headers: &HeaderMap) -> bool {
    headers.contains_key("origin")
        || headers
            .get_all("sec-fetch-site")
            .iter()
            .any(|site| site.as_bytes() != b"none")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn what_a_page_sends_is_told_from_what_an_sdk_sends() {
        assert!(!sent_by_a_page(&headers(&[])));
        assert!(!sent_by_a_page(&headers(&[("sec-fetch-site", "none")])));
        for page in [
            [("origin", "http://evil.example"), ("x-any", "1")],
            [("origin", "null"), ("x-any", "1")],
            [("sec-fetch-site", "cross-site"), ("x-any", "1")],
            [("sec-fetch-site", "same-site"), ("x-any", "1")],
            [("sec-fetch-site", "same-origin"), ("x-any", "1")],
        ] {
            assert!(sent_by_a_page(&headers(&page)), "{page:?}");
        }
    }
}

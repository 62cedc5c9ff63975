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

use super::{decode_form_bytes, form_encode, format_timestamp, percent_encode_bytes, Credentials};
use crate::time::Instant;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// The one V3 algorithm the marketplace accepts.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The content type of a form body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// A request as it goes on the wire: what a server received, or what a client is about to send.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a, N, V> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query exactly as sent (without `?`).
    pub raw_query: &'a str,
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
        canonical_query(request.raw_query),
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

/// The canonical query: every pair decoded (`+` is a space), re-encoded by RFC 3986, sorted by
/// name then value, `k=v` joined by `&`.
pub fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = decode_form_bytes(raw_query.as_bytes())
        .into_iter()
        .map(|(k, v)| (percent_encode_bytes(&k), percent_encode_bytes(&v)))
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(raw_query.len() + raw_query.len() / 4);
    for (i, (k, v)) in pairs.iter().enumerate() {
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

/// Hex HMAC-SHA256 of the string to sign, keyed by the AccessKey secret.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    hex::encode(mac(secret, string_to_sign).finalize().into_bytes())
}

/// Whether `provided` (hex, either case) is the signature of `string_to_sign` under `secret`,
/// compared in constant time.
pub fn verify(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    match hex::decode(provided.trim()) {
        Ok(provided) => mac(secret, string_to_sign).verify_slice(&provided).is_ok(),
        Err(_) => false,
    }
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// A parsed `Authorization` header, borrowing from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// As sent (`ACS3-HMAC-SHA256`, or another the server refuses).
    pub algorithm: &'a str,
    pub access_key_id: &'a str,
    pub signed_headers: SignedHeaders,
    pub signature: &'a str,
}

/// Why an `Authorization` header could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    #[error("the Authorization header has no algorithm")]
    NoAlgorithm,
    #[error("the Authorization header lacks {0}")]
    Missing(&'static str),
}

/// Reads `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` (parts in any order, spaces
/// around them allowed). Never panics, whatever the input.
pub fn parse_authorization(value: &str) -> Result<Authorization<'_>, AuthorizationError> {
    let value = value.trim();
    let (algorithm, rest) = match value.split_once(char::is_whitespace) {
        Some((a, rest)) => (a, rest),
        None => (value, ""),
    };
    if algorithm.is_empty() {
        return Err(AuthorizationError::NoAlgorithm);
    }
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let Some((name, val)) = part.split_once('=') else {
            continue;
        };
        let val = val.trim();
        match name.trim() {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed_headers = Some(val),
            "Signature" => signature = Some(val),
            _ => {}
        }
    }
    fn nonempty(v: Option<&str>) -> Option<&str> {
        v.filter(|v| !v.is_empty())
    }
    let access_key_id = nonempty(credential).ok_or(AuthorizationError::Missing("Credential"))?;
    let signed_headers = nonempty(signed_headers).ok_or(AuthorizationError::Missing("SignedHeaders"))?;
    let signature = nonempty(signature).ok_or(AuthorizationError::Missing("Signature"))?;
    Ok(Authorization {
        algorithm,
        access_key_id,
        signed_headers: SignedHeaders::parse(signed_headers),
        signature,
    })
}

/// The `Authorization` header value.
pub fn authorization_header(access_key_id: &str, signed_headers: &SignedHeaders, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        signed_headers.as_str()
    )
}

/// A request to sign, built up like the Python SDK builds it. Every header it sets is signed.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The endpoint as the client names it (`market.aliyuncs.com`, `127.0.0.1:8080`): the `host` header.
    pub host: String,
    pub action: String,
    pub version: String,
    pub query: Vec<(String, String)>,
    /// Sent as a form body when not empty.
    pub form: Vec<(String, String)>,
    /// Extra headers, signed too.
    pub headers: Vec<(String, String)>,
    pub date: Instant,
    pub nonce: String,
}

impl Request {
    /// A request for `action`, stamped with the wall clock and a fresh nonce.
    pub fn new(method: &str, host: &str, action: &str) -> Request {
        Request {
            method: method.to_owned(),
            host: host.to_owned(),
            action: action.to_owned(),
            version: super::VERSION.to_owned(),
            query: Vec::new(),
            form: Vec::new(),
            headers: Vec::new(),
            date: crate::clock::wall_now(),
            nonce: super::client::random_nonce(),
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: &str) -> Request {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a form-body parameter.
    pub fn form(mut self, name: &str, value: &str) -> Request {
        self.form.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a header, signed with the rest.
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Stamps the request with `date` instead of the wall clock.
    pub fn at(mut self, date: Instant) -> Request {
        self.date = date;
        self
    }

    /// Uses `nonce` instead of a fresh one.
    pub fn nonce(mut self, nonce: &str) -> Request {
        self.nonce = nonce.to_owned();
        self
    }

    /// Signs the request (see [`sign`]).
    pub fn sign(&self, credentials: &Credentials) -> Signed {
        sign(
            &Parts {
                method: &self.method,
                host: &self.host,
                action: &self.action,
                version: &self.version,
                query: &self.query,
                form: &self.form,
                headers: &self.headers,
                date: self.date,
                nonce: &self.nonce,
            },
            credentials,
        )
    }
}

/// A signed request: what to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub method: String,
    /// The query as it goes on the wire (form-encoded, space `+`), empty when there is none.
    pub query: String,
    /// The form body, empty when there is none.
    pub body: Vec<u8>,
    /// Every header to send, `authorization` last.
    pub headers: Vec<(Cow<'static, str>, String)>,
}

impl Signed {
    /// The request target: `/` or `/?<query>`.
    pub fn uri(&self) -> String {
        if self.query.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{}", self.query)
        }
    }

    /// The value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What is signed, borrowed: a [`Request`]'s parts, or a client's without building one.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a, P> {
    pub method: &'a str,
    pub host: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub query: &'a [(P, P)],
    pub form: &'a [(P, P)],
    /// Extra headers (lower-case names), signed too; one the signer sets itself is replaced.
    pub headers: &'a [(P, P)],
    pub date: Instant,
    pub nonce: &'a str,
}

/// Signs a request with `credentials` the way the Python SDK does: headers `host`, `x-acs-action`,
/// `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`, `accept`, `x-acs-content-sha256`,
/// `content-type` (with a body), `x-acs-accesskey-id` and `x-acs-security-token` (STS), every one of
/// them signed, then `authorization`.
pub fn sign<P: AsRef<str>>(request: &Parts<'_, P>, credentials: &Credentials) -> Signed {
    let query = form_encode(request.query);
    let body = if request.form.is_empty() {
        Vec::new()
    } else {
        form_encode(request.form).into_bytes()
    };
    let mut headers: Vec<(Cow<'static, str>, String)> = vec![
        ("host".into(), request.host.to_owned()),
        ("x-acs-action".into(), request.action.to_owned()),
        ("x-acs-version".into(), request.version.to_owned()),
        ("x-acs-date".into(), format_timestamp(request.date)),
        ("x-acs-signature-nonce".into(), request.nonce.to_owned()),
        ("accept".into(), "application/json".into()),
        ("x-acs-content-sha256".into(), hashed_payload(&body)),
    ];
    if !body.is_empty() {
        headers.push(("content-type".into(), FORM_CONTENT_TYPE.into()));
    }
    if let Some(token) = &credentials.security_token {
        headers.push(("x-acs-accesskey-id".into(), credentials.access_key_id.clone()));
        headers.push(("x-acs-security-token".into(), token.clone()));
    }
    for (name, value) in request.headers {
        let name = name.as_ref();
        headers.retain(|(n, _)| n != name);
        headers.push((Cow::Owned(name.to_owned()), value.as_ref().to_owned()));
    }
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_ref()).collect();
    let signed_headers = SignedHeaders::parse(&names.join(";"));
    let to_sign = string_to_sign(
        &Incoming {
            method: request.method,
            path: "/",
            raw_query: &query,
            headers: &headers,
            body: &body,
        },
        &signed_headers,
    );
    let sig = signature(&credentials.access_key_secret, &to_sign);
    headers.push((
        "authorization".into(),
        authorization_header(&credentials.access_key_id, &signed_headers, &sig),
    ));
    Signed {
        method: request.method.to_owned(),
        query,
        body,
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{parse_timestamp, EMPTY_SHA256};

    /// Contract §4.3: the SDK's own `get_authorization`, re-derived independently.
    #[test]
    fn the_published_v3_vector_signs_as_the_sdk_does() {
        let headers = [
            ("accept", "application/json"),
            ("host", "market.aliyuncs.com"),
            ("x-acs-action", "DescribeInstanceForIsv"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-date", "2025-01-01T00:00:00Z"),
            ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
            ("x-acs-version", "2015-11-01"),
        ];
        let signed_headers = SignedHeaders::parse(
            "accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
        );

        // The request as it arrives: the server writes its canonical request from this.
        let request = Incoming {
            method: "POST",
            path: "/",
            raw_query: "InstanceId=12345678",
            headers: &headers,
            body: b"",
        };
        let canonical = canonical_request(&request, &signed_headers);
        let expected_canonical = [
            "POST",
            "/",
            "InstanceId=12345678",
            "accept:application/json",
            "host:market.aliyuncs.com",
            "x-acs-action:DescribeInstanceForIsv",
            "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "x-acs-date:2025-01-01T00:00:00Z",
            "x-acs-signature-nonce:0123456789abcdef0123456789abcdef",
            "x-acs-version:2015-11-01",
            "",
            "accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ]
        .join("\n");
        assert_eq!(canonical, expected_canonical);

        let to_sign = string_to_sign(&request, &signed_headers);
        assert_eq!(
            to_sign,
            format!("ACS3-HMAC-SHA256\n{}", hex::encode(Sha256::digest(&canonical)))
        );
        assert!(to_sign.starts_with("ACS3-HMAC-SHA256\n"));
        let sig = signature("testsecret", &to_sign);
        assert_eq!(
            sig,
            "532b7f182b7fbc6806a1486c5842be3e5f5054de50866bf5638d9778c08beec4"
        );
        assert_eq!(
            authorization_header("testak", &signed_headers, &sig),
            "ACS3-HMAC-SHA256 Credential=testak,SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=532b7f182b7fbc6806a1486c5842be3e5f5054de50866bf5638d9778c08beec4"
        );

        // The server checks the signature over the same string, in either case of hex.
        let server = to_sign;
        assert!(verify("testsecret", &server, &sig.to_ascii_uppercase()));
        assert!(!verify("wrongsecret", &server, &sig));
        assert!(!verify("testsecret", &server, "not hex"));
        assert!(!verify("testsecret", &server, &sig[..62]));
    }

    #[test]
    fn the_client_signer_reproduces_the_published_vector() {
        let signed = Request::new("POST", "market.aliyuncs.com", "DescribeInstanceForIsv")
            .query("InstanceId", "12345678")
            .at(parse_timestamp("2025-01-01T00:00:00Z").unwrap())
            .nonce("0123456789abcdef0123456789abcdef")
            .sign(&Credentials::new("testak", "testsecret"));
        assert_eq!(signed.uri(), "/?InstanceId=12345678");
        assert_eq!(signed.header("x-acs-content-sha256"), Some(EMPTY_SHA256));
        assert_eq!(signed.header("content-type"), None);
        assert_eq!(
            signed.header("authorization"),
            Some("ACS3-HMAC-SHA256 Credential=testak,SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=532b7f182b7fbc6806a1486c5842be3e5f5054de50866bf5638d9778c08beec4")
        );
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
            assert_eq!(canonical_query(raw), raw);
        }
    }

    #[test]
    fn the_query_is_decoded_then_reencoded_by_rfc3986() {
        // The wire form uses `+` for a space; the canonical form `%20`, and `*` becomes `%2A`.
        assert_eq!(
            canonical_query("SearchTerm=%E9%95%9C%E5%83%8F+a%2Bb*c%7E&A=1"),
            "A=1&SearchTerm=%E9%95%9C%E5%83%8F%20a%2Bb%2Ac~"
        );
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=&a=1"), "a=&a=1&b=2");
        // Sorted by name first: `a` before `a-b`, though `a=` sorts after `a-` as text.
        assert_eq!(canonical_query("a-b=1&a=2"), "a=2&a-b=1");
        assert_eq!(canonical_query("flag&A=%5b&B=%41"), "A=%5B&B=A&flag=");
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

    #[test]
    fn every_header_the_signer_sends_is_signed_host_and_x_acs_ones_included() {
        let creds = Credentials::sts("STS.key", "stssecret", "token");
        let signed = Request::new("POST", "127.0.0.1:9", "PauseProject")
            .form("Remark", "r")
            .header("user-agent", "marketsim")
            .header("x-acs-extra", "v")
            .sign(&creds);
        let auth = parse_authorization(signed.header("authorization").unwrap()).unwrap();
        let sent: Vec<&str> = signed
            .headers
            .iter()
            .map(|(name, _)| name.as_ref())
            .filter(|name| *name != "authorization")
            .collect();
        assert!(sent.contains(&"host") && sent.contains(&"x-acs-security-token"));
        for name in sent {
            assert!(auth.signed_headers.contains(name), "{name} is sent unsigned");
        }
    }

    #[test]
    fn a_body_is_hashed_and_its_content_type_signed() {
        let creds = Credentials::sts("STS.key", "stssecret", "tok en");
        let signed = Request::new("POST", "127.0.0.1:9", "CrossAccountVerifyToken")
            .form("Token", "a b")
            .sign(&creds);
        assert_eq!(signed.body, b"Token=a+b");
        assert_eq!(signed.header("content-type"), Some(FORM_CONTENT_TYPE));
        assert_eq!(signed.header("x-acs-security-token"), Some("tok en"));
        assert_eq!(
            signed.header("x-acs-content-sha256"),
            Some(hashed_payload(b"Token=a+b").as_str())
        );
        let auth = parse_authorization(signed.header("authorization").unwrap()).unwrap();
        assert!(auth.signed_headers.contains("content-type"));
        assert!(auth.signed_headers.contains("x-acs-security-token"));
        let server = string_to_sign(
            &Incoming {
                method: "POST",
                path: "/",
                raw_query: &signed.query,
                headers: &signed.headers,
                body: &signed.body,
            },
            &auth.signed_headers,
        );
        assert!(verify("stssecret", &server, auth.signature));
        // The same headers over a changed body do not verify.
        let tampered = string_to_sign(
            &Incoming {
                method: "POST",
                path: "/",
                raw_query: &signed.query,
                headers: &signed.headers,
                body: b"Token=other",
            },
            &auth.signed_headers,
        );
        assert!(!verify("stssecret", &tampered, auth.signature));
    }

    #[test]
    fn authorization_headers_parse_or_fail_without_panicking() {
        let auth = parse_authorization(
            "ACS3-HMAC-SHA256  Credential=ak, SignedHeaders=x-acs-date;host ,Signature=abc",
        )
        .unwrap();
        assert_eq!(auth.algorithm, "ACS3-HMAC-SHA256");
        assert_eq!(auth.access_key_id, "ak");
        assert_eq!(
            auth.signed_headers.names().collect::<Vec<_>>(),
            ["host", "x-acs-date"]
        );
        assert_eq!(auth.signature, "abc");

        assert_eq!(parse_authorization(""), Err(AuthorizationError::NoAlgorithm));
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256"),
            Err(AuthorizationError::Missing("Credential"))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host"),
            Err(AuthorizationError::Missing("Signature"))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=,Signature=x"),
            Err(AuthorizationError::Missing("SignedHeaders"))
        );
        for garbage in [
            "ACS3-HMAC-SHA256 ,,,===",
            "\u{0}\u{1}",
            "ACS3-HMAC-SHA256 Credential",
        ] {
            assert!(parse_authorization(garbage).is_err(), "{garbage:?}");
        }
    }
}

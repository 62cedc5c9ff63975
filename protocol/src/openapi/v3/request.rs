//! What a client sends: a [`Request`] built up like the Python SDK builds it, or borrowed [`Parts`],
//! signed by [`sign`] into every header the request needs, over the same canonical request the
//! server checks.

use super::{
    authorization_header, hashed_payload, signature, string_to_sign, Incoming, SignedHeaders,
    FORM_CONTENT_TYPE,
};
use crate::openapi::{form_encode, format_timestamp, nonce::random_nonce, Credentials, VERSION};
use crate::time::Instant;
use std::borrow::Cow;

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
            version: VERSION.to_owned(),
            query: Vec::new(),
            form: Vec::new(),
            headers: Vec::new(),
            date: crate::clock::wall_now(),
            nonce: random_nonce(),
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
    let query_pairs: Vec<(&[u8], &[u8])> = request
        .query
        .iter()
        .map(|(k, v)| (k.as_ref().as_bytes(), v.as_ref().as_bytes()))
        .collect();
    let signed_headers = SignedHeaders::parse(&names.join(";"));
    let to_sign = string_to_sign(
        &Incoming {
            method: request.method,
            path: "/",
            query: &query_pairs,
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
    use super::super::{parse_authorization, verify};
    use super::*;
    use crate::openapi::{borrowed_pairs, decode_form_bytes};

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
                query: &borrowed_pairs(&decode_form_bytes(signed.query.as_bytes())),
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
                query: &borrowed_pairs(&decode_form_bytes(signed.query.as_bytes())),
                headers: &signed.headers,
                body: b"Token=other",
            },
            &auth.signed_headers,
        );
        assert!(!verify("stssecret", &tampered, auth.signature));
    }
}

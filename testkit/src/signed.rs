//! Market OpenAPI requests signed as the official SDKs sign them — V3 (`ACS3-HMAC-SHA256`) and V1
//! (HMAC-SHA1) — by `protocol`'s own signing, turned into HTTP requests and sent through
//! [`crate::answer::send`]. A request may be changed between signing and sending (a header swapped,
//! the body rewritten): [`v3_request`] and [`v1_request`] send what they are given as it stands.
//!
//! What the OpenAPI answers is what an SDK parses, so every answer sent from here must be JSON — with
//! one exception, the V1 caller's own choice: a request with `Format=XML` may fail in an XML error.

use crate::answer::{send, Answer};
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use protocol::openapi::{form_encode, v1, v3, Credentials};
use std::borrow::Cow;

/// The host the requests name, the marketplace's default address.
pub const HOST: &str = "127.0.0.1:18082";

/// The HTTP request for a V3-signed request, exactly as it stands.
pub fn v3_request(signed: &v3::Signed) -> Request<Body> {
    let mut builder = Request::builder()
        .method(signed.method.as_str())
        .uri(signed.uri());
    for (name, value) in &signed.headers {
        builder = builder.header(name.as_ref(), value);
    }
    builder
        .body(Body::from(signed.body.clone()))
        .expect("a signed request is a valid HTTP request")
}

/// A V1 `method` request to [`HOST`] with the signed parameters `in_query` in the query and
/// `in_body` in a form body (the SDKs send either, and a client may split them).
pub fn v1_request(
    method: &str,
    in_query: &[(String, String)],
    in_body: &[(String, String)],
) -> Request<Body> {
    let uri = if in_query.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{}", form_encode(in_query))
    };
    let mut builder = Request::builder().method(method).uri(uri).header("host", HOST);
    if !in_body.is_empty() {
        builder = builder.header("content-type", v3::FORM_CONTENT_TYPE);
    }
    builder
        .body(Body::from(form_encode(in_body)))
        .expect("a V1 request is a valid HTTP request")
}

/// Sends a V3-signed request as it stands (changed after signing, or not).
pub async fn send_v3(app: &Router, signed: &v3::Signed) -> Answer {
    let params = form_urlencoded::parse(signed.query.as_bytes()).chain(form_urlencoded::parse(&signed.body));
    let xml = asks_for_xml(params);
    send_openapi(app, v3_request(signed), xml).await
}

/// Sends V1-signed `params` in the query of a `method` request, with `headers` beside them.
pub async fn send_v1(
    app: &Router,
    method: &str,
    params: &[(String, String)],
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = v1_request(method, params, &[]);
    for (name, value) in headers {
        request.headers_mut().append(
            axum::http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            axum::http::HeaderValue::from_str(value).expect("a header value"),
        );
    }
    let xml = asks_for_xml(params.iter().map(|(k, v)| (k.into(), v.into())));
    send_openapi(app, request, xml).await
}

/// Whether a request with `params` asks for XML (`Format=XML`, V1's choice; the case does not matter).
fn asks_for_xml<'a>(mut params: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)>) -> bool {
    params.any(|(name, value)| name == "Format" && value.eq_ignore_ascii_case("xml"))
}

/// Sends `request` to the OpenAPI and checks that its answer is one an SDK reads: JSON, or, when
/// the request asked for XML, an XML error. Panics, showing the body, on anything else.
async fn send_openapi(app: &Router, request: Request<Body>, asks_for_xml: bool) -> Answer {
    let answer = send(app, request).await;
    if serde_json::from_str::<serde_json::Value>(&answer.body).is_err() {
        let xml_error = asks_for_xml
            && !answer.status.is_success()
            && answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/xml"))
            && answer.body.starts_with("<?xml");
        assert!(
            xml_error,
            "the OpenAPI answered {} with a body that is not JSON: {}",
            answer.status, answer.body
        );
    }
    answer
}

/// Signs `request` with `credentials` and sends it.
pub async fn v3(app: &Router, request: v3::Request, credentials: &Credentials) -> Answer {
    send_v3(app, &request.sign(credentials)).await
}

/// Signs `request` with `credentials` and sends its parameters in the query.
pub async fn v1(app: &Router, request: v1::Request, credentials: &Credentials) -> Answer {
    send_v1(app, &request.method, &request.sign(credentials), &[]).await
}

/// A V3 `POST` of `action` signed with `credentials`: `query` in the URL, `form` in a form body.
pub async fn call(
    app: &Router,
    credentials: &Credentials,
    action: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
) -> Answer {
    let mut request = v3::Request::new("POST", HOST, action);
    for (name, value) in query {
        request = request.query(name, value);
    }
    for (name, value) in form {
        request = request.form(name, value);
    }
    v3(app, request, credentials).await
}

//! The control API's door. A page of another origin, open in the same browser, can send a form or
//! a simple `fetch` to `127.0.0.1:8080` without asking first — but not one with
//! `Content-Type: application/json`, which needs a CORS preflight this server never grants. So a
//! request that could change the world (anything but GET, HEAD, OPTIONS) is acted on only when it
//! carries that type and a JSON body (an empty body is refused, never read as defaults), and it is
//! refused outright when the browser says it comes from elsewhere: `Sec-Fetch-Site` other than
//! `same-origin` or `none` (another port of the same host is "same-site" and still refused), or an
//! `Origin` other than this server's own (`http://` and the Host header, which the server has
//! checked against its names before any route runs).

use super::refuse;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// The largest control request body read; the control API's own bodies are a few dozen bytes.
const BODY_LIMIT: usize = 64 * 1024;

/// Whether `method` only reads.
pub fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The middleware on every control route: reads pass, changes must be same-origin JSON.
pub async fn same_origin_json(request: Request, next: Next) -> Response {
    if is_read(request.method()) {
        return next.run(request).await;
    }
    if let Err((status, message)) = check_headers(request.headers()) {
        return refuse(status, message);
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read whole (at most {BODY_LIMIT} bytes): {e}"),
            )
        }
    };
    if let Err((status, message)) = check_body(&bytes) {
        return refuse(status, message);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Why a request is refused: the status and the message.
type Refusal = (StatusCode, String);

/// Where the request says it comes from, and what it says it carries.
fn check_headers(headers: &HeaderMap) -> Result<(), Refusal> {
    for name in ["sec-fetch-site", "origin", "content-type", "host"] {
        if headers.get_all(name).iter().nth(1).is_some() {
            return Err((
                StatusCode::BAD_REQUEST,
                format!("the {name} header is given more than once"),
            ));
        }
    }
    let text = |name| headers.get(name).map(|v| v.to_str().unwrap_or("(not text)"));
    if let Some(site) = text("sec-fetch-site") {
        if !(site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none")) {
            return Err((
                StatusCode::FORBIDDEN,
                format!("the control API acts only on requests from its own pages (Sec-Fetch-Site: {site})"),
            ));
        }
    }
    if let Some(origin) = text(header::ORIGIN.as_str()) {
        let own = text(header::HOST.as_str()).map(|host| format!("http://{host}"));
        if !own.is_some_and(|own| own.eq_ignore_ascii_case(origin)) {
            return Err((
                StatusCode::FORBIDDEN,
                format!("the control API acts only on requests from its own origin, not {origin}"),
            ));
        }
    }
    let json = text(header::CONTENT_TYPE.as_str()).is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    if !json {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send Content-Type: application/json (the control API changes the world only for JSON)".into(),
        ));
    }
    Ok(())
}

/// An empty body asks for nothing; anything else must be JSON.
fn check_body(bytes: &Bytes) -> Result<(), Refusal> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err((
            StatusCode::BAD_REQUEST,
            "the body is empty: send a JSON body (`{}` where no parameter is needed)".into(),
        ));
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        Ok(_) => Err((
            StatusCode::BAD_REQUEST,
            "the body is not a JSON object: send one (`{}` where no parameter is needed)".into(),
        )),
        Err(e) => Err((StatusCode::BAD_REQUEST, format!("the body is not JSON ({e})"))),
    }
}

//! The OpenAPI's HTTP entry. A request to `/` is the OpenAPI's when it is a POST (no page takes a
//! POST on `/`), carries an `Authorization` or `x-acs-action` header, or an `Action` or `Signature`
//! query parameter; everything else goes on to the pages. The body is read up to [`MAX_BODY`]; query
//! and form body are merged; the signature is checked; a fault armed for the operation and the
//! AccessKey acts ([`fault`]); the operation it covers, in the API its version names, runs; its fields are answered with a
//! `RequestId`. The billing feed's two actions are answered by [`feed`] instead.

use super::auth::{authenticate_at, SignedRequest};
use super::{fault, feed, operation_in, ApiError, Call, ErrorCode, OpenApi, Params};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use protocol::openapi::decode_form_bytes;
use protocol::time::epoch_millis;
use serde_json::Value;

/// The largest request body the OpenAPI reads (the largest real one, a 100-record metering push,
/// is far below it).
pub const MAX_BODY: usize = 1024 * 1024;

/// Sends OpenAPI requests to [`answer`], the rest to the pages.
pub async fn route(State(api): State<OpenApi>, request: Request, next: Next) -> Response {
    if is_openapi(&request) {
        answer(&api, request).await
    } else {
        next.run(request).await
    }
}

fn is_openapi(request: &Request) -> bool {
    if request.uri().path() != "/" {
        return false;
    }
    request.method() == Method::POST
        || request.headers().contains_key(header::AUTHORIZATION)
        || request.headers().contains_key("x-acs-action")
        || request.uri().query().is_some_and(|q| {
            protocol::spi::decode_query(q)
                .iter()
                .any(|(k, _)| k == "Action" || k == "Signature")
        })
}

/// The API version the request names: V3's `x-acs-version` header (signed, as every `x-acs-*`
/// header must be), else the `Version` parameter (V1's, signed with the rest). One that is not text
/// names none.
fn version<'r>(headers: &'r axum::http::HeaderMap, params: &'r Params) -> Option<&'r str> {
    match headers.get("x-acs-version") {
        Some(value) => value.to_str().ok(),
        None => params.get("Version"),
    }
}

/// Whether the caller asked for XML (`Format=XML`, V1's choice).
fn wants_xml(params: &Params) -> bool {
    params
        .get("Format")
        .is_some_and(|f| f.eq_ignore_ascii_case("xml"))
}

async fn answer(api: &OpenApi, request: Request) -> Response {
    let sim = &api.sim;
    let request_id = sim.request_id();
    let (parts, body) = request.into_parts();
    if serving::page::sent_by_a_page(&parts.headers) {
        let e = ApiError::from(ErrorCode::CrossSiteRequest);
        return e.respond(
            &request_id,
            wants_xml(&Params::decode(
                parts.uri.query().unwrap_or_default().as_bytes(),
                b"",
            )),
        );
    }
    let query = parts.uri.query().unwrap_or_default();
    let body = match to_bytes(Body::new(body), MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let e = ApiError::from(ErrorCode::BodyTooLarge(MAX_BODY));
            return e.respond(&request_id, wants_xml(&Params::decode(query.as_bytes(), b"")));
        }
    };
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let query_pairs = decode_form_bytes(query.as_bytes());
    let body_pairs = if is_form {
        decode_form_bytes(&body)
    } else {
        Vec::new()
    };
    let params = Params::from_decoded(&query_pairs, &body_pairs);
    let wants_xml = wants_xml(&params);
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: &query_pairs,
        headers: &parts.headers,
        body: &body,
        params: &params,
    };
    let now = protocol::clock::wall_now();
    let authenticated = authenticate_at(sim, &api.runtime.nonces, &signed, now);
    if let Ok(auth) = &authenticated {
        if feed::serves(auth.action) {
            let call = feed::FeedCall {
                sim,
                action: auth.action,
                caller: auth.caller,
                params: &params,
                headers: &parts.headers,
            };
            return feed::answer(call, &request_id, wants_xml);
        }
    }
    let mut armed = None;
    let result = match authenticated.and_then(|auth| {
        let op =
            operation_in(version(&parts.headers, &params), auth.action).ok_or(ErrorCode::UnknownAction)?;
        Ok((auth, op))
    }) {
        Ok((auth, op)) => {
            armed =
                sim.faults()
                    .take_openapi(auth.action, &auth.access_key_id, epoch_millis(sim.clock().now()));
            match fault::instead(armed.as_ref()) {
                Some(refusal) => Err(refusal),
                None => {
                    let call = Call {
                        sim,
                        caller: auth.caller,
                        params: &params,
                        sts: auth.sts,
                    };
                    api.runtime.run(op, &call).await
                }
            }
        }
        Err(e) => Err(e),
    };
    let response = match result {
        Ok(Value::Object(mut fields)) => {
            fields.insert("RequestId".into(), Value::String(request_id));
            axum::Json(Value::Object(fields)).into_response()
        }
        Ok(other) => axum::Json(other).into_response(),
        Err(e) => e.respond(&request_id, wants_xml),
    };
    fault::after(armed, response).await
}

//! The marketplace's errors as its gateway answers them: `RequestId, HostId, Code, Message,
//! Recommend`, with the HTTP status from the error table ([`code`], contract §4.5), as JSON or —
//! when the request asked for `Format=XML` — XML. 5xx answers say nothing internal.

pub mod code;

pub use code::ErrorCode;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The host the marketplace's answers name.
pub const HOST_ID: &str = "market.aliyuncs.com";

/// An OpenAPI error as answered: an entry of the [`ErrorCode`] table — its wire code, HTTP status
/// and message (the table's, or the refusal's own) — and, when throttled, when to try again.
/// Built only from an [`ErrorCode`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    code: String,
    status: u16,
    message: String,
    /// Seconds to wait, sent as `x-acs-retry-after` (throttling).
    retry_after: Option<u64>,
}

/// The body of an error answer, in the order the gateway writes its fields.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody<'a> {
    pub request_id: &'a str,
    pub host_id: &'a str,
    pub code: &'a str,
    pub message: &'a str,
    pub recommend: String,
}

impl ApiError {
    /// The same error, telling the caller to wait `seconds` before trying again.
    pub fn with_retry_after(self, seconds: u64) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..self
        }
    }

    /// The wire code (`Code`), e.g. `InvalidInstanceId.NotFound`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The HTTP status the error is answered with.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Message`: the table's, or the refusal's own words.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Seconds to wait before trying again, sent as `x-acs-retry-after` (throttling only).
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The body answering this error for request `request_id`.
    pub fn body<'a>(&'a self, request_id: &'a str) -> ErrorBody<'a> {
        ErrorBody {
            request_id,
            host_id: HOST_ID,
            code: &self.code,
            message: &self.message,
            recommend: format!(
                "https://api.aliyun.com/troubleshoot?q={}&product=Market&requestId={request_id}",
                self.code
            ),
        }
    }

    /// The answer for this error.
    pub fn respond(&self, request_id: &str, xml: bool) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = self.body(request_id);
        let mut response = if xml {
            (
                status,
                [(header::CONTENT_TYPE, "text/xml;charset=utf-8")],
                body.to_xml(),
            )
                .into_response()
        } else {
            (status, axum::Json(crate::openapi::answer::json(&body))).into_response()
        };
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert("x-acs-retry-after", HeaderValue::from(seconds));
        }
        response
    }
}

impl ErrorBody<'_> {
    /// The body as the gateway writes it in XML, fields in their order.
    pub fn to_xml(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><RequestId>{}</RequestId><HostId>{}</HostId><Code>{}</Code><Message>{}</Message><Recommend>{}</Recommend></Error>",
            escape(self.request_id),
            escape(self.host_id),
            escape(self.code),
            escape(self.message),
            escape(&self.recommend)
        )
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        tracing::error!("store error behind an OpenAPI call: {e}");
        ErrorCode::Internal.into()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

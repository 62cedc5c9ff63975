//! The marketplace's errors as its gateway answers them: `RequestId, HostId, Code, Message,
//! Recommend`, with the HTTP status from the error table (contract §4.5), as JSON or — when the
//! request asked for `Format=XML` — XML. 5xx answers say nothing internal.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The host the marketplace's answers name.
pub const HOST_ID: &str = "market.aliyuncs.com";

/// An OpenAPI error: the wire code, its HTTP status and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub status: u16,
    pub message: String,
    /// Seconds to wait, sent as `x-acs-retry-after` (throttling).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError {
            code: code.into(),
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// `Missing<Name>` (400): a required parameter is absent.
    pub fn missing(name: &str) -> ApiError {
        ApiError::new(
            400,
            format!("Missing{name}"),
            format!("{name} is mandatory for this action."),
        )
    }

    /// `Invalid<Name>` (400): a parameter is present but unusable.
    pub fn invalid(name: &str) -> ApiError {
        ApiError::new(
            400,
            format!("Invalid{name}"),
            format!("Specified parameter {name} is not valid."),
        )
    }

    /// `Invalid<Name>.NotFound` (404): the thing named does not exist — or is not the caller's, which
    /// reads the same so ids cannot be probed.
    pub fn not_found(name: &str) -> ApiError {
        ApiError::new(
            404,
            format!("Invalid{name}.NotFound"),
            format!("The specified {name} does not exist."),
        )
    }

    /// `InvalidApi.NotFound` (404).
    pub fn unknown_action() -> ApiError {
        ApiError::new(
            404,
            "InvalidApi.NotFound",
            "Specified api is not found, please check your url and method.",
        )
    }

    /// `Forbidden.RAM` (403): the caller may not call this operation or see this resource.
    pub fn forbidden() -> ApiError {
        ApiError::new(
            403,
            "Forbidden.RAM",
            "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
        )
    }

    /// `InternalError` (500), with nothing internal in it.
    pub fn internal() -> ApiError {
        ApiError::new(
            500,
            "InternalError",
            "The request processing has failed due to some unknown error, exception or failure.",
        )
    }

    /// The answer for this error.
    pub fn respond(&self, request_id: &str, xml: bool) -> Response {
        let recommend = format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=Market&requestId={request_id}",
            self.code
        );
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = if xml {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><RequestId>{}</RequestId><HostId>{HOST_ID}</HostId><Code>{}</Code><Message>{}</Message><Recommend>{}</Recommend></Error>",
                escape(request_id),
                escape(&self.code),
                escape(&self.message),
                escape(&recommend)
            );
            (status, [(header::CONTENT_TYPE, "text/xml;charset=utf-8")], body).into_response()
        } else {
            let body = json!({
                "RequestId": request_id, "HostId": HOST_ID, "Code": self.code,
                "Message": self.message, "Recommend": recommend,
            });
            (status, axum::Json(body)).into_response()
        };
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert("x-acs-retry-after", HeaderValue::from(seconds));
        }
        response
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        tracing::error!("store error behind an OpenAPI call: {e}");
        ApiError::internal()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

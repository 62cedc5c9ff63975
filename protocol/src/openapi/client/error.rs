//! [`ClientError`]: why a call failed — the marketplace's own error answer (code, message, request
//! id), an answer that is not its JSON, a timeout, a transport failure, or a success of the wrong shape.

use serde_json::Value;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The marketplace answered with an error status and its error body.
    #[error("code: {status}, {message} request id: {request_id} ({code})")]
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: String,
        /// `x-acs-retry-after`, seconds (throttling).
        retry_after: Option<u64>,
        /// The whole body.
        body: Value,
    },
    /// An answer that is not the marketplace's JSON (an XML or HTML page, garbage).
    #[error("unexpected answer {status}: {body}")]
    Unexpected { status: u16, body: String },
    /// No answer within the timeout.
    #[error("the request timed out")]
    Timeout,
    /// The endpoint could not be used or reached.
    #[error("transport: {0}")]
    Transport(String),
    /// A success answer whose fields are not what the typed helper expects.
    #[error("the answer does not have the expected shape: {0}")]
    Shape(String),
}

impl ClientError {
    /// The marketplace's error code, if it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, if there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

//! The SPI's error boundary: [`SpiError`], each refusal with its HTTP status and wire code beside
//! it, answered as `{"success": false, "code": …, "message": …}`. 5xx answers say nothing
//! internal; the cause goes to `tracing`.

use crate::instances::ActionError;
use crate::store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::spi::TokenError;
use serde_json::json;

/// Why an SPI call was refused.
#[derive(Debug, thiserror::Error)]
pub enum SpiError {
    /// 403 `CrossSiteRequest`: a web page sent the call; the marketplace never does.
    #[error("the SPI answers the marketplace's server, not a call a web page sent")]
    FromAPage,
    /// 403 `InvalidToken`: no token, or one that does not match the parameters and the key.
    #[error("{0}")]
    Token(TokenError),
    /// 400 `MissingParameter`: a required parameter is absent, empty or repeated.
    #[error("parameter `{0}` is required exactly once")]
    Parameter(&'static str),
    /// 400 `InvalidParameter`: a parameter that does not read as what it must be.
    #[error("parameter `{name}` {why}")]
    Invalid { name: String, why: &'static str },
    /// 400 `InvalidProductCode`: the call is for a product this console does not sell.
    #[error("productCode `{0}` is not this console's product")]
    WrongProduct(String),
    /// 400 `InvalidSkuId`: a SKU this console does not sell.
    #[error("skuId `{0}` is not a SKU this console sells")]
    UnsoldSku(String),
    /// 404 `InstanceNotFound`: an instance (or orderPay's orderBizId) the console never opened.
    #[error("no instance `{0}` here: the console never opened it")]
    UnknownInstance(String),
    /// 400 `WrongEndpoint`: `verify` is the buyer's 免登 link, served at authUrl.
    #[error("action `verify` is served at the authUrl (/aliyun/sso), not at the SPI endpoint")]
    WrongEndpoint,
    /// 400 `UnknownAction`.
    #[error("unknown action `{0}`")]
    UnknownAction(String),
    /// 500 `InternalError`: details are logged, not sent.
    #[error("internal error")]
    Internal,
}

impl SpiError {
    /// The HTTP status and wire code of each refusal.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            SpiError::Token(_) => (StatusCode::FORBIDDEN, "InvalidToken"),
            SpiError::Parameter(_) => (StatusCode::BAD_REQUEST, "MissingParameter"),
            SpiError::Invalid { .. } => (StatusCode::BAD_REQUEST, "InvalidParameter"),
            SpiError::WrongProduct(_) => (StatusCode::BAD_REQUEST, "InvalidProductCode"),
            SpiError::UnsoldSku(_) => (StatusCode::BAD_REQUEST, "InvalidSkuId"),
            SpiError::UnknownInstance(_) => (StatusCode::NOT_FOUND, "InstanceNotFound"),
            SpiError::WrongEndpoint => (StatusCode::BAD_REQUEST, "WrongEndpoint"),
            SpiError::FromAPage => (StatusCode::FORBIDDEN, "CrossSiteRequest"),
            SpiError::UnknownAction(_) => (StatusCode::BAD_REQUEST, "UnknownAction"),
            SpiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "InternalError"),
        }
    }
}

impl From<StoreError> for SpiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "console store failed during an SPI call");
        SpiError::Internal
    }
}

impl From<ActionError> for SpiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::UnknownInstance(id) => SpiError::UnknownInstance(id),
            ActionError::UnsoldSku(sku) => SpiError::UnsoldSku(sku),
            ActionError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for SpiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = json!({"success": false, "code": code, "message": self.to_string()});
        (status, Json(body)).into_response()
    }
}

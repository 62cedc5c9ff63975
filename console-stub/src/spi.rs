//! `GET /aliyun/spi`: the marketplace's calls to the vendor (contract §1). The token is checked
//! over every received parameter before anything else, so a bad token creates nothing.
//! `createInstance` is idempotent per `orderBizId` — repeated or concurrent calls give one instance
//! and the same answer — and answers with the console's own instance id (`zc-…`, never the
//! orderBizId) and `appInfo` (`frontEndUrl`, `authUrl`). The lifecycle actions are refused
//! honestly with 501 until the console implements them; `verify` belongs on the 免登 entry. The
//! marketplace calls from a server: a call a web page sent (`Origin`, or `Sec-Fetch-Site` other than
//! `none`) is refused before anything else, as another site could replay a captured signed URL.
//! Floor: an interface beside the pages, importing neither them nor the router; it answers in
//! JSON with its own error boundary, [`SpiError`], and records instances through the rules.

use crate::instances;
use crate::state::Console;
use crate::store::instances::NewInstance;
use crate::store::StoreError;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::spi::{decode_query, AppInfo, CreateInstanceAnswer, TokenError};
use serde_json::json;
use std::collections::BTreeMap;

/// The lifecycle actions of contract §1.3 that this console does not handle yet.
const LIFECYCLE_ACTIONS: &[&str] = &[
    "renewInstance",
    "upgradeInstance",
    "expiredInstance",
    "releaseInstance",
    "refundRenewInstance",
    "orderPay",
];

/// Why an SPI call was refused. Each answers `{"success": false, "code": …, "message": …}`.
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
    /// 400 `InvalidProductCode`: the call is for a product this console does not sell.
    #[error("productCode `{0}` is not this console's product")]
    WrongProduct(String),
    /// 400 `InvalidSkuId`: a SKU this console does not sell.
    #[error("skuId `{0}` is not a SKU this console sells")]
    UnsoldSku(String),
    /// 400 `WrongEndpoint`: `verify` is the buyer's 免登 link, served at authUrl.
    #[error("action `verify` is served at the authUrl (/aliyun/sso), not at the SPI endpoint")]
    WrongEndpoint,
    /// 501 `NotSupported`: a lifecycle action the console does not handle yet.
    #[error("action `{0}` is not supported yet")]
    NotSupported(String),
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
            SpiError::WrongProduct(_) => (StatusCode::BAD_REQUEST, "InvalidProductCode"),
            SpiError::UnsoldSku(_) => (StatusCode::BAD_REQUEST, "InvalidSkuId"),
            SpiError::WrongEndpoint => (StatusCode::BAD_REQUEST, "WrongEndpoint"),
            SpiError::FromAPage => (StatusCode::FORBIDDEN, "CrossSiteRequest"),
            SpiError::NotSupported(_) => (StatusCode::NOT_IMPLEMENTED, "NotSupported"),
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

impl IntoResponse for SpiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = json!({"success": false, "code": code, "message": self.to_string()});
        (status, Json(body)).into_response()
    }
}

/// The SPI endpoint.
pub async fn handle(
    State(console): State<Console>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if serving::page::sent_by_a_page(&headers) {
        tracing::info!("SPI call from a web page refused");
        return SpiError::FromAPage.into_response();
    }
    let params = decode_query(query.as_deref().unwrap_or(""));
    match answer(&console, &params) {
        Ok(answer) => Json(answer).into_response(),
        Err(refusal) => {
            tracing::info!(refusal = %refusal, "SPI call refused");
            refusal.into_response()
        }
    }
}

fn answer(console: &Console, params: &[(String, String)]) -> Result<CreateInstanceAnswer, SpiError> {
    protocol::spi::verify(params, &console.config().spi_key).map_err(SpiError::Token)?;
    let action = single(params, "action")?;
    match action {
        "createInstance" => create_instance(console, params),
        "verify" => Err(SpiError::WrongEndpoint),
        a if LIFECYCLE_ACTIONS.contains(&a) => Err(SpiError::NotSupported(a.to_string())),
        other => Err(SpiError::UnknownAction(other.to_string())),
    }
}

fn create_instance(console: &Console, params: &[(String, String)]) -> Result<CreateInstanceAnswer, SpiError> {
    let product = single(params, "productCode")?;
    if product != console.config().product_code {
        return Err(SpiError::WrongProduct(product.to_string()));
    }
    let recorded: BTreeMap<&str, &str> = params
        .iter()
        .filter(|(k, _)| k != "token")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let new = NewInstance {
        order_biz_id: single(params, "orderBizId")?,
        order_id: single(params, "orderId")?,
        ali_uid: single(params, "aliUid")?,
        sku_id: single(params, "skuId")?,
        expired_on: None,
        extras: Default::default(),
        params_json: serde_json::to_string(&recorded).unwrap_or_default(),
    };
    let now = console.now();
    let instance =
        instances::create_instance(&mut console.lock(), console.world(), &new, now).map_err(|e| match e {
            instances::ActionError::UnsoldSku(sku) => SpiError::UnsoldSku(sku),
            instances::ActionError::UnknownInstance(_) => SpiError::Internal,
            instances::ActionError::Store(e) => e.into(),
        })?;
    let config = console.config();
    Ok(CreateInstanceAnswer {
        instance_id: instance.id,
        app_info: Some(AppInfo {
            front_end_url: Some(config.front_end_url()),
            auth_url: Some(config.auth_url()),
            ..AppInfo::default()
        }),
        host_info: None,
        info: None,
    })
}

/// The one non-empty value of `name`.
fn single<'a>(params: &'a [(String, String)], name: &'static str) -> Result<&'a str, SpiError> {
    let mut values = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
    match (values.next(), values.next()) {
        (Some(v), None) if !v.trim().is_empty() => Ok(v),
        _ => Err(SpiError::Parameter(name)),
    }
}

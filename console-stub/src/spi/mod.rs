//! `GET /aliyun/spi`: the marketplace's calls to the vendor (contract §1). The token is checked
//! over every received parameter before anything else, so a bad token changes nothing; then the
//! parameters the action needs ([`params`]), then the rules (module `instances`) act.
//! `createInstance` is idempotent per `orderBizId` — repeated or concurrent calls give one instance
//! and the same answer — and answers with the console's own instance id (`zc-…`, never the
//! orderBizId) and `appInfo` (`frontEndUrl`, `authUrl`). The lifecycle actions and `orderPay`
//! ([`lifecycle`]) answer `{"success": true, "message": …}` saying what was done — or that nothing
//! was, and why, for a duplicate or an action arriving after the release, so the marketplace stops
//! retrying; an instance the console never opened is a 404. `verify` belongs on the 免登 entry.
//! The marketplace calls from a server: a call a web page sent (`Origin`, or `Sec-Fetch-Site`
//! other than `none`) is refused before anything else, as another site could replay a captured
//! signed URL; a server replaying one is a duplicate, which changes nothing.
//! Floor: an interface beside the pages, importing neither them nor the router; it answers in
//! JSON with its own error boundary, [`SpiError`], and acts through the rules.

pub mod error;
pub mod lifecycle;
pub mod params;
pub mod probe;

pub use error::SpiError;

use crate::instances;
use crate::instances::lifecycle::Outcome;
use crate::state::Console;
use crate::store::instances::NewInstance;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use params::Params;
use protocol::spi::{decode_query, AppInfo, CreateInstanceAnswer, ACTION_PARAMS};
use serde_json::json;
use std::collections::BTreeMap;

/// What a call that was taken answers.
#[derive(Debug)]
pub enum Answer {
    /// createInstance's answer: the instance id and appInfo.
    Created(CreateInstanceAnswer),
    /// Every other action's: `{"success": true, "message": …}`, done or not and why.
    Acted(Outcome),
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self {
            Answer::Created(created) => Json(created).into_response(),
            Answer::Acted(outcome) => {
                Json(json!({"success": true, "message": outcome.message()})).into_response()
            }
        }
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
    match answer(&console, Params(&params)) {
        Ok(answer) => {
            if let Answer::Acted(outcome) = &answer {
                tracing::info!(outcome = outcome.message(), "SPI action taken");
            }
            answer.into_response()
        }
        Err(refusal) => {
            tracing::info!(refusal = %refusal, "SPI call refused");
            refusal.into_response()
        }
    }
}

fn answer(console: &Console, params: Params<'_>) -> Result<Answer, SpiError> {
    protocol::spi::verify(params.0, &console.config().spi_key).map_err(SpiError::Token)?;
    let action = params.one("action")?;
    match action {
        "createInstance" => create_instance(console, params),
        "verify" => Err(SpiError::WrongEndpoint),
        other => match lifecycle::action(other) {
            Some(action) => lifecycle::act(console, action, params).map(Answer::Acted),
            None => Err(SpiError::UnknownAction(other.to_string())),
        },
    }
}

/// Refuses a call for another product than the console's.
fn check_product(console: &Console, params: Params<'_>) -> Result<(), SpiError> {
    let product = params.one("productCode")?;
    if product != console.config().product_code {
        return Err(SpiError::WrongProduct(product.to_string()));
    }
    Ok(())
}

fn create_instance(console: &Console, params: Params<'_>) -> Result<Answer, SpiError> {
    check_product(console, params)?;
    let recorded: BTreeMap<&str, &str> = params
        .0
        .iter()
        .filter(|(k, _)| k != "token")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let new = NewInstance {
        order_biz_id: params.one("orderBizId")?,
        order_id: params.one("orderId")?,
        ali_uid: params.one("aliUid")?,
        sku_id: params.one("skuId")?,
        expired_on: params.optional_date("expiredOn")?,
        extras: params.extras(ACTION_PARAMS)?,
        params_json: serde_json::to_string(&recorded).unwrap_or_default(),
    };
    let now = console.now();
    let instance = instances::create_instance(&mut console.lock(), console.world(), &new, now)?;
    let config = console.config();
    Ok(Answer::Created(CreateInstanceAnswer {
        instance_id: instance.id,
        app_info: Some(AppInfo {
            front_end_url: Some(config.front_end_url()),
            auth_url: Some(config.auth_url()),
            ..AppInfo::default()
        }),
        host_info: None,
        info: None,
    }))
}

//! `GET /aliyun/probe?instanceId=…&token=…`: the console's record of one instance as JSON, for
//! `marketsim verify`'s checks of the vendor's state (the shape docs/vendor-ci.md asks a vendor's
//! own probe for): `status` (`active`, `frozen`, `released`), `expiredOn`, `skuId`, the extra
//! items, `isRefund`, and the `requestId` of every payment recorded. It reads only, and only for
//! a caller holding the SPI key: the token is the SPI's own, over the query's parameters.

use super::error::SpiError;
use super::params::Params;
use crate::state::Console;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::spi::decode_query;
use serde_json::json;

/// The probe endpoint.
pub async fn handle(
    State(console): State<Console>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if serving::page::sent_by_a_page(&headers) {
        return SpiError::FromAPage.into_response();
    }
    let params = decode_query(query.as_deref().unwrap_or(""));
    match record(&console, Params(&params)) {
        Ok(body) => Json(body).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

fn record(console: &Console, params: Params<'_>) -> Result<serde_json::Value, SpiError> {
    protocol::spi::verify(params.0, &console.config().spi_key).map_err(SpiError::Token)?;
    let id = params.one("instanceId")?;
    let db = console.lock();
    let instance = db
        .instance(id)
        .map_err(|_| SpiError::Internal)?
        .ok_or_else(|| SpiError::UnknownInstance(id.to_owned()))?;
    let payments = db.payments_of_instance(id).map_err(|_| SpiError::Internal)?;
    Ok(json!({
        "instanceId": instance.id,
        "orderBizId": instance.order_biz_id,
        "status": instance.status.as_str(),
        "skuId": instance.sku_id,
        "expiredOn": instance.expired_on,
        "extras": instance.extras,
        "isRefund": instance.is_refund,
        "payments": payments.iter().map(|p| &p.request_id).collect::<Vec<_>>(),
    }))
}

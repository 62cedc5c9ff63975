//! The buyers' bills and balances: `GET /__marketsim/bills?buyer=…&month=yyyy-MM` reads a buyer's
//! bill for a month (every line, the total, the balance) as JSON, for scenarios' expectations and
//! a vendor's own checks; `POST /__marketsim/buyers/balance` pays into a buyer's balance (充值,
//! `top_up`) or charges it by hand (`charge`, an Adjustment line), and answers with the balance
//! and the SPI messages that made (renewInstance when a payment ends arrears), their first
//! attempts run.

use super::journal::{instant, message_json};
use super::{read_json, refuse, run_detached};
use crate::billing::{self, balance::parse_amount, BalanceError};
use crate::state::Simulator;
use crate::store::bills::BillLine;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) const BALANCE_EXAMPLE: &str = r#"{"buyer": "buyer-1", "top_up": "100.00"}"#;

fn line_json(l: &BillLine) -> Value {
    json!({
        "id": l.id,
        "kind": l.kind.code(),
        "instance_id": l.instance_id,
        "product_code": l.product_code,
        "sku_id": l.sku_id,
        "order_id": l.order_id,
        "item": l.item,
        "key": l.metering_key,
        "metering_assit": l.metering_assit,
        "window_start": l.window.map(|w| instant(w.0 * 1000)),
        "window_end": l.window.map(|w| instant(w.1 * 1000)),
        "usage": l.usage.map(|u| u.normalize().to_string()),
        "unit_price": l.unit_price.map(|p| p.to_string()),
        "amount": l.amount.to_string(),
        "records": l.records,
        "duplicates": l.duplicates,
        "billed_at": instant(l.billed_at),
    })
}

/// `?buyer=buyer-1&month=2023-08` (the month the clock is in when not given).
pub(super) async fn bill(State(sim): State<Simulator>, Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(login) = q.get("buyer") else {
        return refuse(StatusCode::BAD_REQUEST, "name the buyer: ?buyer=buyer-1");
    };
    let Some(buyer) = sim.world().buyer(login).cloned() else {
        return refuse(StatusCode::NOT_FOUND, format!("no buyer {login}"));
    };
    let month = match q.get("month") {
        None => billing::current_month(&sim),
        Some(m) => match billing::parse_month(m) {
            Some(m) => m,
            None => return refuse(StatusCode::BAD_REQUEST, format!("month `{m}` is not yyyy-MM")),
        },
    };
    let read = || -> Result<Value, crate::store::StoreError> {
        let lines = sim.store().bill_lines(&buyer.ali_uid, &month)?;
        let total: Decimal = lines.iter().map(|l| l.amount).sum();
        Ok(json!({
            "buyer": buyer.login,
            "month": month,
            "total": format!("{total:.2}"),
            "balance": sim.balance(&buyer.ali_uid)?.to_string(),
            "in_arrears": sim.store().arrears_since(&buyer.ali_uid)?.is_some(),
            "lines": lines.iter().map(line_json).collect::<Vec<_>>(),
        }))
    };
    match read() {
        Ok(bill) => Json(bill).into_response(),
        Err(e) => {
            tracing::error!("reading a bill: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "the store could not be read")
        }
    }
}

/// `{"buyer": "buyer-1", "top_up": "100.00"}` or `{"buyer": "buyer-1", "charge": "10.00", "reason": "…"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BalanceRequest {
    buyer: String,
    top_up: Option<String>,
    charge: Option<String>,
    reason: Option<String>,
}

pub(super) async fn balance(State(sim): State<Simulator>, body: Bytes) -> Response {
    let request: BalanceRequest = match read_json(&body, BALANCE_EXAMPLE) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    let Some(buyer) = sim.world().buyer(&request.buyer).cloned() else {
        return refuse(StatusCode::NOT_FOUND, format!("no buyer {}", request.buyer));
    };
    let done = match (&request.top_up, &request.charge) {
        (Some(amount), None) => parse_amount(amount).and_then(|a| sim.top_up(&buyer.ali_uid, a)),
        (None, Some(amount)) => parse_amount(amount).and_then(|a| {
            let reason = request.reason.as_deref().unwrap_or("人工调账");
            sim.charge(&buyer.ali_uid, a, reason)
        }),
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "give exactly one of `top_up` and `charge`",
            )
        }
    };
    let change = match done {
        Ok(change) => change,
        Err(e @ (BalanceError::BadAmount(_) | BalanceError::UnknownBuyer(_))) => {
            return refuse(StatusCode::BAD_REQUEST, e.to_string())
        }
        Err(e) => {
            tracing::error!("changing a balance: {e}");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the store could not be written",
            );
        }
    };
    let clock = sim.clock().clone();
    run_detached(async move { clock.run_due_now().await }).await;
    let messages: Vec<_> = change
        .messages
        .iter()
        .map(|m| {
            message_json(
                &sim.store()
                    .message(m.id)
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| m.clone()),
            )
        })
        .collect();
    Json(json!({
        "buyer": request.buyer,
        "balance": sim.balance(&buyer.ali_uid).unwrap_or(change.balance).to_string(),
        "in_arrears": change.in_arrears,
        "messages": messages,
    }))
    .into_response()
}

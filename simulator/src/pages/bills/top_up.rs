//! 充值 on the bill page: `POST /console/bills/top-up` with the session's CSRF token, `amount` (CNY,
//! more than 0, to the fen, at most `MAX_PAYMENT`) and `month` (the bill page to return to). A
//! refused amount shows the page again, answered 400, with the reason in words, and changes
//! nothing; a payment redirects (303) back to the bill. A payment that ends arrears opens the
//! buyer's stopped pay-as-you-go instances again (`Simulator::top_up`), and the renewInstance
//! messages that makes are sent at once, as the clock runs what is due now.

use super::view::{render, TopUpForm};
use super::{bill_path, month_from};
use crate::billing::balance::{parse_amount, MAX_PAYMENT};
use crate::billing::BalanceError;
use crate::pages::error::PageError;
use crate::pages::layout::yuan;
use crate::pages::session::{self, check_csrf, form_fields, see_other};
use crate::state::Simulator;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;

pub async fn submit(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, "/console/bills")?;
    let f = form_fields(&body);
    check_csrf(&signed_in, &f)?;
    let month = month_from(&sim, f.get("month"))?;
    let text = f.get("amount").map(String::as_str).unwrap_or_default();
    let amount = match parse_amount(text) {
        Ok(amount) => amount,
        Err(_) => {
            let why = refusal(text);
            let form = TopUpForm {
                amount: text,
                error: Some(&why),
            };
            let page = render(&sim, &signed_in, &month, &form)?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    match sim.top_up(&signed_in.buyer.ali_uid, amount) {
        Ok(_) => {}
        Err(BalanceError::Store(e)) => return Err(PageError::Store(e)),
        Err(e @ (BalanceError::UnknownBuyer(_) | BalanceError::BadAmount(_))) => {
            return Err(PageError::BadRequest(format!("无法充值：{e}。")))
        }
        Err(BalanceError::Queue(e)) => {
            return Err(PageError::Conflict(format!(
                "已充值，但无法通知服务商恢复服务：{e}。"
            )))
        }
    }
    run_due_now(&sim).await;
    Ok(see_other(&bill_path(&month)))
}

/// Sends what fell due with the payment (renewInstance of the instances it opened again). Run as a
/// task of its own so a browser that goes away mid-request cannot cut a delivery short.
async fn run_due_now(sim: &Simulator) {
    let clock = sim.clock().clone();
    if let Err(e) = tokio::spawn(async move { clock.run_due_now().await }).await {
        tracing::error!("running what a payment made due: {e}");
    }
}

/// Why `text` is not an amount that may be paid, in the buyer's words.
fn refusal(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "请输入充值金额。".into();
    }
    match text.parse::<Decimal>() {
        Err(_) => {
            let shown: String = text.chars().take(40).collect();
            format!("充值金额“{shown}”不是有效的数字。")
        }
        Ok(a) if a <= Decimal::ZERO => "充值金额须大于 0 元。".into(),
        Ok(a) if a.scale() > 2 => "充值金额最多精确到分（两位小数）。".into(),
        Ok(_) => format!("单笔充值不能超过 {}。", yuan(Decimal::from(MAX_PAYMENT))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::empty("", "请输入充值金额。")]
    #[case::words("lots", "充值金额“lots”不是有效的数字。")]
    #[case::negative("-1.00", "充值金额须大于 0 元。")]
    #[case::zero("0", "充值金额须大于 0 元。")]
    #[case::three_decimals("0.001", "充值金额最多精确到分（两位小数）。")]
    #[case::absurd("100000000.01", "单笔充值不能超过 ¥100000000.00。")]
    fn each_refused_amount_gets_its_own_reason(#[case] text: &str, #[case] words: &str) {
        assert!(parse_amount(text).is_err(), "{text}");
        assert_eq!(refusal(text), words);
    }
}

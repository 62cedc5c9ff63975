//! QueryAccountBalance: the calling buyer's 账户余额. The marketplace gives buyers no credit, so the
//! available amount is the cash balance, below zero in arrears.

use super::success;
use crate::openapi::call::Call;
use crate::openapi::error::ApiError;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryAccountBalanceResponseBodyData {
    available_amount: String,
    available_cash_amount: String,
    credit_amount: &'static str,
    mybank_credit_amount: &'static str,
    currency: &'static str,
}

pub fn query_account_balance(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = crate::openapi::ops::buyer(call)?;
    let balance = call.sim.balance(&buyer.ali_uid)?;
    let cash = format!("{balance:.2}");
    Ok(success(QueryAccountBalanceResponseBodyData {
        available_amount: cash.clone(),
        available_cash_amount: cash,
        credit_amount: "0.00",
        mybank_credit_amount: "0.00",
        currency: "CNY",
    }))
}

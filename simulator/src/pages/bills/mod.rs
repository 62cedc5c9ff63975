//! 费用与成本 → 账单详情, the target of the vendor console's 查看阿里云账单: the signed-in buyer's bill
//! for a month (`GET /console/bills?month=yyyy-MM`, the month the clock is in when not given).
//! [`statement`] reads a month's lines and puts them in the buyer's words; [`view`] shows them —
//! 应付金额, 账户余额, an 欠费 banner, the months that have a bill, per instance a subtotal table and
//! the detailed lines; [`export`] writes the same figures as CSV (`GET /console/bills.csv`);
//! [`top_up`] is 充值 (`POST /console/bills/top-up`), a form with the session's CSRF token.
//!
//! The figures are billing's (`crate::billing`, `crate::store::bills`): these pages only read them,
//! and 充值 goes through `Simulator::top_up` like the control API's payment does.

mod export;
mod statement;
mod top_up;
mod view;

pub use export::csv;
pub use top_up::submit as top_up;
pub use view::show;

use super::error::PageError;
use crate::billing;
use crate::state::Simulator;

/// Where the bill of `month` is shown.
fn bill_path(month: &str) -> String {
    format!("/console/bills?month={month}")
}

/// The month a query or form names (`yyyy-MM`), the clock's month when none (or an empty one) is
/// given; anything else is refused in the page's words.
fn month_from(sim: &Simulator, given: Option<&String>) -> Result<String, PageError> {
    match given.map(|m| m.trim()).filter(|m| !m.is_empty()) {
        None => Ok(billing::current_month(sim)),
        Some(m) => billing::parse_month(m).ok_or_else(|| {
            let shown: String = m.chars().take(40).collect();
            PageError::BadRequest(format!("账期 “{shown}” 无效，应写作 2023-08。"))
        }),
    }
}

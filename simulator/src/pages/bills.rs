//! 费用与成本 → the buyer's bill for a month: the target of the vendor console's 查看阿里云账单.
//! Until the billing feed exists it is honestly empty: it lists the buyer's marketplace services
//! and says that no usage has been billed.

use super::error::PageError;
use super::layout;
use super::session;
use crate::state::Simulator;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use maud::html;
use protocol::time::local;
use std::collections::HashMap;

pub async fn show(
    State(sim): State<Simulator>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let now = local(sim.clock().now());
    let month = match q.get("month") {
        None => format!("{:04}-{:02}", now.year(), now.month()),
        Some(m) if is_month(m) => m.clone(),
        Some(m) => {
            return Err(PageError::BadRequest(format!(
                "账期 “{m}” 无效，应写作 2023-08。"
            )))
        }
    };
    let path = format!("/console/bills?month={month}");
    let signed_in = session::require(&sim, &headers, &path)?;
    let (year, mon) = month.split_once('-').expect("checked above");
    let services = sim.store().instances_of(&signed_in.buyer.ali_uid)?;
    let body = html! {
        h1 { "账单详情" }
        p { "账期：" (year) "年" (mon.trim_start_matches('0')) "月 · 账号：" (signed_in.buyer.name) " (" (signed_in.buyer.ali_uid) ")" }
        table {
            tr { th { "应付金额" } td { "¥0.00" } }
        }
        h3 { "云市场账单明细" }
        p.muted { "本账期暂无云市场计费账单：用量推送与出账尚未产生费用。" }
        h3 { "云市场服务" }
        ul { @for i in &services { li { (i.instance_id) " · " (i.product_code) " · " (i.status.words()) } } }
    };
    Ok(layout::page("账单详情", Some(&signed_in), body).into_response())
}

fn is_month(m: &str) -> bool {
    let Some((y, mo)) = m.split_once('-') else {
        return false;
    };
    y.len() == 4
        && y.bytes().all(|c| c.is_ascii_digit())
        && mo.len() == 2
        && mo.parse::<u32>().is_ok_and(|n| (1..=12).contains(&n))
}

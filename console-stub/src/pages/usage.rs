//! 用量明细 (`GET /orgs/{org}/billing/usage`), a tab of 账单: the organisation's usage hour by
//! hour and cluster by cluster, latest first, 100 rows a page (`?page=2`, with 上一页 / 下一页) —
//! 时段 (the hour in Asia/Shanghai), 集群, 计算 and 存储 as the cluster used them, 推送状态 (已推送,
//! 待推送, 重试中 N 次 — N attempts failed so far —, 已拒绝 and the marketplace's code, 逾期未推送 —
//! the marketplace's deadline passed —, or 免费额度抵扣 when the credit covered the hour and nothing
//! was pushed), then 金额 (what the hour cost, each item truncated to the fen), 免费额度抵扣 (the
//! credit spent on it) and 推送用量 (what was pushed after it).

use crate::pages::billing::{chrome, compute, storage, tabs, yuan, Tab};
use crate::pages::error::PageError;
use crate::pages::layout::console_page;
use crate::pages::org_context;
use crate::pages::session::Visitor;
use crate::state::Console;
use crate::store::usage::{RequestStatus, UsageLine};
use crate::usage::HOUR;
use axum::extract::{Path, Query, State};
use maud::{html, Markup};
use protocol::time::local;
use serde::Deserialize;

/// Rows on one page.
const PAGE_ROWS: u64 = 100;

/// The `?page=` of 用量明细 (1 when absent).
#[derive(Debug, Default, Deserialize)]
pub struct UsageQuery {
    pub page: Option<String>,
}

/// 推送状态 of a row.
pub fn push_status(line: &UsageLine) -> String {
    let Some(status) = line.status else {
        return "免费额度抵扣".into();
    };
    match status {
        RequestStatus::Pushed => "已推送".into(),
        RequestStatus::Pending if line.attempts == 0 => "待推送".into(),
        RequestStatus::Pending => format!("重试中 {} 次", line.attempts),
        RequestStatus::Refused => format!("已拒绝 {}", line.code.as_deref().unwrap_or("")),
        RequestStatus::Late => "逾期未推送".into(),
        RequestStatus::Split => "已拆分重推".into(),
    }
}

/// 时段: `2023-08-15 10:00–11:00`.
fn period(line: &UsageLine) -> String {
    let start = local(line.usage.hour);
    let end = local(line.usage.hour + HOUR);
    format!("{}–{}", start.format("%Y-%m-%d %H:%M"), end.format("%H:%M"))
}

/// `GET /orgs/{org}/billing/usage`: 用量明细.
pub async fn page(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
    Query(query): Query<UsageQuery>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let page = match query.page.as_deref() {
        None => 1,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| PageError::BadRequest("页码应为正整数。".into()))?,
    };
    let offset = (page - 1).saturating_mul(PAGE_ROWS);
    let (lines, total) = console.lock().usage_lines(&org, offset, PAGE_ROWS)?;
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let link = |p: u64| format!("/orgs/{org}/billing/usage?page={p}");
    let body = html! {
        (tabs(&org, Tab::Usage))
        section.card {
            h2 { "用量明细" }
            p.hint { "每个运行中的集群每小时的用量，于整点推送至阿里云云市场（PushMeteringData）。时段为北京时间。" }
            table {
                thead { tr {
                    th { "时段" } th { "集群" } th { "计算" } th { "存储" } th { "推送状态" }
                    th { "金额" } th { "免费额度抵扣" } th { "推送用量" }
                } }
                tbody {
                    @for line in &lines {
                        tr {
                            td { (period(line)) }
                            td { (line.cluster_name) " " span.hint { (line.usage.cluster_id) } }
                            td { (compute(line.usage.compute)) }
                            td { (storage(line.usage.storage)) }
                            td { (push_status(line)) }
                            td { @match line.usage.amount { Some(a) => (yuan(a)), None => "—" } }
                            td { (yuan(line.usage.credit)) }
                            td {
                                (compute(line.usage.pushed_compute)) " "
                                (storage(line.usage.pushed_storage))
                            }
                        }
                    }
                    @if lines.is_empty() {
                        tr { td colspan="8" { "暂无用量。" } }
                    }
                }
            }
            @if pages > 1 {
                p {
                    @if page > 1 { a href=(link(page - 1)) { "上一页" } " " }
                    "第 " (page) " / " (pages) " 页"
                    @if page < pages { " " a href=(link(page + 1)) { "下一页" } }
                }
            }
        }
    };
    Ok(console_page(chrome(&ctx), "用量明细", body))
}

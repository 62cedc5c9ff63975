//! 账单: the tabs 账单概览, 用量明细 (module `usage`, beside this one) and 历史账单, and the 当月账单
//! detail behind 查看当月账单. 账单概览 shows 应付总额 (¥0.00: what the organisation owes the console
//! itself — usage paid through the marketplace is billed there), 账单周期 and 下个账单日 computed
//! from the world's clock in Asia/Shanghai (the calendar month now running), 免费额度 from the
//! organisation's data, and the 云市场扣费渠道: before binding an entry to the marketplace product
//! page, after binding 阿里云 云市场 with 查看阿里云账单 (the marketplace's bill page). 当月账单
//! sums this month's usage per metering item as the marketplace accepted it; the amounts stay with
//! the marketplace.

use crate::pages::error::PageError;
use crate::pages::layout::{console_page, Chrome, Nav};
use crate::pages::session::Visitor;
use crate::pages::{org_context, OrgContext};
use crate::state::Console;
use axum::extract::{Path, State};
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};
use protocol::time::{local, Instant};

/// The billing month containing `now` (Asia/Shanghai): its first day and the next month's first.
pub fn billing_period(now: Instant) -> (NaiveDate, NaiveDate) {
    let today = local(now).date_naive();
    let start = today.with_day(1).unwrap_or(today);
    let (y, m) = if start.month() == 12 {
        (start.year() + 1, 1)
    } else {
        (start.year(), start.month() + 1)
    };
    let next = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(start);
    (start, next)
}

/// A date as the console writes it: `2023年9月1日`.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// An amount due: `¥0.00`.
pub fn yuan(amount: f64) -> String {
    format!("¥{amount:.2}")
}

/// 免费额度 as the organisation's data writes it: `¥345.3`.
pub fn credit(amount: f64) -> String {
    format!("¥{amount}")
}

/// The console frame of the 账单 pages.
pub fn chrome(ctx: &OrgContext) -> Chrome<'_> {
    Chrome {
        user: &ctx.user,
        csrf: &ctx.session.csrf,
        org_id: Some(&ctx.membership.org.id),
        active: Nav::Billing,
    }
}

/// The tabs of 账单.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Usage,
    History,
}

/// The tab bar of 账单, `active` marked.
pub fn tabs(org: &str, active: Tab) -> Markup {
    html! {
        nav.tabs {
            a.active[active == Tab::Overview] href={ "/orgs/" (org) "/billing" } { "账单概览" }
            " "
            a.active[active == Tab::Usage] href={ "/orgs/" (org) "/billing/usage" } { "用量明细" }
            " "
            a.active[active == Tab::History] href={ "/orgs/" (org) "/billing/history" } { "历史账单" }
        }
    }
}

/// `GET /orgs/{org}/billing`: 账单概览.
pub async fn overview(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let (start, next) = billing_period(console.now());
    let config = console.config();
    let body = html! {
        (tabs(&org, Tab::Overview))
        section.card {
            h2 { "当月账单" }
            p { a href={ "/orgs/" (org) "/billing/current" } { "查看当月账单" } }
            table {
                thead { tr { th { "应付总额" } th { "账单周期" } th { "下个账单日" } } }
                tbody { tr {
                    td { (yuan(0.0)) }
                    td { (chinese_date(start)) " - " (chinese_date(next)) }
                    td { (chinese_date(next)) }
                } }
            }
        }
        section.card #channel {
            h2 { "云市场扣费渠道" }
            @if ctx.membership.bound_instance.is_some() {
                p {
                    a href=(config.product_page_url()) { "阿里云" } " 云市场 "
                    a href=(config.marketplace_bills_url()) { "查看阿里云账单" }
                }
            } @else {
                p { "尚未开通云市场扣费。通过阿里云云市场订阅 Zilliz Cloud 后，费用将计入您的阿里云账单。" }
                p { a href=(config.product_page_url()) { "前往阿里云云市场" } }
            }
        }
        section.card {
            h2 { "免费额度" }
            p { (credit(ctx.membership.org.free_credit)) }
        }
    };
    Ok(console_page(chrome(&ctx), "账单", body))
}

/// `GET /orgs/{org}/billing/history`: 历史账单.
pub async fn history(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let body = html! {
        (tabs(&org, Tab::History))
        section.card { p { "暂无历史账单。" } }
    };
    Ok(console_page(chrome(&ctx), "账单", body))
}

/// `GET /orgs/{org}/billing/current`: 当月账单 in detail — this month's usage per metering item,
/// as the marketplace accepted it. The amounts are the marketplace's to compute (its bill, behind
/// 查看阿里云账单); the console shows no price.
pub async fn current(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let (start, next) = billing_period(console.now());
    let totals = console
        .lock()
        .usage_totals(&org, month_start(start), month_start(next))?;
    let used = totals.pushed_compute > 0 || totals.pushed_storage > 0;
    let bills = console.config().marketplace_bills_url();
    let items = console.world().metering.as_ref();
    let body = html! {
        (tabs(&org, Tab::Overview))
        section.card {
            h2 { "当月账单" }
            p { "账单周期 " (chinese_date(start)) " - " (chinese_date(next)) }
            table {
                thead { tr { th { "项目" } th { "用量" } th { "金额" } } }
                tbody {
                    @if used {
                        tr {
                            td { "计算" @if let Some(m) = items { " (" (m.compute.key) ")" } }
                            td { (compute(totals.pushed_compute)) }
                            td { "以阿里云账单为准" }
                        }
                        tr {
                            td { "存储" @if let Some(m) = items { " (" (m.storage.key) ")" } }
                            td { (storage(totals.pushed_storage)) }
                            td { "以阿里云账单为准" }
                        }
                    } @else {
                        tr { td colspan="3" { "本月暂无用量。" } }
                    }
                }
            }
            @if totals.unpushed_hours > 0 {
                p.hint {
                    "另有 " (totals.unpushed_hours) " 条集群小时用量未被云市场接收（见 "
                    a href={ "/orgs/" (org) "/billing/usage" } { "用量明细" } "）。"
                }
            }
            p.hint {
                "用量为本月已推送至阿里云云市场的用量；金额由云市场按商品价格计算，计入您的阿里云账单。 "
                a href=(bills) { "查看阿里云账单" }
            }
            p { "应付总额 " (yuan(0.0)) }
        }
    };
    Ok(console_page(chrome(&ctx), "当月账单", body))
}

/// Midnight (Asia/Shanghai) at the start of `day`, as an instant.
fn month_start(day: NaiveDate) -> Instant {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(protocol::time::shanghai()).single())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

/// Compute as pushed: CU·seconds.
pub fn compute(cu_seconds: i64) -> String {
    format!("{cu_seconds} CU·秒")
}

/// Storage as pushed: GB·hours.
pub fn storage(gb_hours: i64) -> String {
    format!("{gb_hours} GB·时")
}

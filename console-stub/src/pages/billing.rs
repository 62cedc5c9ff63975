//! 账单: the tabs 账单概览, 用量明细 (module `usage`, beside this one) and 历史账单, and the 当月账单
//! detail behind 查看当月账单. 账单概览 shows 应付总额 — this month's charges the 免费额度 did not
//! cover: the usage pushed to and accepted by the marketplace, priced as its bill lines are
//! (`usage::charges`), so it equals the marketplace's bill to the fen — 账单周期 and 下个账单日
//! computed from the world's clock in Asia/Shanghai (the calendar month now running), the 免费额度
//! the organisation has left, and the 云市场扣费渠道: before binding an entry to the marketplace
//! product page, after binding 阿里云 云市场 with 查看阿里云账单 (the marketplace's bill page) and
//! the month's marketplace charges. 当月账单 sums this month's pushed usage and its charges per
//! metering item.

use crate::pages::error::PageError;
use crate::pages::layout::{console_page, Chrome, Nav};
use crate::pages::session::Visitor;
use crate::pages::{org_context, OrgContext};
use crate::state::Console;
use crate::usage::Charges;
use axum::extract::{Path, State};
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};
use protocol::time::{local, Instant};
use rust_decimal::Decimal;

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

/// An amount of money in yuan and fen: `¥345.30` (an amount finer than a fen is rounded to one,
/// for display only; the console's amounts are fen already).
pub fn yuan(amount: Decimal) -> String {
    let mut amount = amount.round_dp(2);
    amount.rescale(2);
    format!("¥{amount}")
}

/// This month's charges of `org_id`'s pushed usage and the 免费额度 spent on its usage.
fn month_money(console: &Console, org_id: &str, now: Instant) -> Result<(Charges, Decimal), PageError> {
    let (start, next) = billing_period(now);
    let (from, to) = (month_start(start), month_start(next));
    let db = console.lock();
    let hours = db.pushed_hours(org_id, from, to)?;
    let spent = db.credit_spent(org_id, from, to)?;
    let charges = match console.world().metering.as_ref() {
        Some(metering) => crate::usage::charges(&hours, console.world(), metering),
        None => Charges::default(),
    };
    Ok((charges, spent))
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
    let (charges, spent) = month_money(&console, &org, console.now())?;
    let config = console.config();
    let body = html! {
        (tabs(&org, Tab::Overview))
        section.card {
            h2 { "当月账单" }
            p { a href={ "/orgs/" (org) "/billing/current" } { "查看当月账单" } }
            table {
                thead { tr { th { "应付总额" } th { "账单周期" } th { "下个账单日" } } }
                tbody { tr {
                    td { (yuan(charges.total())) }
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
                p { "本月云市场扣费 " (yuan(charges.total())) }
            } @else {
                p { "尚未开通云市场扣费。通过阿里云云市场订阅 Zilliz Cloud 后，费用将计入您的阿里云账单。" }
                p { a href=(config.product_page_url()) { "前往阿里云云市场" } }
            }
        }
        section.card {
            h2 { "免费额度" }
            p { "剩余 " (yuan(ctx.membership.org.free_credit)) }
            p.hint { "本月已抵扣 " (yuan(spent)) "。用量先由免费额度抵扣，抵扣不足的部分推送至阿里云云市场计费。" }
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
/// as the marketplace accepted it, and what it costs, priced as the marketplace's bill lines are.
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
    let (charges, _) = month_money(&console, &org, console.now())?;
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
                            td { (yuan(charges.compute)) }
                        }
                        tr {
                            td { "存储" @if let Some(m) = items { " (" (m.storage.key) ")" } }
                            td { (storage(totals.pushed_storage)) }
                            td { (yuan(charges.storage)) }
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
                "用量为本月免费额度抵扣后已推送至阿里云云市场的用量；金额按商品价格逐小时计算（保留两位小数，超过两位舍弃），计入您的阿里云账单。 "
                a href=(bills) { "查看阿里云账单" }
            }
            p { "应付总额 " (yuan(charges.total())) }
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

//! 账单: the tabs 账单概览 and 历史账单, and the 当月账单 detail behind 查看当月账单. 账单概览 shows
//! 应付总额 (¥0.00: no usage is metered yet), 账单周期 and 下个账单日 computed from the world's clock
//! in Asia/Shanghai (the calendar month now running), 免费额度 from the organisation's data, and the
//! 云市场扣费渠道: before binding an entry to the marketplace product page, after binding 阿里云
//! 云市场 with 查看阿里云账单 (the marketplace's bill page).

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

fn chrome(ctx: &OrgContext) -> Chrome<'_> {
    Chrome {
        user: &ctx.user,
        csrf: &ctx.session.csrf,
        org_id: Some(&ctx.membership.org.id),
        active: Nav::Billing,
    }
}

fn tabs(org: &str, overview: bool) -> Markup {
    html! {
        nav.tabs {
            a.active[overview] href={ "/orgs/" (org) "/billing" } { "账单概览" }
            " "
            a.active[!overview] href={ "/orgs/" (org) "/billing/history" } { "历史账单" }
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
        (tabs(&org, true))
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
        (tabs(&org, false))
        section.card { p { "暂无历史账单。" } }
    };
    Ok(console_page(chrome(&ctx), "账单", body))
}

/// `GET /orgs/{org}/billing/current`: 当月账单 in detail.
pub async fn current(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let (start, next) = billing_period(console.now());
    let body = html! {
        (tabs(&org, true))
        section.card {
            h2 { "当月账单" }
            p { "账单周期 " (chinese_date(start)) " - " (chinese_date(next)) }
            table {
                thead { tr { th { "项目" } th { "用量" } th { "金额" } } }
                tbody { tr { td colspan="3" { "本月暂无用量。" } } }
            }
            p { "应付总额 " (yuan(0.0)) }
        }
    };
    Ok(console_page(chrome(&ctx), "当月账单", body))
}

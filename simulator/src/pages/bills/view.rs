//! The bill page itself: the month's 应付金额 and the 账户余额, an 欠费 banner while the balance is
//! below zero (when pay-as-you-go services stop, or that they have), a month picker and the months
//! that have a bill, the 充值 form, then per instance a subtotal for each billing item and, folded
//! in a `<details>`, every line of the month (备注: the order a line bills, and how many exact
//! duplicates of a pushed record it summed).

use super::statement::{month_words, Group, Statement};
use super::{bill_path, month_from};
use crate::pages::error::PageError;
use crate::pages::layout::{self, csrf_field, when, yuan};
use crate::pages::session::{self, SignedIn};
use crate::state::Simulator;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use protocol::time::epoch_millis;
use std::collections::HashMap;
use std::time::Duration;

/// What the 充值 form shows again after a refusal.
#[derive(Default)]
pub(super) struct TopUpForm<'a> {
    pub amount: &'a str,
    pub error: Option<&'a str>,
}

pub async fn show(
    State(sim): State<Simulator>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let month = month_from(&sim, q.get("month"))?;
    let signed_in = session::require(&sim, &headers, &bill_path(&month))?;
    Ok(render(&sim, &signed_in, &month, &TopUpForm::default())?.into_response())
}

/// The bill page of `month` for the signed-in buyer.
pub(super) fn render(
    sim: &Simulator,
    signed_in: &SignedIn,
    month: &str,
    top_up: &TopUpForm<'_>,
) -> Result<Markup, PageError> {
    let buyer = &signed_in.buyer;
    let statement = Statement::read(sim, &buyer.ali_uid, month)?;
    let months = sim.store().bill_months(&buyer.ali_uid)?;
    let balance = sim.balance(&buyer.ali_uid)?;
    let arrears = sim.store().arrears_since(&buyer.ali_uid)?;
    let body = html! {
        h1 { "账单详情" }
        p { "账期：" (month_words(month)) " · 账号：" (buyer.name) " (" (buyer.ali_uid) ")" }
        @if let Some(since) = arrears { (arrears_banner(sim, since)) }
        table id="bill-summary" {
            tr { th { "应付金额" } td id="bill-total" { (yuan(statement.total)) } }
            tr { th { "账户余额" } td id="balance" { (yuan(balance)) } }
        }
        form method="get" action="/console/bills" {
            p { label { "账期 " input type="month" name="month" value=(month); } " "
                button type="submit" { "查看" } }
        }
        @if !months.is_empty() {
            h3 { "有账单的账期" }
            ul id="bill-months" {
                @for m in &months {
                    li {
                        @if m.month == month { strong { (month_words(&m.month)) } }
                        @else { a href=(bill_path(&m.month)) { (month_words(&m.month)) } }
                        " " (yuan(m.total)) " · " (m.lines) " 条"
                    }
                }
            }
        }
        (top_up_form(signed_in, month, top_up))
        h2 { "云市场账单明细" }
        @if statement.is_empty() {
            p.muted { "本账期暂无云市场账单。" }
        } @else {
            p { (statement.lines()) " 条账单 · "
                a href={ "/console/bills.csv?month=" (month) } download { "导出账单（CSV）" } }
            @for g in &statement.groups { (group(g)) }
        }
    };
    Ok(layout::page("账单详情", Some(signed_in), body))
}

fn arrears_banner(sim: &Simulator, since: i64) -> Markup {
    let grace = sim.world().settings.arrears_grace;
    let stop_at = since.saturating_add(i64::try_from(grace.as_millis()).unwrap_or(i64::MAX));
    let stopped = stop_at <= epoch_millis(sim.clock().now());
    html! {
        p.error role="alert" id="arrears" {
            "您的账户已欠费（自 " (when(since)) " 起余额低于零）。"
            @if stopped {
                "按量付费服务已于 " (when(stop_at)) " 停止；"
            } @else {
                "余额低于零 " (grace_words(grace)) " 后，按量付费服务将停止（" (when(stop_at)) "）；"
            }
            "充值使余额回到零或以上，服务即恢复。"
        }
    }
}

/// A grace period in the buyer's words: `1天`, `2小时30分钟`.
fn grace_words(grace: Duration) -> String {
    let s = grace.as_secs();
    let (days, hours, minutes, seconds) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    let words: String = [(days, "天"), (hours, "小时"), (minutes, "分钟"), (seconds, "秒")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if words.is_empty() {
        "0秒".into()
    } else {
        words
    }
}

fn top_up_form(signed_in: &SignedIn, month: &str, form: &TopUpForm<'_>) -> Markup {
    html! {
        form method="post" action="/console/bills/top-up" id="top-up-form" {
            (csrf_field(&signed_in.session.csrf))
            input type="hidden" name="month" value=(month);
            @if let Some(e) = form.error { p.error role="alert" id="top-up-error" { (e) } }
            p {
                label { "充值金额（元） " input type="text" name="amount" inputmode="decimal" value=(form.amount); }
                " "
                button.primary type="submit" id="top-up-button" { "充值" }
            }
        }
    }
}

fn group(g: &Group) -> Markup {
    let id = if g.instance_id.is_empty() {
        "account".to_owned()
    } else {
        g.instance_id.clone()
    };
    html! {
        section.bill-instance id={ "instance-" (id) } {
            @if g.instance_id.is_empty() {
                h3 { "账户调账" }
            } @else {
                h3 { "实例 " (g.instance_id) }
                p { "商品：" (g.product_name) " (" (g.product_code) ") · 规格：" (g.sku_name) " (" (g.sku_id) ")" }
            }
            table.subtotals {
                tr { th { "计费项" } th { "账单类型" } th { "条数" } th { "用量" } th { "金额" } th { "备注" } }
                @for s in &g.subtotals {
                    tr {
                        td { (s.item) } td { (s.kind) } td { (s.lines) }
                        td { (s.usage.map(|u| u.normalize().to_string()).unwrap_or_else(|| "—".into())) }
                        td { (yuan(s.amount)) }
                        td { (duplicates(s.duplicates)) }
                    }
                }
            }
            details {
                summary { "账单明细（" (g.rows.len()) " 条）" }
                table.lines {
                    tr { th { "计费项" } th { "账单类型" } th { "计费时段" } th { "用量" } th { "单价" } th { "金额" } th { "备注" } }
                    @for r in &g.rows {
                        tr {
                            td { (r.item) } td { (r.kind) }
                            td { (r.window.as_deref().unwrap_or("—")) }
                            td { (r.usage.as_deref().unwrap_or("—")) }
                            td { (r.unit_price.as_deref().map(|p| format!("¥{p}")).unwrap_or_else(|| "—".into())) }
                            td { (yuan(r.amount)) }
                            td {
                                @if let Some(order) = &r.order_id { "订单 " (order) " " }
                                (duplicates(r.duplicates))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The flag of lines that summed exact duplicates of a pushed record.
fn duplicates(n: i64) -> Markup {
    html! { @if n > 0 { span.error { "重复推送 " (n) " 条" } } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grace_period_is_written_in_its_largest_units() {
        assert_eq!(grace_words(Duration::from_secs(86_400)), "1天");
        assert_eq!(grace_words(Duration::from_secs(9_000)), "2小时30分钟");
        assert_eq!(grace_words(Duration::ZERO), "0秒");
    }
}

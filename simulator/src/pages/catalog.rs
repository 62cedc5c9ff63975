//! The storefront: the product list, a product's page with 立即开通, the 开通按量服务 dialog (its
//! agreement checkbox is enforced by the server; a script only greys the button out in browsers
//! that run it), and the notice 开通申请已提交 after 开通.

use super::error::PageError;
use super::layout::{self, csrf_field, when, yuan};
use super::session::{self, check_csrf, form_fields, see_other, SignedIn};
use crate::lifecycle::Choice;
use crate::purchase::PurchaseError;
use crate::state::Simulator;
use crate::store::orders::Extras;
use crate::world::{term_words, Charge, Product, Sku};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped};
use std::collections::HashMap;

/// The agreement a buyer must tick before 开通.
pub const AGREEMENT: &str = "同意商品在线协议及云市场平台服务协议";
/// The notice after 开通 (the seed's words).
pub const SUBMITTED: &str = "开通申请已提交，约需要1 - 5分钟完成开通";

pub async fn home() -> Response {
    see_other("/products")
}

pub async fn list(State(sim): State<Simulator>, headers: HeaderMap) -> Result<Markup, PageError> {
    let signed_in = session::current(&sim, &headers)?;
    Ok(layout::page(
        "云市场",
        signed_in.as_ref(),
        html! {
            h1 { "云市场" }
            table {
                tr { th { "商品" } th { "服务商" } th { "简介" } }
                @for p in &sim.world().products {
                    tr {
                        td { a href={ "/products/" (p.code) } { (p.name) } }
                        td { (sim.world().vendor(&p.vendor).map(|v| v.name.as_str()).unwrap_or_default()) }
                        td { (p.summary) }
                    }
                }
            }
        },
    ))
}

fn product<'a>(sim: &'a Simulator, code: &str) -> Result<&'a Product, PageError> {
    sim.world()
        .product(code)
        .ok_or_else(|| PageError::NotFound(format!("没有商品 {code}。")))
}

pub async fn show(
    State(sim): State<Simulator>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    let signed_in = session::current(&sim, &headers)?;
    let p = product(&sim, &code)?;
    let vendor = sim
        .world()
        .vendor(&p.vendor)
        .map(|v| v.name.clone())
        .unwrap_or_default();
    Ok(layout::page(
        &p.name,
        signed_in.as_ref(),
        html! {
            h1 { (p.name) }
            p { (p.summary) }
            p.muted { "服务商：" (vendor) " · 商品编码：" (p.code) }
            h3 { "规格" }
            ul { @for sku in &p.skus {
                li { a href={ "/products/" (p.code) "/open?sku=" (sku.id) } { (sku.name) } " — " (charge_words(sku)) }
            } }
            p { a.primary href={ "/products/" (p.code) "/open" } { "立即开通" } }
        },
    ))
}

/// A refused purchase in the buyer's words.
fn purchase_words(e: &PurchaseError) -> String {
    match e {
        PurchaseError::UnknownProduct(code) => format!("没有商品 {code}。"),
        PurchaseError::UnknownSku { sku, .. } => format!("该商品没有规格 {sku}。"),
        PurchaseError::TermNotSold { months, .. } => {
            format!("该规格不提供{}的购买时长。", term_words(*months))
        }
        PurchaseError::BadExtras(e) => format!("额外计费项不正确：{}。", e.words()),
        PurchaseError::InArrears => "您的账户已欠费，请结清欠款后再开通按量付费服务。".into(),
        PurchaseError::Store(_) => "系统繁忙，请稍后重试。".into(),
    }
}

/// What a SKU costs, in the words of the product page and the 开通 dialog.
fn charge_words(sku: &Sku) -> String {
    match sku.charge {
        Charge::PayAsYouGo => "按实际用量计费，费用计入阿里云账单".into(),
        Charge::Subscription => {
            let terms: Vec<String> = sku
                .terms
                .iter()
                .map(|t| format!("{} {}", term_words(t.months), yuan(t.price)))
                .collect();
            format!("包年包月：{}", terms.join("，"))
        }
        Charge::Trial => format!("免费试用 {} 天，到期后停止服务", sku.trial_days.unwrap_or(0)),
    }
}

/// The 开通 dialog for the SKU, term and extra items `chosen` (a query or a refused form): a form
/// that chooses them (查看价格 shows the price without JavaScript), the price, and the form that
/// buys them.
fn open_dialog(
    sim: &Simulator,
    p: &Product,
    signed_in: &SignedIn,
    chosen: &HashMap<String, String>,
    error: Option<&str>,
) -> Markup {
    let sku = chosen.get("sku").and_then(|id| p.sku(id)).unwrap_or(&p.skus[0]);
    let choice = choice_from(chosen).unwrap_or_default();
    let months = choice.months.or_else(|| sku.terms.first().map(|t| t.months));
    let quote = sim.quote_purchase(&signed_in.buyer, &p.code, &sku.id, &choice);
    let title = match sku.charge {
        Charge::PayAsYouGo => "开通按量服务",
        Charge::Subscription => "开通包年包月服务",
        Charge::Trial => "开通免费试用",
    };
    layout::dialog(
        title,
        Some(signed_in),
        html! {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            p { "商品：" (p.name) }
            form method="get" id="choose-form" {
                p { label { "规格 " select name="sku" {
                    @for s in &p.skus { option value=(s.id) selected[s.id == sku.id] { (s.name) } }
                } } }
                @if !sku.terms.is_empty() {
                    p { label { "购买时长 " select name="months" {
                        @for t in &sku.terms {
                            option value=(t.months) selected[Some(t.months) == months] { (term_words(t.months)) }
                        }
                    } } }
                }
                @for e in &sku.extras {
                    p { label { (e.name) " "
                        input type="number" name={ "extra." (e.key) } min=(e.min) max=(e.max)
                            value=(choice.extras.get(&e.key).copied().unwrap_or(e.default));
                        " （" (e.min) "–" (e.max) "，每个每月 " (yuan(e.monthly_price)) "）"
                    } }
                }
                p { button type="submit" id="price-button" { "查看价格" } }
            }
            p { "规格：" (sku.name) "（" (charge_words(sku)) "）" }
            @match &quote {
                Ok(order) => {
                    p id="price" { "应付金额：" (yuan(order.price)) }
                    @if let Some(end) = order.ends_at { p { "到期时间：" (when(end)) } }
                }
                Err(e) => p.error role="alert" { (purchase_words(e)) },
            }
            form method="post" action={ "/products/" (p.code) "/open" } id="open-form" {
                (csrf_field(&signed_in.session.csrf))
                input type="hidden" name="sku" value=(sku.id);
                @if let Some(m) = months.filter(|_| !sku.terms.is_empty()) {
                    input type="hidden" name="months" value=(m);
                }
                @for e in &sku.extras {
                    input type="hidden" name={ "extra." (e.key) }
                        value=(choice.extras.get(&e.key).copied().unwrap_or(e.default));
                }
                p { label { input type="checkbox" name="agree" value="yes" id="agree"; " " (AGREEMENT) } }
                p.actions {
                    button.primary type="submit" id="open-button" { "开通" }
                    a href={ "/products/" (p.code) } { "取消" }
                }
            }
            script { (PreEscaped(
                "(function(){var c=document.getElementById('agree'),b=document.getElementById('open-button');\
                 function s(){b.disabled=!c.checked;}c.addEventListener('change',s);window.addEventListener('pageshow',s);s();})();"
            )) }
        },
    )
}

pub async fn open_form(
    State(sim): State<Simulator>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let p = product(&sim, &code)?;
    let here = session::with_query(format!("/products/{code}/open"), query.as_deref());
    let signed_in = session::require(&sim, &headers, &here)?;
    let chosen = form_fields(query.unwrap_or_default().as_bytes());
    Ok(open_dialog(&sim, p, &signed_in, &chosen, None).into_response())
}

pub async fn open_submit(
    State(sim): State<Simulator>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let p = product(&sim, &code)?;
    let signed_in = session::require(&sim, &headers, &format!("/products/{code}/open"))?;
    let f = form_fields(&body);
    check_csrf(&signed_in, &f)?;
    if f.get("agree").map(String::as_str) != Some("yes") {
        let page = open_dialog(
            &sim,
            p,
            &signed_in,
            &f,
            Some(&format!("请先阅读并勾选“{AGREEMENT}”。")),
        );
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let sku = f.get("sku").cloned().unwrap_or_else(|| p.skus[0].id.clone());
    let choice = choice_from(&f)?;
    let order = sim
        .open_service(&signed_in.buyer, &p.code, &sku, &choice)
        .map_err(|e| match e {
            PurchaseError::Store(e) => PageError::Store(e),
            other => PageError::BadRequest(purchase_words(&other)),
        })?;
    Ok(see_other(&format!("/orders/{}/submitted", order.order_id)))
}

pub async fn submitted(
    State(sim): State<Simulator>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/orders/{order_id}/submitted"))?;
    let order = sim
        .store()
        .order(&order_id)?
        .filter(|o| o.ali_uid == signed_in.buyer.ali_uid)
        .ok_or_else(|| PageError::NotFound(format!("没有订单 {order_id}。")))?;
    Ok(layout::dialog(
        "提示",
        Some(&signed_in),
        html! {
            p { (SUBMITTED) }
            p.muted { "订单号：" (order.order_id) }
            p { a.primary href="/console/services" { "确定" } }
        },
    )
    .into_response())
}

/// The term (`months`) and extra items (`extra.<Key>`) a form chose; a field that is not a count
/// is refused.
pub(super) fn choice_from(f: &HashMap<String, String>) -> Result<Choice, PageError> {
    let count = |name: &str, value: &str| {
        value
            .trim()
            .parse::<u32>()
            .map_err(|_| PageError::BadRequest(format!("{name} 须为正整数。")))
    };
    let months = match f.get("months").filter(|m| !m.trim().is_empty()) {
        Some(m) => Some(count("购买时长", m)?),
        None => None,
    };
    let mut extras = Extras::new();
    for (name, value) in f {
        if let Some(key) = name.strip_prefix("extra.") {
            extras.insert(key.to_owned(), count(key, value)?);
        }
    }
    Ok(Choice { months, extras })
}

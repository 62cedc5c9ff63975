//! The buyer's orders after 开通, from 已购买服务列表 and 详情: 续费, 升级, 退订 and 自动续费. Each
//! order has a page that chooses it with a plain GET form (查看价格 shows the price before paying,
//! without JavaScript) and a POST form with the session's CSRF token that places it; a refusal is
//! shown on the page in words and changes nothing.

use super::catalog::choice_from;
use super::error::PageError;
use super::layout::{self, csrf_field, when, yuan};
use super::session::{self, check_csrf, form_fields, see_other, SignedIn};
use crate::lifecycle::LifecycleError;
use crate::state::Simulator;
use crate::store::orders::{Instance, Order, Status};
use crate::store::purchases::AutoRenewal;
use crate::world::{term_words, Charge, Product, Sku};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use protocol::time::epoch_millis;
use std::collections::HashMap;

/// The signed-in buyer's instance with its product and SKU; another buyer's is "not found".
fn bought<'a>(
    sim: &'a Simulator,
    signed_in: &SignedIn,
    id: &str,
) -> Result<(Instance, &'a Product, &'a Sku), PageError> {
    let not_found = || PageError::NotFound(format!("没有实例 {id}。"));
    let i = sim
        .store()
        .instance(id)?
        .filter(|i| i.ali_uid == signed_in.buyer.ali_uid)
        .ok_or_else(not_found)?;
    let product = sim.world().product(&i.product_code).ok_or_else(not_found)?;
    let sku = product.sku(&i.sku_id).ok_or_else(not_found)?;
    Ok((i, product, sku))
}

/// A refusal in the buyer's words.
fn refusal(e: &LifecycleError) -> String {
    match e {
        LifecycleError::WrongStatus { status, .. } => {
            format!(
                "实例状态为{}，不能进行此操作。",
                Status::from_code(status).words()
            )
        }
        LifecycleError::NoTerm { .. } => "该规格没有购买时长（按量付费或试用），不能续费或退订。".into(),
        LifecycleError::TermNotSold { months, .. } => {
            format!("该规格不提供{}的购买时长。", term_words(*months))
        }
        LifecycleError::UpgradeTarget(_) => {
            "不能升级到所选规格：升级须在同一商品内，包年包月只能升级到包年包月，按量付费只能升级到按量付费，且须有所变化。".into()
        }
        LifecycleError::BadExtras(e) => format!("额外计费项不正确：{}。", e.words()),
        LifecycleError::RefundWindowClosed(at) => format!("已超过无理由退订期限（{at}）。"),
        LifecycleError::NoPendingRenewal(_) => "没有尚未生效的续费订单可以退订。".into(),
        LifecycleError::UnknownInstance(id) => format!("没有实例 {id}。"),
        LifecycleError::Queue(e) => format!("无法通知服务商：{e}。"),
        LifecycleError::Store(_) => "系统繁忙，请稍后重试。".into(),
    }
}

/// The page again with the refusal, answered 409; a store failure is the store's error page.
fn refused(e: LifecycleError, page: impl FnOnce(&str) -> Markup) -> Result<Response, PageError> {
    match e {
        LifecycleError::Store(e) => Err(PageError::Store(e)),
        e => Ok((StatusCode::CONFLICT, page(&refusal(&e))).into_response()),
    }
}

fn price_line(quote: &Result<Order, LifecycleError>) -> Markup {
    html! {
        @match quote {
            Ok(order) => {
                p id="price" { "应付金额：" (yuan(order.price)) }
                @if let Some(end) = order.ends_at { p { "到期时间：" (when(end)) } }
            }
            Err(e) => p.error role="alert" { (refusal(e)) },
        }
    }
}

fn query(raw: Option<String>) -> HashMap<String, String> {
    form_fields(raw.unwrap_or_default().as_bytes())
}

fn months_of(f: &HashMap<String, String>, sku: &Sku) -> Result<u32, PageError> {
    Ok(choice_from(f)?
        .months
        .or_else(|| sku.terms.first().map(|t| t.months))
        .unwrap_or(1))
}

fn detail_path(id: &str) -> String {
    format!("/console/services/{id}")
}

// --- 续费 ---

fn renew_page(
    sim: &Simulator,
    signed_in: &SignedIn,
    i: &Instance,
    sku: &Sku,
    months: u32,
    error: Option<&str>,
) -> Markup {
    let quote = sim.quote_renewal(&i.instance_id, months);
    let path = format!("{}/renew", detail_path(&i.instance_id));
    layout::dialog(
        "续费",
        Some(signed_in),
        html! {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            p { "实例：" (i.instance_id) " · " (sku.name) }
            p { "当前到期时间：" (i.expires_at.map(when).unwrap_or_else(|| "—".into())) }
            form method="get" {
                p { label { "续费时长 " select name="months" {
                    @for t in &sku.terms {
                        option value=(t.months) selected[t.months == months] { (term_words(t.months)) " " (yuan(t.price)) }
                    }
                } } }
                p { button type="submit" { "查看价格" } }
            }
            (price_line(&quote))
            form method="post" action=(path) {
                (csrf_field(&signed_in.session.csrf))
                input type="hidden" name="months" value=(months);
                p.actions {
                    button.primary type="submit" id="renew-button" { "确认续费" }
                    a href=(detail_path(&i.instance_id)) { "取消" }
                }
            }
        },
    )
}

pub async fn renew_form(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let here = session::with_query(format!("/console/services/{id}/renew"), raw.as_deref());
    let signed_in = session::require(&sim, &headers, &here)?;
    let (i, _, sku) = bought(&sim, &signed_in, &id)?;
    let months = months_of(&query(raw), sku)?;
    Ok(renew_page(&sim, &signed_in, &i, sku, months, None).into_response())
}

pub async fn renew_submit(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}/renew"))?;
    let f = form_fields(&body);
    check_csrf(&signed_in, &f)?;
    let (i, _, sku) = bought(&sim, &signed_in, &id)?;
    let months = months_of(&f, sku)?;
    match sim.renew(&id, months, |_, _| Ok(())) {
        Ok(_) => Ok(see_other(&detail_path(&id))),
        Err(e) => refused(e, |why| renew_page(&sim, &signed_in, &i, sku, months, Some(why))),
    }
}

// --- 升级 ---

fn upgrade_page(
    sim: &Simulator,
    signed_in: &SignedIn,
    i: &Instance,
    product: &Product,
    f: &HashMap<String, String>,
    error: Option<&str>,
) -> Markup {
    let current = product.sku(&i.sku_id);
    let target = f
        .get("sku")
        .and_then(|id| product.sku(id))
        .or_else(|| {
            product
                .skus
                .iter()
                .find(|s| s.id != i.sku_id && Some(s.charge) == current.map(|c| c.charge))
        })
        .or(current);
    let extras = choice_from(f).map(|c| c.extras).unwrap_or_default();
    let path = format!("{}/upgrade", detail_path(&i.instance_id));
    let quote = target.map(|t| sim.quote_upgrade(&i.instance_id, &t.id, &extras));
    layout::dialog(
        "升级",
        Some(signed_in),
        html! {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            p { "实例：" (i.instance_id) " · 当前规格：" (current.map(|s| s.name.as_str()).unwrap_or(&i.sku_id)) }
            form method="get" {
                p { label { "目标规格 " select name="sku" {
                    @for s in &product.skus {
                        option value=(s.id) selected[Some(&s.id) == target.map(|t| &t.id)] { (s.name) }
                    }
                } } }
                @if let Some(t) = target {
                    @for e in &t.extras {
                        p { label { (e.name) " "
                            input type="number" name={ "extra." (e.key) } min=(e.min) max=(e.max)
                                value=(extras.get(&e.key).or(i.extras.get(&e.key)).copied().unwrap_or(e.default));
                        } }
                    }
                }
                p { button type="submit" { "查看价格" } }
            }
            @if let Some(quote) = &quote { (price_line(quote)) }
            @if let Some(t) = target {
                form method="post" action=(path) {
                    (csrf_field(&signed_in.session.csrf))
                    input type="hidden" name="sku" value=(t.id);
                    @for (k, v) in &extras { input type="hidden" name={ "extra." (k) } value=(v); }
                    p.actions {
                        button.primary type="submit" id="upgrade-button" { "确认升级" }
                        a href=(detail_path(&i.instance_id)) { "取消" }
                    }
                }
            }
        },
    )
}

pub async fn upgrade_form(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let here = session::with_query(format!("/console/services/{id}/upgrade"), raw.as_deref());
    let signed_in = session::require(&sim, &headers, &here)?;
    let (i, product, _) = bought(&sim, &signed_in, &id)?;
    Ok(upgrade_page(&sim, &signed_in, &i, product, &query(raw), None).into_response())
}

pub async fn upgrade_submit(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}/upgrade"))?;
    let f = form_fields(&body);
    check_csrf(&signed_in, &f)?;
    let (i, product, _) = bought(&sim, &signed_in, &id)?;
    let target = f
        .get("sku")
        .cloned()
        .ok_or_else(|| PageError::BadRequest("请选择目标规格。".into()))?;
    let extras = choice_from(&f)?.extras;
    match sim.upgrade(&id, &target, &extras, |_, _| Ok(())) {
        Ok(_) => Ok(see_other(&detail_path(&id))),
        Err(e) => refused(e, |why| {
            upgrade_page(&sim, &signed_in, &i, product, &f, Some(why))
        }),
    }
}

// --- 退订 ---

fn refund_page(
    sim: &Simulator,
    signed_in: &SignedIn,
    i: &Instance,
    error: Option<&str>,
) -> Result<Markup, PageError> {
    let orders = sim.store().orders_of(&i.instance_id)?;
    let paid: rust_decimal::Decimal = orders.iter().filter(|o| !o.is_refunded()).map(|o| o.price).sum();
    let renewal = sim.pending_renewal(&i.instance_id)?;
    let path = format!("{}/refund", detail_path(&i.instance_id));
    let closes = orders
        .iter()
        .find(|o| o.order_type == "NEW")
        .map(|o| sim.refund_window_closes(o));
    Ok(layout::dialog(
        "退订",
        Some(signed_in),
        html! {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            p { "实例：" (i.instance_id) }
            @if let Some(r) = &renewal {
                h3 { "退订续费" }
                p { "退订尚未生效的续费订单 " (r.order_id) "，退款 " (yuan(r.price)) "，到期时间恢复为 "
                    (r.starts_at.map(when).unwrap_or_default()) "。" }
                form method="post" action={ (detail_path(&i.instance_id)) "/refund-renewal" } {
                    (csrf_field(&signed_in.session.csrf))
                    p { button.primary type="submit" id="refund-renewal-button" { "确认退订续费" } }
                }
            }
            h3 { "退订实例" }
            p { "无理由退订期限：" (closes.map(when).unwrap_or_else(|| "—".into()))
                "。退订后实例立即释放，数据删除，退款 " (yuan(paid)) "。" }
            form method="post" action=(path) {
                (csrf_field(&signed_in.session.csrf))
                p.actions {
                    button.primary type="submit" id="refund-button" { "确认退订" }
                    a href=(detail_path(&i.instance_id)) { "取消" }
                }
            }
        },
    ))
}

pub async fn refund_form(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}/refund"))?;
    let (i, _, _) = bought(&sim, &signed_in, &id)?;
    Ok(refund_page(&sim, &signed_in, &i, None)?.into_response())
}

pub async fn refund_submit(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    refund_with(sim, id, headers, body, Simulator::refund).await
}

pub async fn refund_renewal_submit(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    refund_with(sim, id, headers, body, Simulator::refund_renewal).await
}

/// 确认退订 or 确认退订续费: `refund` taken, or the 退订 page again with its refusal.
async fn refund_with(
    sim: Simulator,
    id: String,
    headers: HeaderMap,
    body: Bytes,
    refund: fn(&Simulator, &str) -> Result<Order, LifecycleError>,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}/refund"))?;
    check_csrf(&signed_in, &form_fields(&body))?;
    let (i, _, _) = bought(&sim, &signed_in, &id)?;
    match refund(&sim, &id) {
        Ok(_) => Ok(see_other(&detail_path(&id))),
        Err(LifecycleError::Store(e)) => Err(PageError::Store(e)),
        Err(e) => {
            let page = refund_page(&sim, &signed_in, &i, Some(&refusal(&e)))?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

// --- 自动续费 ---

/// 自动续费 on 详情: on with a term the SKU sells, or off.
pub fn auto_renew_form(signed_in: &SignedIn, i: &Instance, sku: &Sku, on: Option<&AutoRenewal>) -> Markup {
    let months = on.map(AutoRenewal::months);
    html! {
        form method="post" action={ (detail_path(&i.instance_id)) "/auto-renew" } id="auto-renew-form" {
            (csrf_field(&signed_in.session.csrf))
            @match on {
                Some(_) => {
                    input type="hidden" name="on" value="no";
                    "已开启，每次续费 " (term_words(months.unwrap_or(1))) " "
                    button type="submit" id="auto-renew-button" { "关闭自动续费" }
                }
                None => {
                    input type="hidden" name="on" value="yes";
                    label { "每次续费 " select name="months" {
                        @for t in &sku.terms { option value=(t.months) { (term_words(t.months)) } }
                    } }
                    " "
                    button type="submit" id="auto-renew-button" { "开启自动续费" }
                }
            }
        }
    }
}

pub async fn auto_renew_submit(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &detail_path(&id))?;
    let f = form_fields(&body);
    check_csrf(&signed_in, &f)?;
    let (i, _, sku) = bought(&sim, &signed_in, &id)?;
    if sku.charge != Charge::Subscription || matches!(i.status, Status::Closed | Status::OpenFailed) {
        return Err(PageError::Conflict("只有包年包月的实例可以自动续费。".into()));
    }
    let renewal = match f.get("on").map(String::as_str) {
        Some("yes") => {
            let months = months_of(&f, sku)?;
            if sku.term(months).is_none() {
                return Err(PageError::BadRequest(format!(
                    "该规格不提供{}的购买时长。",
                    term_words(months)
                )));
            }
            Some(AutoRenewal::for_months(months))
        }
        Some("no") => None,
        _ => return Err(PageError::BadRequest("请选择开启或关闭自动续费。".into())),
    };
    let now = epoch_millis(sim.clock().now());
    sim.store().set_auto_renewal(&id, renewal.as_ref(), now)?;
    Ok(see_other(&detail_path(&id)))
}

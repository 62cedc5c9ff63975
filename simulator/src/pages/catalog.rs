//! The storefront: the product list, a product's page with 立即开通, the 开通按量服务 dialog (its
//! agreement checkbox is enforced by the server; a script only greys the button out in browsers
//! that run it), and the notice 开通申请已提交 after 开通.

use super::error::PageError;
use super::layout::{self, csrf_field};
use super::session::{self, check_csrf, form_fields, see_other, SignedIn};
use crate::purchase::PurchaseError;
use crate::state::Simulator;
use crate::world::Product;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped};

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
            ul { @for sku in &p.skus { li { (sku.name) " — 按实际用量计费，费用计入阿里云账单" } } }
            p { a.primary href={ "/products/" (p.code) "/open" } { "立即开通" } }
        },
    ))
}

fn open_dialog(p: &Product, signed_in: &SignedIn, error: Option<&str>) -> Markup {
    let sku = &p.skus[0];
    layout::dialog(
        "开通按量服务",
        Some(signed_in),
        html! {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            p { "商品：" (p.name) }
            p { "规格：" (sku.name) "（按量付费，开通免费，按实际用量出账）" }
            form method="post" action={ "/products/" (p.code) "/open" } id="open-form" {
                (csrf_field(&signed_in.session.csrf))
                input type="hidden" name="sku" value=(sku.id);
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
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let p = product(&sim, &code)?;
    let signed_in = session::require(&sim, &headers, &format!("/products/{code}/open"))?;
    Ok(open_dialog(p, &signed_in, None).into_response())
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
        let page = open_dialog(p, &signed_in, Some(&format!("请先阅读并勾选“{AGREEMENT}”。")));
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let sku = f.get("sku").cloned().unwrap_or_else(|| p.skus[0].id.clone());
    let order = sim
        .open_service(&signed_in.buyer, &p.code, &sku)
        .map_err(|e| match e {
            PurchaseError::Store(e) => PageError::Store(e),
            other => PageError::BadRequest(format!("{other}。")),
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
